/*
 * replay.c - runs a fuzz target over files without libFuzzer, so the gcc
 * sanitizer build replays each target's corpus in `make test`.
 *
 *   replay_<target> FILE|DIR...
 *
 * Prints how many inputs ran; a property failure or a sanitizer report aborts
 * the process, which the test runner counts as a failure.
 */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* The targets that need no set-up do not define it. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	int rc = -1;
	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	/* An exact-size heap copy, so reading one byte past the input is caught. */
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		goto out;
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

static int run_path(const char *path, int *count)
{
	struct stat st;
	if (stat(path, &st)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (run_file(path)) {
			fprintf(stderr, "replay: cannot read %s\n", path);
			return -1;
		}
		(*count)++;
		return 0;
	}
	DIR *d = opendir(path);
	struct dirent *e;
	char child[4096];
	int rc = 0;
	if (!d)
		return -1;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= sizeof child)
			continue;
		rc = run_path(child, count);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int count = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &count))
			return 1;
	/* One TAP line: tests/run.sh counts it as one passing test. */
	printf("ok 1 - %s: %d inputs, no failure\n", argv[0], count);
	return 0;
}
