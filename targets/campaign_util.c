/* SPDX-License-Identifier: MIT */
/*
 * targets/campaign_util.c - files, directories and child processes for the
 * fuzzing subcommands. Everything here is plain POSIX (posix_spawnp,
 * waitpid, rename), so the commands build anywhere the model builds.
 */
#define _GNU_SOURCE
#include "campaign_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#ifndef ZF_SOURCE_DIR
#define ZF_SOURCE_DIR "."
#endif

int zf_cu_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "zonefuzz %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

int zf_cu_pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

const char *zf_cu_source_dir(void)
{
	const char *e = getenv("ZF_SRC");
	return e && *e ? e : ZF_SOURCE_DIR;
}

uint8_t *zf_cu_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 4096, n = 0, got;
	uint8_t *buf;

	if (!f)
		return NULL;
	buf = malloc(cap + 1);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, (cap *= 2) + 1);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	if (f != stdin)
		fclose(f);
	if (!buf)
		return NULL;
	buf[n] = '\0';
	*len = n;
	return buf;
}

int zf_cu_write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[ZF_CU_PATH];
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	const uint8_t *p = data;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	/* the data must be on disk before the name points at it (crash safety) */
	if (fsync(fd) || close(fd)) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int zf_cu_mkdir_p(const char *path)
{
	char buf[ZF_CU_PATH];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -1;
	return zf_cu_is_dir(buf) ? 0 : -1;
}

bool zf_cu_is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

bool zf_cu_is_file(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char **zf_cu_list_files(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t cap = 0;
	struct dirent *de;
	char p[ZF_CU_PATH];

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (!zf_cu_is_file(p))
			continue;
		if (*n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		if (!(names[*n] = strdup(de->d_name)))
			break;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

void zf_cu_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

unsigned long zf_cu_count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned long n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && de->d_type != DT_DIR)
			n++;
	closedir(d);
	return n;
}

int zf_cu_copy_file(const char *from, const char *to)
{
	size_t len;
	uint8_t *data = zf_cu_read_file(from, &len);
	int rc;

	if (!data)
		return -1;
	rc = zf_cu_write_atomic(to, data, len);
	free(data);
	return rc;
}

int zf_cu_remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		char p[ZF_CU_PATH];
		if (!d)
			return -1;
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
			zf_cu_remove_tree(p);
		}
		closedir(d);
		return rmdir(path);
	}
	return unlink(path);
}

bool zf_cu_have_program(const char *name)
{
	const char *path = getenv("PATH");
	char buf[ZF_CU_PATH];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", name);
		if (access(buf, X_OK) == 0)
			return true;
		if (!end)
			break;
		path = end + 1;
	}
	return false;
}

pid_t zf_cu_spawn(char *const argv[], const char *log, bool own_group)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid = -1;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	if (log) {
		posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	if (own_group) {
		/* its own process group: Ctrl-C reaches us only, and we stop the whole group */
		posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
		posix_spawnattr_setpgroup(&at, 0);
	}
	rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc) {
		errno = rc;
		return -1;
	}
	return pid;
}

int zf_cu_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

int zf_cu_run(char *const argv[], const char *log)
{
	pid_t pid = zf_cu_spawn(argv, log, false);
	return pid < 0 ? -1 : zf_cu_wait(pid);
}

int zf_cu_parse_targets(const char *arg, bool include_scenario, enum zf_target_kind out[])
{
	int n = 0;

	if (!arg || !strcmp(arg, "all")) {
		for (int t = 0; t < ZF_NR_TARGETS; t++)
			if (include_scenario || t != ZF_TARGET_SCENARIO)
				out[n++] = (enum zf_target_kind)t;
		return n;
	}
	int t = zf_target_parse(arg);
	if (t < 0)
		return 0;
	out[0] = (enum zf_target_kind)t;
	return 1;
}

long zf_cu_parse_duration(const char *s)
{
	char *end;
	long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	if (!*end || !strcmp(end, "s"))
		return v;
	if (!strcmp(end, "m"))
		return v * 60;
	if (!strcmp(end, "h"))
		return v * 3600;
	return -1;
}
