// SPDX-License-Identifier: MIT
/*
 * stress/profile.c - VM stress profiles: a stress-ng job file (its own
 * format, `stress-ng --job`: options without "--", one per line, "#"
 * comments) whose "#@ key: value" comment lines carry the guest settings.
 * stress-ng ignores them as comments; the runner reads them:
 *
 *   #@ description: one line
 *   #@ mem: 256M          guest RAM (M or G; plain numbers are MiB)
 *   #@ smp: 1             vCPUs
 *   #@ time: 10           seconds (the job's "timeout" line wins if present)
 *   #@ swap: 512M         NVMe swap disk (0: none)
 *   #@ dimm: 256M         hot-pluggable pc-dimm onlined movable (0: none)
 *   #@ thp: always        /sys/kernel/mm/transparent_hugepage/enabled
 *   #@ defrag: always     /sys/kernel/mm/transparent_hugepage/defrag
 *   #@ sysctl: vm.x=1     repeatable
 *   #@ append: k=v ...    extra kernel arguments
 *   #@ model: --ops,N     zf-guest-stress arguments (comma separated)
 *   #@ boot-margin: 60    wall-clock seconds allowed on top of time
 *   #@ fragment: 512M     before stress-ng: fault in this much anonymous 4 KiB
 *                         memory and free every other page (held until
 *                         stress-ng ends): free memory in order-0 holes
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonefuzz/stress.h"
#include "stress_internal.h"

/* The number in front of a size's or a duration's unit: >= 0, decimal; -1 if none. */
static long long leading_count(const char *s, char **end)
{
	long long v;

	*end = (char *)s;
	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, end, 10);
	if (*end == s || v < 0 || errno)
		return -1;
	return v;
}

int64_t zf_vm_parse_size_mb(const char *s)
{
	char *end;
	long long v = leading_count(s, &end);

	if (v < 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0':
	case 'M':
		break;
	case 'G':
		v *= 1024;
		break;
	case 'K':
		v /= 1024;
		break;
	default:
		return -1;
	}
	if (*end && end[1] && !(toupper((unsigned char)end[1]) == 'B' && !end[2]) &&
	    !(toupper((unsigned char)end[1]) == 'I' && toupper((unsigned char)end[2]) == 'B' &&
	      !end[3]))
		return -1;
	return v;
}

int64_t zf_vm_parse_duration_s(const char *s)
{
	char *end;
	long long v = leading_count(s, &end);

	if (v < 0)
		return -1;
	if (!*end || !strcmp(end, "s"))
		return v;
	if (!strcmp(end, "m"))
		return v * 60;
	if (!strcmp(end, "h"))
		return v * 3600;
	return -1;
}

/* trim leading and trailing blanks in place */
static char *trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

#define BAD(...)                                                                                   \
	do {                                                                                       \
		if (err && errlen)                                                                 \
			snprintf(err, errlen, __VA_ARGS__);                                        \
		free(copy);                                                                        \
		return -1;                                                                         \
	} while (0)

int zf_vm_profile_parse(const char *text, const char *name, struct zf_vm_profile *p, char *err,
			size_t errlen)
{
	char *copy = strdup(text ? text : ""), *line, *save = NULL;
	int lineno = 0;
	bool job_timeout = false;

	if (!copy)
		return -1;
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
	p->mem_mb = 256;
	p->smp = 1;
	p->time_s = 10;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *l = trim(line);

		lineno++;
		if (!strncmp(l, "#@", 2)) {
			char *key = trim(l + 2), *val = strchr(key, ':');
			int64_t v;

			if (!val)
				BAD("%s:%d: '#@ key: value' expected", p->name, lineno);
			*val++ = '\0';
			key = trim(key);
			val = trim(val);
			if (!strcmp(key, "description")) {
				snprintf(p->description, sizeof(p->description), "%s", val);
			} else if (!strcmp(key, "mem")) {
				if ((v = zf_vm_parse_size_mb(val)) < 64)
					BAD("%s:%d: mem: '%s' (at least 64M)", p->name, lineno,
					    val);
				p->mem_mb = (uint64_t)v;
			} else if (!strcmp(key, "smp")) {
				v = strtol(val, NULL, 10);
				if (v < 1 || v > 64)
					BAD("%s:%d: smp: '%s' (1..64)", p->name, lineno, val);
				p->smp = (unsigned int)v;
			} else if (!strcmp(key, "time")) {
				if ((v = zf_vm_parse_duration_s(val)) < 1)
					BAD("%s:%d: time: '%s'", p->name, lineno, val);
				if (!job_timeout)
					p->time_s = (unsigned int)v;
			} else if (!strcmp(key, "swap")) {
				if ((v = zf_vm_parse_size_mb(val)) < 0)
					BAD("%s:%d: swap: '%s'", p->name, lineno, val);
				p->swap_mb = (uint64_t)v;
			} else if (!strcmp(key, "dimm")) {
				if ((v = zf_vm_parse_size_mb(val)) < 0)
					BAD("%s:%d: dimm: '%s'", p->name, lineno, val);
				if (v % 128)
					BAD("%s:%d: dimm: %lld MiB is not a multiple of the "
					    "128 MiB memory block",
					    p->name, lineno, (long long)v);
				p->dimm_mb = (uint64_t)v;
			} else if (!strcmp(key, "thp")) {
				snprintf(p->thp, sizeof(p->thp), "%s", val);
			} else if (!strcmp(key, "defrag")) {
				snprintf(p->defrag, sizeof(p->defrag), "%s", val);
			} else if (!strcmp(key, "sysctl")) {
				if (p->nr_sysctl >= ZF_VM_MAX_SYSCTL || !strchr(val, '='))
					BAD("%s:%d: sysctl: '%s' (key=value, at most %d)", p->name,
					    lineno, val, ZF_VM_MAX_SYSCTL);
				snprintf(p->sysctl[p->nr_sysctl++], sizeof(p->sysctl[0]), "%s",
					 val);
			} else if (!strcmp(key, "append")) {
				snprintf(p->append, sizeof(p->append), "%s", val);
			} else if (!strcmp(key, "model")) {
				snprintf(p->model, sizeof(p->model), "%s", val);
			} else if (!strcmp(key, "fragment")) {
				if ((v = zf_vm_parse_size_mb(val)) < 0 ||
				    (p->mem_mb && (uint64_t)v >= p->mem_mb))
					BAD("%s:%d: fragment: '%s' (less than mem)", p->name,
					    lineno, val);
				p->fragment_mb = (uint64_t)v;
			} else if (!strcmp(key, "boot-margin")) {
				if ((v = zf_vm_parse_duration_s(val)) < 1)
					BAD("%s:%d: boot-margin: '%s'", p->name, lineno, val);
				p->boot_margin_s = (unsigned int)v;
			} else {
				BAD("%s:%d: unknown setting '#@ %s'", p->name, lineno, key);
			}
			continue;
		}
		if (*l == '#' || !*l)
			continue;
		/* the stress-ng timeout decides the run time */
		if (!strncmp(l, "timeout", 7) && (l[7] == ' ' || l[7] == '\t')) {
			int64_t v = zf_vm_parse_duration_s(trim(l + 7));

			if (v < 1)
				BAD("%s:%d: timeout '%s'", p->name, lineno, trim(l + 7));
			p->time_s = (unsigned int)v;
			job_timeout = true;
		}
		/* model args and sysctls travel on the kernel command line: no blanks there */
	}
	for (const char *c = p->model; *c; c++)
		if (*c == ' ')
			BAD("%s: model: use commas, not blanks ('%s')", p->name, p->model);
	free(copy);
	return 0;
}
#undef BAD

int zf_vm_profile_load(const char *dir, const char *name, struct zf_vm_profile *p, char *err,
		       size_t errlen)
{
	char path[512];
	char *text;
	size_t len;
	int rc;

	for (const char *c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_') {
			snprintf(err, errlen, "profile '%s': letters, digits, '-' and '_' only",
				 name);
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s/%s.job", dir ? dir : zf_vm_profiles_dir(), name);
	text = zf_read_file(path, &len);
	if (!text) {
		snprintf(err, errlen, "profile '%s': cannot read %s", name, path);
		return -1;
	}
	rc = zf_vm_profile_parse(text, name, p, err, errlen);
	if (!rc)
		snprintf(p->path, sizeof(p->path), "%s", path);
	free(text);
	return rc;
}

/* ------------------------------------------------------------------ */
/* ttyS1 sections                                                      */
/* ------------------------------------------------------------------ */

int zf_vm_sections_parse(const char *stream, size_t len, struct zf_vm_sections *s)
{
	char *p, *cur_start = NULL;
	size_t cap = 0;
	struct zf_vm_section *cur = NULL;

	memset(s, 0, sizeof(*s));
	s->done_rc = -1;
	s->buf = malloc(len + 1);
	if (!s->buf)
		return -1;
	/* a tty's output post-processing turns "\n" into "\r\n": undo it */
	{
		size_t o = 0;

		for (size_t i = 0; i < len; i++)
			if (!(stream[i] == '\r' && i + 1 < len && stream[i + 1] == '\n'))
				s->buf[o++] = stream[i];
		len = o;
	}
	s->buf[len] = '\0';

	p = s->buf;
	while (*p) {
		char *eol = strchr(p, '\n');
		char *next = eol ? eol + 1 : p + strlen(p);

		if (!strncmp(p, "=== ZF-SECTION ", 15)) {
			size_t n;

			if (s->nr == cap) {
				size_t ncap = cap ? cap * 2 : 32;
				struct zf_vm_section *v = realloc(s->v, ncap * sizeof(*v));

				if (!v)
					return -1;
				s->v = v;
				cap = ncap;
			}
			if (cur) { /* a section without its END: the guest died in it */
				*p = '\0';
				cur->len = strlen(cur_start);
			}
			cur = &s->v[s->nr++];
			memset(cur, 0, sizeof(*cur));
			n = (size_t)((eol ? eol : next) - (p + 15));
			if (n >= sizeof(cur->name))
				n = sizeof(cur->name) - 1;
			memcpy(cur->name, p + 15, n);
			cur->name[n] = '\0';
			while (n && (cur->name[n - 1] == '\r' || cur->name[n - 1] == ' '))
				cur->name[--n] = '\0';
			cur_start = next;
			cur->text = cur_start;
		} else if (cur && !strncmp(p, "=== ZF-END ", 11)) {
			*p = '\0'; /* terminates the section's text */
			cur->len = strlen(cur_start);
			cur->complete = true;
			cur = NULL;
		} else if (!cur && !strncmp(p, "=== ZF-DONE", 11)) {
			const char *rc = strstr(p, "rc=");

			s->done = true;
			if (rc)
				s->done_rc = (int)strtol(rc + 3, NULL, 10);
		}
		p = next;
	}
	if (cur)
		cur->len = strlen(cur_start);
	return 0;
}

const struct zf_vm_section *zf_vm_section_get(const struct zf_vm_sections *s, const char *name)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

void zf_vm_sections_free(struct zf_vm_sections *s)
{
	free(s->buf);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
