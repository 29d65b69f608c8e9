/* cli.c - `shuangyong import people|service|orgs FILE`: the import without the browser. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import.h"
#include "lib/cli.h"
#include "lib/crypto.h"

static const char IMPORT_USAGE[] =
	"usage: shuangyong import people|service|orgs|merchants FILE [--dry-run] [--on-existing skip|update] [--rejected OUT.csv]\n"
	"Imports from CSV (UTF-8 with or without BOM, or GB18030/GBK) or .xlsx; columns in Chinese or English:\n"
	"  people:  身份证号, 姓名, 居住地区代码 (required); 电话, 居住地址, 户籍地区代码, 户籍地址, 纬度, 经度, 人员类别, 状态\n"
	"  service: 身份证号 (of a registered person), 军种, 入伍批准日期 (required); 退役命令日期, 军衔, 退役方式,\n"
	"           残疾等级, 致残原因, 奖励 (三等功:2012-08-01、嘉奖), 艰苦边远地区服役, 海岛服役 (2009-03-01至2012-02-28)\n"
	"  orgs:    名称, 类型, 地区代码 (required); 地址, 纬度, 经度, 联系人, 联系电话\n"
	"  merchants: 名称, 地区代码 (required); 地址, 纬度, 经度, 行业类别, 营业时间, 牌匾编号 (a member's), 状态 (成员/候选),\n"
	"           联系人, 联系电话, 所属协会\n"
	"Valid rows are written in one transaction; every problem is listed with its row and column; --rejected\n"
	"writes the bad rows to fix and re-import. A record already present (the same 身份证号; the same person\n"
	"and 入伍批准日期; the same name, type and region) is skipped unless --on-existing update. --dry-run: check only.\n"
	"Exit status: 0 all rows valid, 3 some rows rejected (the rest imported), 1 the file could not be imported.\n";

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf = NULL;
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && (buf = malloc((size_t)st.st_size + 1))) {
		*len = fread(buf, 1, (size_t)st.st_size, f);
		if (*len != (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static int cmd_import(struct cli_ctx *c, int argc, char **argv)
{
	static const char *const flags[] = {"dry-run", NULL};
	static const char *const options[] = {"on-existing", "rejected", NULL};
	struct cli_args a;
	struct import_report rep;
	struct principal sys;
	char digest[CRYPTO_SHA256_HEX];
	sy_err err;
	size_t len = 0;
	int rc = 0;
	if (!cli_parse(c, argc, argv, flags, options, &a))
		return 2;
	const struct import_kind *kind = a.npos == 2 ? import_kind_find(a.pos[0]) : NULL;
	if (a.help || !kind) {
		fputs(IMPORT_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	const char *mode = cli_opt(&a, "on-existing");
	if (mode && strcmp(mode, "skip") && strcmp(mode, "update")) {
		fputs(IMPORT_USAGE, c->err);
		return 2;
	}
	char *buf = read_file(a.pos[1], &len);
	if (!buf) {
		fprintf(c->err, "error: cannot read %s: %s\n", a.pos[1], strerror(errno));
		return 1;
	}
	db *d = db_open(c->db_url, &err);
	if (!d) {
		fprintf(c->err, "error: %s\n", err.msg_en);
		free(buf);
		return 1;
	}
	crypto_sha256_hex(buf, len, digest);
	principal_system(&sys, "cli");
	struct import_options opt = {.commit = !cli_has(&a, "dry-run"),
				     .update_existing = mode && !strcmp(mode, "update"),
				     .filename = a.pos[1], .digest = digest};
	if (registry_import(d, &sys, kind, buf, len, &opt, &rep, &err)) {
		fprintf(c->err, "error: %s (%s%s%s)\n", err.msg_en, err.code, err.field[0] ? ", column " : "", err.field);
		rc = 1;
		goto out;
	}
	fprintf(c->out, "%s: %zu rows, %zu valid, %zu invalid; %zu inserted, %zu updated, %zu skipped (already present)%s\n",
		rep.format, rep.rows, rep.valid, rep.invalid, rep.inserted, rep.updated, rep.skipped,
		opt.commit ? "" : " — dry run, nothing written");
	size_t i;
	json_t *p;
	json_array_foreach(rep.problems, i, p)
		fprintf(c->out, "  row %" JSON_INTEGER_FORMAT ", %s: %s\n", json_integer_value(json_object_get(p, "row")),
			json_string_value(json_object_get(p, "column")), json_string_value(json_object_get(p, "message_en")));
	const char *out = cli_opt(&a, "rejected");
	if (out && rep.invalid) {
		FILE *f = fopen(out, "wb");
		if (!f || fwrite(rep.rejected, 1, rep.rejected_len, f) != rep.rejected_len) {
			fprintf(c->err, "error: cannot write %s\n", out);
			rc = 1;
		}
		if (f)
			fclose(f);
	}
	rc = rc ? rc : (rep.invalid ? 3 : 0);
	import_report_free(&rep);
out:
	db_close(d);
	free(buf);
	return rc;
}

const struct cli_command registry_commands[] = {
	{"import", "import people, service records or organisations from CSV (UTF-8/GBK) or .xlsx", IMPORT_USAGE, cmd_import},
};
const int registry_commands_count = sizeof registry_commands / sizeof registry_commands[0];
