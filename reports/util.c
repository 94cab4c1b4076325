/* SPDX-License-Identifier: MIT */
/*
 * reports/util.c - string builder, SHA-256, base64, and the file helpers
 * that make every report write atomic (temp file + fsync + rename), so that
 * killing triage midway never leaves a partial report behind.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "report_internal.h"

/* ------------------------------------------------------------------ */
/* string builder                                                       */
/* ------------------------------------------------------------------ */
static bool zf_sb_grow(struct zf_sb *sb, size_t need)
{
	if (sb->oom)
		return false;
	if (sb->len + need + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + need + 1)
		cap *= 2;
	char *p = realloc(sb->p, cap);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->p = p;
	sb->cap = cap;
	return true;
}

void zf_sb_putn(struct zf_sb *sb, const char *s, size_t n)
{
	if (!zf_sb_grow(sb, n))
		return;
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

void zf_sb_puts(struct zf_sb *sb, const char *s)
{
	zf_sb_putn(sb, s, strlen(s));
}

void zf_sb_printf(struct zf_sb *sb, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		zf_sb_putn(sb, small, (size_t)n);
		return;
	}
	if (!zf_sb_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void zf_sb_html(struct zf_sb *sb, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			break;
		}
		if (rep) {
			zf_sb_putn(sb, run, (size_t)(s - run));
			zf_sb_puts(sb, rep);
			run = s + 1;
		}
	}
	zf_sb_putn(sb, run, (size_t)(s - run));
}

void zf_sb_free(struct zf_sb *sb)
{
	free(sb->p);
	memset(sb, 0, sizeof(*sb));
}

/* ------------------------------------------------------------------ */
/* SHA-256 (FIPS 180-4): content hashes of artifacts, bucket ids         */
/* ------------------------------------------------------------------ */
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t s1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = hh + s1 + ch + sha256_k[i] + w[i];
		uint32_t s0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = s0 + maj;
		hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void zf_tr_sha256(const void *data, size_t len, uint8_t out[32])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	const uint8_t *p = data;
	uint8_t tail[128];
	size_t full = len / 64 * 64, rest = len - full, tl;
	uint64_t bits = (uint64_t)len * 8;

	for (size_t off = 0; off < full; off += 64)
		sha256_block(h, p + off);
	memset(tail, 0, sizeof(tail));
	if (rest)
		memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	tl = rest + 1 + 8 <= 64 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[tl - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha256_block(h, tail);
	if (tl == 128)
		sha256_block(h, tail + 64);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}

void zf_report_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[32];

	zf_tr_sha256(data, len, d);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

/* ------------------------------------------------------------------ */
/* base64 (RFC 4648, with padding): the reproducer's bytes in report.json */
/* ------------------------------------------------------------------ */
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *zf_tr_base64(const uint8_t *data, size_t len)
{
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		*o++ = b64[(v >> 18) & 63];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? b64[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

int zf_tr_base64_decode(const char *s, uint8_t **out, size_t *len)
{
	size_t n = strlen(s), o = 0;
	uint8_t *buf;
	if (n % 4)
		return -1;
	buf = malloc(n / 4 * 3 + 1);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = 0;
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			const char *q = s[i + k] == '=' ? NULL : strchr(b64, s[i + k]);
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				pad++;
				v <<= 6;
				continue;
			}
			if (!q || !s[i + k] || pad) {
				free(buf);
				return -1;
			}
			v = v << 6 | (uint32_t)(q - b64);
		}
		buf[o++] = (uint8_t)(v >> 16);
		if (pad < 2)
			buf[o++] = (uint8_t)(v >> 8);
		if (pad < 1)
			buf[o++] = (uint8_t)v;
	}
	*out = buf;
	*len = o;
	return 0;
}

/* ------------------------------------------------------------------ */
/* files                                                                */
/* ------------------------------------------------------------------ */
int zf_tr_read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	uint8_t *buf;

	if (!f) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	buf = malloc(cap + 1);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf && ferror(f)) {
		snprintf(err, errlen, "read error: %s", strerror(errno));
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int zf_tr_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	size_t pl = strlen(path);
	char *tmp = malloc(pl + 32);
	int fd;
	const uint8_t *p = data;
	size_t off = 0;

	if (!tmp) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* same directory, so rename() is atomic; pid keeps parallel runs apart */
	snprintf(tmp, pl + 32, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd)) {
		snprintf(err, errlen, "%s: fsync: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		snprintf(err, errlen, "%s: close: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		snprintf(err, errlen, "%s: rename: %s", path, strerror(errno));
		goto fail;
	}
	free(tmp);
	/* make the rename itself durable */
	{
		char *dir = strdup(path);
		if (dir) {
			char *slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
			int dfd = open(slash ? dir : ".", O_RDONLY);
			if (dfd >= 0) {
				fsync(dfd);
				close(dfd);
			}
			free(dir);
		}
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int zf_tr_mkdir_p(const char *path, char *err, size_t errlen)
{
	char *p = strdup(path);
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (char *s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) && errno != EEXIST) {
				snprintf(err, errlen, "%s: %s", p, strerror(errno));
				free(p);
				return -1;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(p, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", p);
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

void zf_tr_iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "1970-01-01T00:00:00Z");
}

time_t zf_tr_now(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	if (e && *e) {
		char *end;
		long long v = strtoll(e, &end, 10);
		if (!*end && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}

char *zf_tr_path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	if (la && a[la - 1] != '/')
		p[la++] = '/';
	memcpy(p + la, b, lb + 1);
	return p;
}

int zf_tr_write_json(const char *path, const cJSON *doc, char *err, size_t errlen)
{
	char *text = cJSON_Print(doc);
	int rc;
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t n = strlen(text);
	char *withnl = realloc(text, n + 2);
	if (!withnl) {
		free(text);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	withnl[n] = '\n';
	withnl[n + 1] = '\0';
	rc = zf_tr_write_atomic(path, withnl, n + 1, err, errlen);
	free(withnl);
	return rc;
}

cJSON *zf_tr_read_json(const char *path)
{
	uint8_t *data;
	size_t len;
	char err[128];
	cJSON *doc;

	if (zf_tr_read_file(path, &data, &len, err, sizeof(err)))
		return NULL;
	doc = cJSON_ParseWithLength((const char *)data, len);
	free(data);
	return doc;
}

/* ------------------------------------------------------------------ */
/* cJSON helpers                                                        */
/* ------------------------------------------------------------------ */
const char *zf_tr_json_str(const cJSON *o, const char *key, const char *dflt)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : dflt;
}

double zf_tr_json_num(const cJSON *o, const char *key, double dflt)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

const cJSON *zf_tr_json_path(const cJSON *o, const char *dotted)
{
	char key[64];
	const char *s = dotted;

	while (o && *s) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, s, n);
		key[n] = '\0';
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		s += n + (dot ? 1 : 0);
	}
	return o;
}
