/* SPDX-License-Identifier: MIT */
/*
 * targets/codec.c - `zonefuzz decode`, `zonefuzz encode` and `zonefuzz
 * corpus`: fuzz inputs as readable JSON scenarios and back.
 *
 * A finding's input is an opaque ops/v2 byte string; decode prints the
 * scenario it means (the same JSON `zonefuzz run` replays), with three
 * comment keys the scenario parser ignores ("_format", "_target",
 * "_walk_interval") so that encode can rebuild the exact bytes' meaning.
 * Seed corpora are written the same way: readable JSON in
 * corpus/<t>/scenarios/, encoded into corpus/<t>/seeds/ by `corpus regen`
 * (the libFuzzer "stateful API" advice: version the encoding, keep a
 * pretty-printer and never edit byte traces by hand).
 */
#define _GNU_SOURCE /* getopt_long */
#include "campaign.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "campaign_util.h"
#include "decoder.h"
#include "zonefuzz/scenario.h"

#define ENC_CAP (ZF_DEC_HEADER + 8 + ZF_DEC_MAX_OPS * ZF_DEC_OP_SIZE * (1 + 4 * 5))

/* Decoded JSON with the comment keys that make encode exact. malloc'd. */
static char *codec_json(enum zf_target_kind kind, const struct zf_scenario *sc, unsigned int walk)
{
	char *body = zf_scenario_to_json(sc);
	char head[160];
	char *out;
	size_t n;

	if (!body)
		return NULL;
	if (kind == ZF_TARGET_SCENARIO)
		return body;
	/* zf_scenario_to_json prints one object starting "{\n"; the keys go first */
	snprintf(
	    head, sizeof(head),
	    "{\n\t\"_format\": \"ops/v%d\",\n\t\"_target\": \"%s\",\n\t\"_walk_interval\": %u,\n",
	    ZF_DEC_VERSION, zf_target_name(kind), walk);
	n = strlen(head) + strlen(body);
	out = malloc(n + 1);
	if (out && body[0] == '{') {
		const char *rest = body + 1;
		if (*rest == '\n')
			rest++;
		snprintf(out, n + 1, "%s%s", head, rest);
	} else if (out) {
		snprintf(out, n + 1, "%s", body);
	}
	free(body);
	return out;
}

/*
 * Parse JSON text of a scenario; fills *kind / *walk from the comment keys
 * when present (kind stays as given when -1 is not set by the caller).
 * 0, or -1 with err.
 */
static int codec_parse(const char *text, size_t len, struct zf_scenario *sc, int *kind,
		       unsigned int *walk, char *err, size_t errlen)
{
	cJSON *root;

	if (zf_scenario_parse_json(text, len, sc, err, errlen))
		return -1;
	root = cJSON_ParseWithLength(text, len);
	if (root) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "_target");
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "_walk_interval");
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "_format");
		int k = cJSON_IsString(t) ? zf_target_parse(t->valuestring) : -1;

		char want[16];
		snprintf(want, sizeof(want), "ops/v%d", ZF_DEC_VERSION);
		if (cJSON_IsString(f) && strcmp(f->valuestring, want)) {
			/* an older format's scenario still means the same; its bytes do not */
			snprintf(err, errlen,
				 "_format: \"%s\" is not %s (the scenario itself is "
				 "fine: drop or update the key)",
				 f->valuestring, want);
			goto bad;
		}
		if (cJSON_IsString(t) && k < 0) {
			snprintf(err, errlen, "_target: unknown target \"%s\"", t->valuestring);
			goto bad;
		}
		if (k >= 0 && *kind >= 0 && k != *kind) {
			snprintf(err, errlen, "_target: the file is for target %s, not %s",
				 zf_target_name((enum zf_target_kind)k),
				 zf_target_name((enum zf_target_kind) * kind));
			goto bad;
		}
		if (k >= 0)
			*kind = k;
		if (cJSON_IsNumber(w))
			*walk = (unsigned int)w->valuedouble;
		cJSON_Delete(root);
	}
	return 0;
bad:
	cJSON_Delete(root);
	zf_scenario_free(sc);
	return -1;
}

static int write_out(const char *cmd, const char *out, const void *data, size_t len)
{
	if (!out || !strcmp(out, "-")) {
		if (fwrite(data, 1, len, stdout) != len)
			return zf_cu_fail(cmd, "stdout: write error");
		return 0;
	}
	if (zf_cu_write_atomic(out, data, len))
		return zf_cu_fail(cmd, "%s: %s", out, strerror(errno));
	return 0;
}

static const struct option codec_opts[] = {
    {"target", required_argument, NULL, 't'},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int zf_cmd_decode(int argc, char **argv)
{
	const char *out = NULL;
	int kind = -1, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:o:h", codec_opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if ((kind = zf_target_parse(optarg)) < 0)
				return zf_cu_fail("decode", "--target: unknown target \"%s\"",
						  optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: zonefuzz decode --target T FILE [-o OUT.json]\n");
			return 0;
		default:
			return zf_cu_fail("decode", "bad option (usage: decode --target T FILE)");
		}
	}
	if (kind < 0)
		return zf_cu_fail(
		    "decode", "--target is required (buddy, slowpath, gfp, interleave, scenario)");
	if (optind != argc - 1)
		return zf_cu_fail("decode", "expected one input FILE");

	size_t len;
	uint8_t *data = zf_cu_read_file(argv[optind], &len);
	if (!data)
		return zf_cu_fail("decode", "%s: %s", argv[optind], strerror(errno));

	struct zf_scenario sc;
	unsigned int walk = 1;
	char err[256];
	int rc;
	if (kind == ZF_TARGET_SCENARIO) {
		if (zf_scenario_parse_json((const char *)data, len, &sc, err, sizeof(err))) {
			free(data);
			return zf_cu_fail("decode", "%s: %s", argv[optind], err);
		}
	} else if (zf_decode((enum zf_target_kind)kind, data, len, &sc, &walk)) {
		free(data);
		return zf_cu_fail("decode", "out of memory");
	}
	free(data);
	char *js = codec_json((enum zf_target_kind)kind, &sc, walk);
	zf_scenario_free(&sc);
	if (!js)
		return zf_cu_fail("decode", "out of memory");
	rc = write_out("decode", out, js, strlen(js));
	if (!rc && (!out || !strcmp(out, "-")))
		putchar('\n');
	free(js);
	return rc;
}

int zf_cmd_encode(int argc, char **argv)
{
	const char *out = NULL;
	int kind = -1, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:o:h", codec_opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if ((kind = zf_target_parse(optarg)) < 0)
				return zf_cu_fail("encode", "--target: unknown target \"%s\"",
						  optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: zonefuzz encode --target T FILE.json -o OUT\n");
			return 0;
		default:
			return zf_cu_fail("encode",
					  "bad option (usage: encode --target T FILE.json -o OUT)");
		}
	}
	if (optind != argc - 1)
		return zf_cu_fail("encode", "expected one input FILE.json");
	if (!out)
		return zf_cu_fail("encode", "-o OUT is required (the output is binary)");

	size_t len;
	char *text = (char *)zf_cu_read_file(argv[optind], &len);
	if (!text)
		return zf_cu_fail("encode", "%s: %s", argv[optind], strerror(errno));
	struct zf_scenario sc;
	unsigned int walk = 1;
	char err[256];
	if (codec_parse(text, len, &sc, &kind, &walk, err, sizeof(err))) {
		free(text);
		return zf_cu_fail("encode", "%s: %s", argv[optind], err);
	}
	free(text);
	if (kind < 0) {
		zf_scenario_free(&sc);
		return zf_cu_fail("encode", "--target is required (the file has no \"_target\")");
	}
	int rc;
	if (kind == ZF_TARGET_SCENARIO) {
		char *js = zf_scenario_to_json(&sc);
		rc = js ? write_out("encode", out, js, strlen(js))
			: zf_cu_fail("encode", "out of memory");
		free(js);
	} else {
		uint8_t *buf = malloc(ENC_CAP);
		long n = buf ? zf_encode((enum zf_target_kind)kind, &sc, walk, buf, ENC_CAP, err,
					 sizeof(err))
			     : -1;
		if (!buf)
			snprintf(err, sizeof(err), "out of memory");
		rc = n < 0 ? zf_cu_fail("encode", "%s: %s", argv[optind], err)
			   : write_out("encode", out, buf, (size_t)n);
		free(buf);
	}
	zf_scenario_free(&sc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* corpus regen / check                                                 */
/* ------------------------------------------------------------------ */

/* Encode one scenario file of a target; *out malloc'd. 0 or -1 with err. */
static int corpus_encode(enum zf_target_kind kind, const char *path, uint8_t **out, size_t *outlen,
			 char *err, size_t errlen)
{
	size_t len;
	char *text = (char *)zf_cu_read_file(path, &len);
	struct zf_scenario sc;
	unsigned int walk = 1;
	int k = (int)kind;

	*out = NULL;
	if (!text) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (kind == ZF_TARGET_SCENARIO) {
		/* the parser target's seeds are the human-written text itself, any "_target" */
		if (zf_scenario_parse_json(text, len, &sc, err, errlen)) {
			free(text);
			return -1;
		}
		zf_scenario_free(&sc);
		*out = (uint8_t *)text;
		*outlen = len;
		return 0;
	}
	if (codec_parse(text, len, &sc, &k, &walk, err, errlen)) {
		free(text);
		return -1;
	}
	free(text);
	uint8_t *buf = malloc(ENC_CAP);
	long n = buf ? zf_encode(kind, &sc, walk, buf, ENC_CAP, err, errlen) : -1;
	if (!buf)
		snprintf(err, errlen, "out of memory");
	if (n >= 0) {
		/* the bytes must decode back to the same scenario */
		struct zf_scenario back;
		unsigned int w2 = 0;
		char *a = NULL, *b = NULL;
		if (!zf_decode(kind, buf, (size_t)n, &back, &w2)) {
			/* name and description are the file's own: not in the bytes */
			char *desc = back.description;
			memcpy(back.name, sc.name, sizeof(back.name));
			back.description = sc.description;
			a = zf_scenario_to_json(&sc);
			b = zf_scenario_to_json(&back);
			back.description = desc;
			zf_scenario_free(&back);
		}
		if (!a || !b || strcmp(a, b) || w2 != walk) {
			snprintf(err, errlen,
				 "encodes, but the bytes decode to a different scenario "
				 "(start from `zonefuzz decode` output)");
			n = -1;
		}
		free(a);
		free(b);
	}
	zf_scenario_free(&sc);
	if (n < 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = (size_t)n;
	return 0;
}

static void seed_name(char *buf, size_t len, const char *json_name)
{
	size_t n = strlen(json_name);
	if (n > 5 && !strcmp(json_name + n - 5, ".json"))
		n -= 5;
	snprintf(buf, len, "%.*s", (int)n, json_name);
}

/* regen (check == false) or check one target; returns the number of problems */
static int corpus_target(const char *root, enum zf_target_kind kind, bool check, bool verbose)
{
	char sdir[ZF_CU_PATH], seeds[ZF_CU_PATH], p[ZF_CU_PATH], q[ZF_CU_PATH], name[256];
	size_t n = 0, ns = 0;
	int problems = 0, written = 0;

	zf_cu_pathf(sdir, sizeof(sdir), "%s/%s/scenarios", root, zf_target_name(kind));
	zf_cu_pathf(seeds, sizeof(seeds), "%s/%s/seeds", root, zf_target_name(kind));
	char **names = zf_cu_list_files(sdir, &n);
	if (!check && zf_cu_mkdir_p(seeds)) {
		fprintf(stderr, "zonefuzz corpus: %s: %s\n", seeds, strerror(errno));
		zf_cu_free_names(names, n);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *bytes;
		size_t blen;
		char err[256];

		if (strlen(names[i]) < 6 || strcmp(names[i] + strlen(names[i]) - 5, ".json"))
			continue;
		zf_cu_pathf(p, sizeof(p), "%s/%s", sdir, names[i]);
		seed_name(name, sizeof(name), names[i]);
		zf_cu_pathf(q, sizeof(q), "%s/%s", seeds, name);
		if (corpus_encode(kind, p, &bytes, &blen, err, sizeof(err))) {
			fprintf(stderr, "zonefuzz corpus: %s: %s\n", p, err);
			problems++;
			continue;
		}
		if (check) {
			size_t olen;
			uint8_t *old = zf_cu_read_file(q, &olen);
			if (!old || olen != blen || memcmp(old, bytes, blen)) {
				fprintf(
				    stderr,
				    "zonefuzz corpus: %s: stale or missing (run `zonefuzz corpus regen`)\n",
				    q);
				problems++;
			}
			free(old);
		} else if (zf_cu_write_atomic(q, bytes, blen)) {
			fprintf(stderr, "zonefuzz corpus: %s: %s\n", q, strerror(errno));
			problems++;
		} else {
			written++;
		}
		free(bytes);
	}
	/* seeds without a scenario: generated by hand or left over from a rename */
	char **sn = zf_cu_list_files(seeds, &ns);
	for (size_t i = 0; i < ns; i++) {
		bool found = false;
		for (size_t j = 0; j < n && !found; j++) {
			seed_name(name, sizeof(name), names[j]);
			found = !strcmp(name, sn[i]);
		}
		if (!found) {
			zf_cu_pathf(q, sizeof(q), "%s/%s", seeds, sn[i]);
			if (check) {
				fprintf(stderr, "zonefuzz corpus: %s: no scenarios/%s.json\n", q,
					sn[i]);
				problems++;
			} else if (!unlink(q) && verbose) {
				printf("corpus %s: removed %s (no scenario)\n",
				       zf_target_name(kind), sn[i]);
			}
		}
	}
	if (verbose)
		printf("corpus %-10s %zu scenarios, %s%s\n", zf_target_name(kind), n,
		       check ? (problems ? "STALE" : "seeds up to date")
			     : (problems ? "errors" : "seeds written"),
		       "");
	(void)written;
	zf_cu_free_names(names, n);
	zf_cu_free_names(sn, ns);
	return problems;
}

/* ------------------------------------------------------------------ */
/* corpus dict: libFuzzer/AFL++ dictionaries from the decoder's tables    */
/* ------------------------------------------------------------------ */

/* One entry: the bytes, named after what they decode to (header + op). */
static void dict_entry_named(FILE *f, enum zf_target_kind kind, const uint8_t op[4],
			     unsigned int *n, const char *label);

static void dict_entry(FILE *f, enum zf_target_kind kind, const uint8_t op[4], unsigned int *n)
{
	dict_entry_named(f, kind, op, n, NULL);
}

/* label: the entry's name instead of the first decoded op's (compound ops) */
static void dict_entry_named(FILE *f, enum zf_target_kind kind, const uint8_t op[4],
			     unsigned int *n, const char *label)
{
	uint8_t in[ZF_DEC_HEADER + 4] = {0, 0, 0, 0};
	struct zf_scenario sc;
	unsigned int w;
	char name[160] = "", gfp[128];

	memcpy(in + ZF_DEC_HEADER, op, 4);
	if (!zf_decode(kind, in, sizeof(in), &sc, &w) && sc.program.count) {
		const struct zf_sc_op *o = &sc.ops[sc.program.first];
		snprintf(name, sizeof(name), "%s", zf_sc_op_name(o->type));
		if (o->type == ZF_SC_OP_ALLOC) {
			zf_gfp_format(gfp, sizeof(gfp), o->u.alloc.gfp);
			snprintf(name, sizeof(name), "alloc_o%u_%s", o->u.alloc.order, gfp);
		}
		zf_scenario_free(&sc);
	} else {
		snprintf(name, sizeof(name), "op%u", op[0]);
	}
	if (label)
		snprintf(name, sizeof(name), "%s", label);
	/* AFL++ reads names made of [A-Za-z0-9_] only */
	for (char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9')))
			*c = '_';
	fprintf(f, "%s_%u=\"\\x%02x\\x%02x\\x%02x\\x%02x\"\n", name, (*n)++, op[0], op[1], op[2],
		op[3]);
}

/* Write corpus/<t>/<t>.dict for an ops/v2 target. */
static int write_dict(const char *root, enum zf_target_kind kind)
{
	char p[ZF_CU_PATH];
	unsigned int n = 0;
	const zf_gfp_t *tab;
	size_t nc = zf_decoder_gfp_classes(kind, &tab);
	FILE *f;

	zf_cu_pathf(p, sizeof(p), "%s/%s/%s.dict", root, zf_target_name(kind),
		    zf_target_name(kind));
	f = fopen(p, "w");
	if (!f)
		return -1;
	fprintf(
	    f,
	    "# %s target, input format ops/v2 (targets/decoder.c): generated by\n"
	    "# `zonefuzz corpus dict`; do not edit. Whole 4-byte operations (opcode, x, y, z),\n"
	    "# so splicing keeps op boundaries, and headers (geometry, profile, walk, tasks).\n",
	    zf_target_name(kind));
	/* headers: every geometry under every kernel profile */
	for (unsigned int g = 0; g < zf_decoder_nr_geometries(); g++)
		for (unsigned int pr = 0; pr < ZF_NR_PROFILES; pr++) {
			char prof[16];
			snprintf(prof, sizeof(prof), "%s", zf_profile_name((enum zf_profile_id)pr));
			for (char *c = prof; *c; c++)
				if (*c == '.')
					*c = '_';
			fprintf(f, "hdr_g%u_%s=\"\\x%02x\\x%02x\\x00\\x00\"\n", g, prof,
				zf_decoder_geometry_byte(g), pr);
		}
	/* opcodes: every op of the table with plain arguments */
	for (unsigned int opc = 0; opc < zf_decoder_nr_ops(kind); opc++) {
		uint8_t op[4] = {(uint8_t)opc, 0, 0, 0};
		dict_entry(f, kind, op, &n);
	}
	/* allocations: every gfp class, orders 0 / 3 / 9, with and without the modifiers */
	static const uint8_t orders[] = {0, 3, 9};
	static const uint8_t mods[] = {0x00, 0x10, 0x20, 0x40, 0x80};
	for (size_t c = 0; c < nc; c++)
		for (size_t o = 0; o < sizeof(orders); o++)
			for (size_t m = 0; m < sizeof(mods); m++) {
				if (orders[o] == 9 && mods[m] && mods[m] != 0x20)
					continue;
				uint8_t op[4] = {0, 0, (uint8_t)(orders[o] | mods[m]), (uint8_t)c};
				dict_entry(f, kind, op, &n);
			}
	/*
	 * The compound ops (ops/v2) with the argument sets a kernel tester
	 * reaches for first (x, y, z; one list for the three ops, each reads
	 * it its own way): zero arguments (hotplug of the highest zone with a
	 * racing free; a staged kernel fill of every node; an allocation under
	 * pressure racing a cpuset move to node 0), the other nodes and tasks,
	 * the fill orders and classes (4 user memory, 5 a highatomic reserve, 6 the reserve under
	 * pressure: planted bug B8's situation), the races (0x40
	 * policy against cpuset, 0x80 zone removal, 0xc0 zone added), other requests and yield
	 * points. An engine splices these whole, so the situations of docs/planted-bugs.md are a
	 * few dictionary insertions from nothing.
	 */
	static const uint8_t compound[][3] = {
	    {0, 0, 0},       {1, 0, 0},       {2, 0, 0},    {0, 1, 0},       {0, 2, 0},
	    {1, 1, 0},       {1, 2, 0},       {0, 0, 1},    {0, 0, 2},       {0, 0, 3},
	    {0, 0, 0x10},    {0, 0, 0x22},    {0, 0, 0x31}, {0, 0, 0x40},    {1, 0, 0x40},
	    {0, 0, 0x41},    {0, 0, 0x42},    {0, 0, 0x80}, {0, 0, 0x81},    {0, 0, 0xc0},
	    {0, 0x04, 0x80}, {0, 0x01, 0x80}, {1, 0x01, 0}, {0, 0x03, 0x40}, {4, 0, 0},
	    {0, 0, 0x50},    {1, 0, 0x50},    {0, 0, 0x53}, {0, 0, 0x60},
	};
	for (unsigned int opc = 0; opc < zf_decoder_nr_ops(kind); opc++) {
		if (!zf_decoder_op_is_compound(kind, opc))
			continue;
		for (size_t i = 0; i < sizeof(compound) / sizeof(compound[0]); i++) {
			uint8_t op[4] = {(uint8_t)opc, compound[i][0], compound[i][1],
					 compound[i][2]};
			dict_entry_named(f, kind, op, &n, zf_decoder_op_label(kind, opc));
		}
	}
	if (kind == ZF_TARGET_GFP) {
		/* the final request's gfp word (little endian), order, task, flag, nid */
		static const struct {
			const char *name;
			zf_gfp_t gfp;
		} words[] = {
		    {"GFP_KERNEL", ZF_GFP_KERNEL},
		    {"GFP_ATOMIC", ZF_GFP_ATOMIC_MASK},
		    {"GFP_NOWAIT", ZF_GFP_NOWAIT},
		    {"GFP_NOIO", ZF_GFP_NOIO},
		    {"GFP_NOFS", ZF_GFP_NOFS},
		    {"GFP_USER", ZF_GFP_USER},
		    {"GFP_HIGHUSER_MOVABLE", ZF_GFP_HIGHUSER_MOVABLE},
		    {"GFP_TRANSHUGE", ZF_GFP_TRANSHUGE},
		    {"GFP_TRANSHUGE_NORETRY", ZF_GFP_TRANSHUGE | ZF_GFP_NORETRY},
		    {"GFP_KERNEL_NOFAIL", ZF_GFP_KERNEL | ZF_GFP_NOFAIL},
		    {"GFP_KERNEL_NORETRY", ZF_GFP_KERNEL | ZF_GFP_NORETRY},
		    {"GFP_KERNEL_REPEAT", ZF_GFP_KERNEL | ZF_GFP_REPEAT},
		    {"GFP_KERNEL_THISNODE", ZF_GFP_KERNEL | ZF_GFP_THISNODE},
		    {"GFP_KERNEL_DMA32_NOFAIL", ZF_GFP_KERNEL | ZF_GFP_DMA32 | ZF_GFP_NOFAIL},
		    {"GFP_NOFS_NOFAIL", ZF_GFP_NOFS | ZF_GFP_NOFAIL},
		    {"GFP_ATOMIC_NOFAIL", ZF_GFP_ATOMIC_MASK | ZF_GFP_NOFAIL},
		    {"GFP_ATOMIC_RECLAIM", ZF_GFP_ATOMIC_MASK | ZF_GFP_DIRECT_RECLAIM},
		    {"GFP_KERNEL_MEMALLOC", ZF_GFP_KERNEL | ZF_GFP_MEMALLOC},
		    {"GFP_KERNEL_NOMEMALLOC", ZF_GFP_KERNEL | ZF_GFP_NOMEMALLOC},
		    {"GFP_KERNEL_HIGH", ZF_GFP_KERNEL | ZF_GFP_HIGH},
		};
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			zf_gfp_t g = words[i].gfp;
			fprintf(f, "gfp_%s=\"\\x%02x\\x%02x\\x%02x\\x%02x\"\n", words[i].name,
				g & 0xff, (g >> 8) & 0xff, (g >> 16) & 0xff, g >> 24);
		}
		for (unsigned int o = 0; o <= ZF_MAX_ORDER_MAX + 1; o++)
			fprintf(f, "tail_order%u_task_a=\"\\x%02x\\x00\"\n", o, o);
	}
	return fclose(f) ? -1 : 0;
}

int zf_cmd_corpus(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"target", required_argument, NULL, 't'},
	    {"dir", required_argument, NULL, 'd'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *target = "all";
	char root[ZF_CU_PATH];
	bool quiet = false;
	int c;

	zf_cu_pathf(root, sizeof(root), "%s/corpus", zf_cu_source_dir());
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:d:qh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'd':
			zf_cu_pathf(root, sizeof(root), "%s", optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			printf(
			    "usage: zonefuzz corpus regen|check|dict [--target T|all] [--dir CORPUS]\n"
			    "  regen: encode corpus/<t>/scenarios/NAME.json into corpus/<t>/seeds/NAME\n"
			    "  check: fail when a seed is stale, missing or has no scenario\n"
			    "  dict:  write corpus/<t>/<t>.dict from the decoder's tables\n");
			return 0;
		default:
			return zf_cu_fail("corpus",
					  "bad option (usage: corpus regen|check [--target T])");
		}
	}
	if (optind == argc - 1 && !strcmp(argv[optind], "dict")) {
		enum zf_target_kind ds[ZF_NR_TARGETS];
		int nd = zf_cu_parse_targets(target, false, ds);
		for (int i = 0; i < nd; i++) {
			if (write_dict(root, ds[i]))
				return zf_cu_fail("corpus", "%s/%s: cannot write the dictionary",
						  root, zf_target_name(ds[i]));
			if (!quiet)
				printf("corpus %-10s %s/%s/%s.dict written\n",
				       zf_target_name(ds[i]), root, zf_target_name(ds[i]),
				       zf_target_name(ds[i]));
		}
		return 0;
	}
	if (optind != argc - 1 || (strcmp(argv[optind], "regen") && strcmp(argv[optind], "check")))
		return zf_cu_fail("corpus", "expected `regen`, `check` or `dict`");
	bool check = !strcmp(argv[optind], "check");
	enum zf_target_kind ts[ZF_NR_TARGETS];
	int nt = zf_cu_parse_targets(target, true, ts);
	if (!nt)
		return zf_cu_fail("corpus", "--target: unknown target \"%s\"", target);
	if (!zf_cu_is_dir(root))
		return zf_cu_fail("corpus", "%s: not a directory", root);
	int problems = 0;
	for (int i = 0; i < nt; i++)
		problems += corpus_target(root, ts[i], check, !quiet);
	return problems ? 1 : 0;
}
