/*
 * cli.h - subcommands of the one binary. Each module lists its commands in a
 * table; the app dispatches `shuangyong <name> …` to run() with the words
 * after the name. Options are "--name value" or "--name=value"; anything
 * else is positional.
 */
#ifndef SY_CLI_H
#define SY_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct cli_ctx {
	const char *db_url; /* from --db, SHUANGYONG_DB or the config file */
	FILE *out, *err;
	void *app;          /* the app's configuration, for commands that need more */
};

struct cli_command {
	const char *name;
	const char *summary; /* one line for `shuangyong --help` */
	const char *usage;   /* the full text for `shuangyong <name> --help` */
	int (*run)(struct cli_ctx *c, int argc, char **argv);
};

#define CLI_MAX_ARGS 32
struct cli_args {
	const char *pos[CLI_MAX_ARGS];
	int npos;
	const char *names[CLI_MAX_ARGS], *values[CLI_MAX_ARGS];
	int nopts;
	bool help;
};

/*
 * Split argv into positional words and options. Options named in `flags`
 * take no value; those in `options` take one ("--name value" or
 * "--name=value"); both lists NULL-terminated, without "--", or NULL for
 * none. The global options (--db …) are taken before a command runs. false
 * with a message on c->err for any other option, an option lacking its
 * value, or too many words.
 */
bool cli_parse(struct cli_ctx *c, int argc, char **argv, const char *const *flags, const char *const *options,
	       struct cli_args *out);
const char *cli_opt(const struct cli_args *a, const char *name);
bool cli_has(const struct cli_args *a, const char *name);
/* s (NULL as "") then spaces to fill width columns, for a table: Chinese counts two (text_display_width). */
void cli_put_cell(FILE *f, const char *s, int width);
/* Read one line (a password) from stdin without its newline; false at EOF. */
bool cli_read_line(char *buf, size_t cap);

#endif
