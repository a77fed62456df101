/*
 * replay_main.c - runs a fuzz harness over its committed corpus as an
 * ordinary program (built with gcc, so CI needs no clang): each file given on
 * the command line, or each file of every directory given, is passed once to
 * LLVMFuzzerTestOneInput. Without arguments it replays
 * $top_srcdir/tests/fuzz/corpus/<name> for the program fuzz_<name>. A crash
 * or sanitizer report fails the run; at the end it prints how many inputs ran.
 *
 * It is a library of its own (tests/fuzz/local.mk) so that the same harness
 * objects link either with it or with libFuzzer's main (scripts/fuzz.sh).
 */
#include "config.h"
#include "fuzz_input.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static size_t replayed;

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (buf == NULL)
			abort();
		n += fread(buf + n, 1, cap - n, fp);
		if (n < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
	}
	fclose(fp);
	/* An exact-size copy, so an overread past the input is caught. */
	uint8_t *exact = malloc(n ? n : 1);
	if (exact == NULL)
		abort();
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	replayed++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return run_file(path);
	DIR *d = opendir(path);
	if (d == NULL) {
		perror(path);
		return -1;
	}
	/* Sorted, so a failure is reproducible in the same order. */
	char **names = NULL;
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (count + 1) * sizeof *names);
		if (names == NULL)
			abort();
		names[count++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof *names, cmp_names);
	int rc = 0;
	for (size_t i = 0; i < count; i++) {
		char full[4096];
		snprintf(full, sizeof full, "%s/%s", path, names[i]);
		if (run_file(full) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

/* "fuzz_p11" (any directory before it) -> "p11": the corpus follows the program's name. */
static const char *harness_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/');
	base = base != NULL ? base + 1 : argv0;
	return strncmp(base, "fuzz_", 5) == 0 ? base + 5 : base;
}

int main(int argc, char **argv)
{
	int rc = 0;
	const char *name = harness_name(argv[0]);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (run_path(argv[i]) != 0)
				rc = 1;
	} else {
		const char *top = getenv("top_srcdir");
		char dir[4096];
		snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", top ? top : ".", name);
		if (run_path(dir) != 0)
			rc = 1;
	}
	printf("%s: %zu inputs replayed\n", name, replayed);
	if (replayed == 0) {
		/* A harness without a corpus tests nothing: seed it with scripts/fuzz.sh. */
		fprintf(stderr, "%s: no input replayed (a new harness? scripts/fuzz.sh -t 60 %s fills its corpus)\n",
		        name, name);
		rc = 1;
	}
	return rc;
}
