/* SPDX-License-Identifier: MIT */
/*
 * replay_main.c - runs a target without a fuzzer: every file named on the
 * command line, or every regular file inside a named directory, is passed
 * to LLVMFuzzerTestOneInput once (cJSON's fuzz_main.c / aflpp_driver habit).
 * With ZF_FUZZ_COV_OUT=FILE it also counts the slow-path labels and gotos
 * the inputs reach and writes them to FILE (`zonefuzz coverage`).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		return -1;
	}
	/* an exact-size heap copy, so ASan catches reads past the input */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int run_path(const char *path, unsigned long *count)
{
	struct stat st;
	if (stat(path, &st)) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
			if (!nn) {
				rc = -1;
				break;
			}
			names = nn;
		}
		size_t l = strlen(path) + strlen(de->d_name) + 2;
		names[n] = malloc(l);
		if (!names[n]) {
			rc = -1;
			break;
		}
		snprintf(names[n++], l, "%s/%s", path, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names); /* deterministic order */
	for (size_t i = 0; i < n; i++) {
		struct stat fs;
		if (rc == 0 && !stat(names[i], &fs) && S_ISREG(fs.st_mode)) {
			(*count)++;
			if (run_file(names[i]))
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	int rc = 0;
	static struct zf_fuzz_cov cov;
	const char *cov_out = getenv("ZF_FUZZ_COV_OUT");

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
		return 2;
	}
	zf_fuzz_count_into(&cov); /* also counts findings under ZF_FUZZ_NO_ABORT=1 */
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &count))
			rc = 2;
	if (cov_out && *cov_out && zf_fuzz_cov_write(&cov, cov_out)) {
		fprintf(stderr, "replay: %s: %s\n", cov_out, strerror(errno));
		rc = 2;
	}
	if (cov.findings) {
		fprintf(stderr, "replay: %lu inputs, %llu with a finding\n", count,
			(unsigned long long)cov.findings);
		return rc ? rc : 1;
	}
	fprintf(stderr, "replay: %lu inputs, no finding\n", count);
	return rc;
}
