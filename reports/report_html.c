/* SPDX-License-Identifier: MIT */
/*
 * reports/report_html.c - report.html and index.html, readable offline:
 * inline CSS, no script, no external resource. Each populated zone gets an
 * inline SVG plot of its free pages (NR_FREE_PAGES, what the watermark check
 * reads) against min/low/high over the replay of the minimised reproducer,
 * with reclaim, kswapd, compaction, OOM and the violation marked.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

static const char zf_tr_css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;"
    "max-width:1100px;color:#1d232a;padding:0 16px}"
    "h1{font-size:21px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px "
    "solid #d0d7de;padding-bottom:3px}"
    "table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d0d7de;padding:3px "
    "7px;text-align:left;vertical-align:top}th{background:#f3f5f7}"
    "table.kv th{width:190px}code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}"
    "pre{background:#f6f8fa;border:1px solid #d0d7de;padding:8px;overflow:auto;max-height:420px}"
    ".sub{color:#57606a;margin:0 0 14px}.badge{display:inline-block;padding:1px 8px;"
    "border-radius:10px;font-size:12px;color:#fff;background:#57606a}"
    ".planted{background:#8250df}.known{background:#1a7f37}.new{background:#cf222e}"
    ".warn{color:#cf222e;font-weight:600}figure{margin:8px 0 18px}figcaption{color:#57606a;"
    "font-size:12px}svg{background:#fff;border:1px solid #d0d7de}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}.viol{background:#ffebe9}";

static const char *const zf_tr_mark_colors[ZF_TR_NR_MARKS] = {"#8250df", "#bf8700", "#0a7ea4",
							      "#24292f", "#cf222e"};

static const char *zf_tr_s(const cJSON *o, const char *key)
{
	return zf_tr_json_str(o, key, "");
}

static void zf_tr_row(struct zf_sb *sb, const char *k, const char *v)
{
	zf_sb_puts(sb, "<tr><th>");
	zf_sb_html(sb, k);
	zf_sb_puts(sb, "</th><td>");
	zf_sb_html(sb, v);
	zf_sb_puts(sb, "</td></tr>\n");
}

static double zf_tr_arr(const cJSON *a, int i)
{
	const cJSON *v = cJSON_GetArrayItem(a, i);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void zf_tr_polyline(struct zf_sb *sb, const cJSON *a, int n, double x0, double xs, double y0,
			   double ys, const char *cls, const char *style)
{
	zf_sb_printf(sb, "<polyline class=\"%s\" fill=\"none\" %s points=\"", cls, style);
	for (int i = 0; i < n; i++)
		zf_sb_printf(sb, "%s%.1f,%.1f", i ? " " : "", x0 + xs * i,
			     y0 - ys * zf_tr_arr(a, i));
	if (n == 1) /* one sample: draw it as a short flat line */
		zf_sb_printf(sb, " %.1f,%.1f", x0 + 8, y0 - ys * zf_tr_arr(a, 0));
	zf_sb_puts(sb, "\"/>\n");
}

/* One zone: free pages vs min/low/high over the samples, events marked. */
static void zf_tr_svg_zone(struct zf_sb *sb, const cJSON *tl, const cJSON *zone)
{
	const double W = 1000, H = 280, L = 64, R = 12, T = 34, B = 34;
	const cJSON *fr = cJSON_GetObjectItemCaseSensitive(zone, "free");
	const cJSON *mn = cJSON_GetObjectItemCaseSensitive(zone, "min");
	const cJSON *lo = cJSON_GetObjectItemCaseSensitive(zone, "low");
	const cJSON *hi = cJSON_GetObjectItemCaseSensitive(zone, "high");
	const cJSON *ops = cJSON_GetObjectItemCaseSensitive(tl, "op");
	const cJSON *marks = cJSON_GetObjectItemCaseSensitive(tl, "marks");
	int n = cJSON_GetArraySize(fr);
	double ymax = 1, xs, ys, y0 = H - B;

	for (int i = 0; i < n; i++) {
		ymax = fmax(ymax, zf_tr_arr(fr, i));
		ymax = fmax(ymax, zf_tr_arr(hi, i));
	}
	ymax = ceil(ymax * 1.08);
	xs = n > 1 ? (W - L - R) / (n - 1) : 0;
	ys = (H - T - B) / ymax;

	zf_sb_printf(sb,
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"zoneplot\" width=\"%.0f\" "
		     "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
		     W, H, W, H);
	zf_sb_html(sb, zf_tr_s(zone, "zone"));
	zf_sb_puts(sb, " free pages against watermarks\">\n");
	/* axes and y ticks */
	zf_sb_printf(sb,
		     "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#57606a\"/>"
		     "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#57606a\"/>\n",
		     L, T, L, y0, L, y0, W - R, y0);
	for (int k = 0; k <= 4; k++) {
		double v = ymax * k / 4, y = y0 - ys * v;
		zf_sb_printf(
		    sb,
		    "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#eaeef2\"/>"
		    "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
		    "fill=\"#57606a\">%.0f</text>\n",
		    L + 1, y, W - R, y, L - 6, y + 4, v);
	}
	/* operation boundaries: a tick where the operation number changes */
	int last_op = -1, labels = 0;
	for (int i = 0; i < n; i++) {
		int op = (int)zf_tr_arr(ops, i);
		if (op == last_op)
			continue;
		last_op = op;
		double x = L + xs * i;
		zf_sb_printf(
		    sb,
		    "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#8c959f\"/>", x,
		    y0, x, y0 + 5);
		if (labels++ < 60 && (n < 120 || op % 5 == 0))
			zf_sb_printf(sb,
				     "<text x=\"%.1f\" y=\"%.0f\" font-size=\"10\" "
				     "text-anchor=\"middle\" fill=\"#57606a\">%d</text>",
				     x, y0 + 16, op);
	}
	zf_sb_printf(sb,
		     "\n<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\" "
		     "fill=\"#57606a\">operation</text>\n",
		     W - R, H - 4);
	/* marks */
	for (int i = 0; i < cJSON_GetArraySize(marks); i++) {
		const cJSON *mk = cJSON_GetArrayItem(marks, i);
		const char *kind = zf_tr_s(mk, "kind");
		int k;
		for (k = 0; k < ZF_TR_NR_MARKS; k++)
			if (!strcmp(kind, zf_tr_mark_name((enum zf_tr_mark_kind)k)))
				break;
		const char *col = k < ZF_TR_NR_MARKS ? zf_tr_mark_colors[k] : "#57606a";
		double x = L + xs * zf_tr_json_num(mk, "sample", 0);
		bool viol = k == ZF_TR_MARK_VIOLATION;
		zf_sb_printf(sb,
			     "<line class=\"mark mark-%s\" x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" "
			     "y2=\"%.0f\" stroke=\"%s\" stroke-width=\"%s\"%s><title>",
			     kind, x, T, x, y0, col, viol ? "2.5" : "1.2",
			     viol ? "" : " stroke-dasharray=\"3 3\"");
		zf_sb_html(sb, zf_tr_s(mk, "label"));
		zf_sb_puts(sb, "</title></line>\n");
		if (viol)
			zf_sb_printf(sb,
				     "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" fill=\"%s\" "
				     "text-anchor=\"%s\">violation</text>\n",
				     x + (x > W / 2 ? -4 : 4), T + 14, col,
				     x > W / 2 ? "end" : "start");
	}
	/* watermarks, then free pages on top */
	zf_tr_polyline(sb, mn, n, L, xs, y0, ys, "wmark-min",
		       "stroke=\"#cf222e\" stroke-dasharray=\"6 3\"");
	zf_tr_polyline(sb, lo, n, L, xs, y0, ys, "wmark-low",
		       "stroke=\"#bf8700\" stroke-dasharray=\"6 3\"");
	zf_tr_polyline(sb, hi, n, L, xs, y0, ys, "wmark-high",
		       "stroke=\"#1a7f37\" stroke-dasharray=\"6 3\"");
	zf_tr_polyline(sb, fr, n, L, xs, y0, ys, "free", "stroke=\"#0969da\" stroke-width=\"2\"");
	/* legend */
	static const struct {
		const char *name, *col;
	} leg[] = {
	    {"free", "#0969da"}, {"min", "#cf222e"}, {"low", "#bf8700"}, {"high", "#1a7f37"}};
	for (int i = 0; i < 4; i++)
		zf_sb_printf(sb,
			     "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			     "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s</text>",
			     L + 10 + i * 70, T - 2, leg[i].col, L + 24 + i * 70, T + 7,
			     leg[i].name);
	for (int k = 0; k < ZF_TR_NR_MARKS; k++)
		zf_sb_printf(sb,
			     "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"3\" fill=\"%s\"/>"
			     "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s</text>",
			     L + 300 + k * 100, T + 2, zf_tr_mark_colors[k], L + 314 + k * 100,
			     T + 7, zf_tr_mark_name((enum zf_tr_mark_kind)k));
	zf_sb_puts(sb, "\n</svg>\n");
}

static void zf_tr_kv_num(struct zf_sb *sb, const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (cJSON_IsNumber(v))
		zf_sb_printf(sb, "<td class=\"num\">%.0f</td>", v->valuedouble);
	else
		zf_sb_puts(sb, "<td>-</td>");
}

static void zf_tr_html_zones(struct zf_sb *sb, const cJSON *state, const char *viol_zone)
{
	const cJSON *zones = cJSON_GetObjectItemCaseSensitive(state, "zones");
	const cJSON *z;

	if (!cJSON_GetArraySize(zones)) {
		zf_sb_puts(sb, "<p>No state was captured.</p>\n");
		return;
	}
	zf_sb_puts(sb, "<table><tr><th>zone</th><th>managed</th><th>free</th><th>min</th>"
		       "<th>low</th><th>high</th><th>lowmem_reserve</th><th>highatomic</th>"
		       "<th>isolate blocks</th><th>pcp</th><th>allocated</th></tr>\n");
	cJSON_ArrayForEach(z, zones)
	{
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(z, "wmark");
		const cJSON *lr = cJSON_GetObjectItemCaseSensitive(z, "lowmem_reserve"), *e;
		bool v = viol_zone && !strcmp(viol_zone, zf_tr_s(z, "zone"));
		zf_sb_printf(sb, "<tr%s><td>", v ? " class=\"viol\"" : "");
		zf_sb_html(sb, zf_tr_s(z, "zone"));
		zf_sb_puts(sb, "</td>");
		zf_tr_kv_num(sb, z, "managed");
		zf_tr_kv_num(sb, z, "free");
		zf_tr_kv_num(sb, w, "min");
		zf_tr_kv_num(sb, w, "low");
		zf_tr_kv_num(sb, w, "high");
		zf_sb_puts(sb, "<td>");
		int i = 0;
		cJSON_ArrayForEach(e, lr)
		    zf_sb_printf(sb, "%s%.0f", i++ ? " " : "", e->valuedouble);
		zf_sb_puts(sb, "</td>");
		zf_tr_kv_num(sb, z, "nr_reserved_highatomic");
		zf_tr_kv_num(sb, z, "nr_isolate_pageblock");
		zf_tr_kv_num(sb, z, "nr_pcp");
		zf_tr_kv_num(sb, z, "nr_allocated");
		zf_sb_puts(sb, "</tr>\n");
	}
	zf_sb_puts(sb, "</table>\n<p>/proc/buddyinfo at the violation (free blocks per order), "
		       "then per migratetype (U M E H C I):</p>\n<pre>");
	cJSON_ArrayForEach(z, zones)
	{
		zf_sb_html(sb, zf_tr_s(z, "buddyinfo"));
		zf_sb_puts(sb, "\n");
	}
	zf_sb_puts(sb, "\n");
	cJSON_ArrayForEach(z, zones)
	{
		const cJSON *fa = cJSON_GetObjectItemCaseSensitive(z, "free_area"), *e;
		zf_sb_html(sb, zf_tr_s(z, "zone"));
		zf_sb_puts(sb, ":");
		cJSON_ArrayForEach(e, fa)
		{
			const cJSON *bm = cJSON_GetObjectItemCaseSensitive(e, "by_mt"), *x;
			if (!zf_tr_json_num(e, "nr_free", 0))
				continue;
			zf_sb_printf(sb, " o%.0f:", zf_tr_json_num(e, "order", 0));
			cJSON_ArrayForEach(x, bm) if (x->valuedouble > 0)
			    zf_sb_printf(sb, "%s=%.0f,", x->string, x->valuedouble);
		}
		zf_sb_puts(sb, "\n");
	}
	zf_sb_puts(sb, "</pre>\n");
}

char *zf_tr_report_html(const cJSON *doc)
{
	struct zf_sb sb = {0};
	const cJSON *sig = cJSON_GetObjectItemCaseSensitive(doc, "signature");
	const cJSON *cls = cJSON_GetObjectItemCaseSensitive(doc, "classification");
	const cJSON *orc = cJSON_GetObjectItemCaseSensitive(doc, "oracle");
	const cJSON *loc = cJSON_GetObjectItemCaseSensitive(doc, "location");
	const cJSON *al = cJSON_GetObjectItemCaseSensitive(doc, "allocation");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "model_state");
	const cJSON *rp = cJSON_GetObjectItemCaseSensitive(doc, "reproducer");
	const cJSON *rr = cJSON_GetObjectItemCaseSensitive(rp, "reproducibility");
	const cJSON *pv = cJSON_GetObjectItemCaseSensitive(doc, "provenance");
	const cJSON *dd = cJSON_GetObjectItemCaseSensitive(doc, "dedup");
	const cJSON *tr = cJSON_GetObjectItemCaseSensitive(doc, "trace");
	const cJSON *tl = cJSON_GetObjectItemCaseSensitive(doc, "timeline");
	const cJSON *e;
	const char *kind = zf_tr_s(cls, "kind");
	char buf[512];

	zf_sb_puts(&sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
	zf_sb_html(&sb, zf_tr_s(doc, "title"));
	zf_sb_printf(&sb, "</title>\n<style>%s</style></head><body>\n<h1>", zf_tr_css);
	zf_sb_html(&sb, zf_tr_s(doc, "title"));
	zf_sb_printf(&sb, "</h1>\n<p class=\"sub\"><span class=\"badge %s\">", kind);
	zf_sb_html(&sb, kind);
	zf_sb_puts(&sb, "</span> bucket <code>");
	zf_sb_html(&sb, zf_tr_s(doc, "id"));
	zf_sb_printf(&sb, "</code> &middot; %.0f artifact(s) &middot; first seen ",
		     zf_tr_json_num(dd, "count", 1));
	zf_sb_html(&sb, zf_tr_s(dd, "first_seen"));
	zf_sb_puts(&sb, " &middot; last seen ");
	zf_sb_html(&sb, zf_tr_s(dd, "last_seen"));
	zf_sb_puts(&sb, " &middot; report updated ");
	zf_sb_html(&sb, zf_tr_s(doc, "updated"));
	zf_sb_puts(&sb, "</p>\n<table class=\"kv\">\n");
	zf_tr_row(&sb, "Signature", zf_tr_s(sig, "key"));
	snprintf(buf, sizeof(buf), "%s (%s)", zf_tr_s(orc, "id"), zf_tr_s(orc, "name"));
	zf_tr_row(&sb, "Oracle", buf);
	zf_tr_row(&sb, "Message", zf_tr_s(orc, "message"));
	zf_tr_row(&sb, "Checks", zf_tr_s(orc, "property"));
	zf_tr_row(&sb, "Kernel rule", zf_tr_s(orc, "kernel_rule"));
	snprintf(buf, sizeof(buf), "%s in %s (found by %s)", zf_tr_s(loc, "crashline"),
		 zf_tr_s(loc, "function"), zf_tr_s(loc, "found_by"));
	zf_tr_row(&sb, "Model location", buf);
	zf_tr_row(&sb, "Kernel function", zf_tr_json_str(loc, "kernel_function", "-"));
	snprintf(buf, sizeof(buf), "operation %.0f: %s; event %.0f; jiffies %.0f",
		 zf_tr_json_num(loc, "op_index", 0), zf_tr_s(loc, "operation"),
		 zf_tr_json_num(loc, "event_seq", 0), zf_tr_json_num(loc, "jiffies", 0));
	zf_tr_row(&sb, "When", buf);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(al, "in_progress")))
		snprintf(buf, sizeof(buf), "task %.0f (%s) gfp_mask=%s(%s) order=%.0f",
			 zf_tr_json_num(al, "task", -1),
			 zf_tr_json_str(al, "task_name", "no task: background work"),
			 zf_tr_s(al, "gfp_hex"), zf_tr_s(al, "gfp"),
			 zf_tr_json_num(al, "order", 0));
	else
		snprintf(buf, sizeof(buf), "none in progress (found between operations)");
	zf_tr_row(&sb, "Allocation", buf);
	zf_tr_row(&sb, "Zone", zf_tr_json_str(al, "zone", "-"));
	snprintf(buf, sizeof(buf), "%.0f / %.0f attempts from the artifact alone",
		 zf_tr_json_num(rr, "reproduced", 0), zf_tr_json_num(rr, "attempts", 0));
	zf_sb_puts(&sb, "<tr><th>Reproducibility</th><td");
	zf_sb_puts(&sb, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rr, "stable"))
			    ? ">"
			    : " class=\"warn\">FLAKY: ");
	zf_sb_html(&sb, buf);
	zf_sb_puts(&sb, "</td></tr>\n");
	{
		const cJSON *pb = cJSON_GetObjectItemCaseSensitive(cls, "planted_bugs");
		const cJSON *kn = cJSON_GetObjectItemCaseSensitive(cls, "known");
		size_t o = (size_t)snprintf(buf, sizeof(buf), "%s", kind);
		if (cJSON_GetArraySize(pb)) {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, ": planted bug");
			cJSON_ArrayForEach(e, pb) if (o < sizeof(buf)) o +=
			    (size_t)snprintf(buf + o, sizeof(buf) - o, " %s", e->valuestring);
		}
		if (cJSON_IsObject(kn) && o < sizeof(buf))
			snprintf(buf + o, sizeof(buf) - o, ": %s (%s)", zf_tr_s(kn, "explanation"),
				 zf_tr_s(kn, "file"));
		zf_tr_row(&sb, "Classification", buf);
	}
	snprintf(buf, sizeof(buf), "%s, target %s, build %s%s (%s)", zf_tr_s(pv, "engine"),
		 zf_tr_json_str(pv, "target", "-"),
		 zf_tr_s(cJSON_GetObjectItemCaseSensitive(pv, "build"), "git_commit"),
		 cJSON_IsTrue(zf_tr_json_path(pv, "build.dirty")) ? "-dirty" : "",
		 zf_tr_s(cJSON_GetObjectItemCaseSensitive(pv, "build"), "compiler"));
	zf_tr_row(&sb, "Provenance", buf);
	if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(pv, "time_to_find_s"))) {
		snprintf(buf, sizeof(buf), "%.1f s", zf_tr_json_num(pv, "time_to_find_s", 0));
		zf_tr_row(&sb, "Time to find", buf);
	}
	zf_sb_puts(&sb, "</table>\n");

	/* plots */
	zf_sb_puts(&sb, "<h2>Free pages against the watermarks</h2>\n<p>Replay of the minimised "
			"reproducer: NR_FREE_PAGES of each zone after every operation and at the "
			"events that move it; dashed: min / low / high; vertical lines: reclaim, "
			"kswapd, compaction, OOM and the violation (hover for details).</p>\n");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(tl, "zones"))
	{
		zf_sb_puts(&sb, "<figure>\n");
		zf_tr_svg_zone(&sb, tl, e);
		zf_sb_puts(&sb, "<figcaption>");
		zf_sb_html(&sb, zf_tr_s(e, "zone"));
		zf_sb_printf(&sb, " &middot; %d samples</figcaption></figure>\n",
			     cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "free")));
	}

	zf_sb_puts(&sb, "<h2>Zone state at the violation</h2>\n");
	zf_tr_html_zones(&sb, st, zf_tr_json_str(al, "zone", NULL));

	zf_sb_puts(&sb, "<h2>Kernel profiles</h2>\n<table><tr><th>profile</th><th>result</th>"
			"<th>signature</th></tr>\n");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "profiles"))
	{
		zf_sb_puts(&sb, "<tr><td>");
		zf_sb_html(&sb, zf_tr_s(e, "profile"));
		zf_sb_puts(&sb, "</td><td>");
		zf_sb_html(&sb, zf_tr_s(e, "result"));
		zf_sb_puts(&sb, "</td><td><code>");
		zf_sb_html(&sb, zf_tr_json_str(e, "signature", "-"));
		zf_sb_puts(&sb, "</code></td></tr>\n");
	}
	zf_sb_puts(&sb, "</table>\n");

	zf_sb_puts(&sb, "<h2>Operation trace</h2>\n<table><tr><th>#</th><th>operation</th>"
			"<th>result</th></tr>\n");
	double vop = zf_tr_json_num(loc, "op_index", -1);
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(tr, "ops"))
	{
		bool v = zf_tr_json_num(e, "exec", -2) == vop;
		zf_sb_printf(&sb, "<tr%s><td class=\"num\">%.0f</td><td><code>",
			     v ? " class=\"viol\"" : "", zf_tr_json_num(e, "exec", 0));
		zf_sb_html(&sb, zf_tr_s(e, "op"));
		zf_sb_puts(&sb, "</code></td><td>");
		zf_sb_html(&sb, zf_tr_s(e, "result"));
		if (v)
			zf_sb_puts(&sb, " <span class=\"warn\">&larr; violation</span>");
		zf_sb_puts(&sb, "</td></tr>\n");
	}
	zf_sb_puts(&sb, "</table>\n");
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tr, "messages"))) {
		zf_sb_puts(&sb, "<pre>");
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(tr, "messages"))
		{
			zf_sb_html(&sb, e->valuestring ? e->valuestring : "");
			zf_sb_puts(&sb, "\n");
		}
		zf_sb_puts(&sb, "</pre>\n");
	}
	zf_sb_puts(&sb, "<details><summary>Last events before the stop</summary>\n<table><tr>"
			"<th>seq</th><th>jiffies</th><th>event</th><th>function</th><th>task</th>"
			"<th>zone</th><th>order</th><th>gfp</th><th>pfn</th><th>a b c</th></tr>\n");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(tr, "events_tail"))
	{
		bool v = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "violation"));
		zf_sb_printf(&sb,
			     "<tr%s><td class=\"num\">%.0f</td><td class=\"num\">%.0f</td><td>",
			     v ? " class=\"viol\"" : "", zf_tr_json_num(e, "seq", 0),
			     zf_tr_json_num(e, "jiffies", 0));
		zf_sb_html(&sb, zf_tr_s(e, "event"));
		zf_sb_puts(&sb, "</td><td>");
		zf_sb_html(&sb, zf_tr_s(e, "function"));
		zf_sb_printf(&sb, "</td><td>%.0f</td><td>", zf_tr_json_num(e, "task", -1));
		zf_sb_html(&sb, zf_tr_json_str(e, "zone", "-"));
		zf_sb_printf(&sb, "</td><td>%.0f</td><td>", zf_tr_json_num(e, "order", 0));
		zf_sb_html(&sb, zf_tr_s(e, "gfp"));
		zf_sb_printf(&sb, "</td><td>%.0f</td><td>%.0f %.0f %.0f</td></tr>\n",
			     zf_tr_json_num(e, "pfn", -1), zf_tr_json_num(e, "a", 0),
			     zf_tr_json_num(e, "b", 0), zf_tr_json_num(e, "c", 0));
	}
	zf_sb_puts(&sb, "</table></details>\n");

	zf_sb_puts(&sb, "<h2>Minimised reproducer</h2>\n");
	{
		const cJSON *mn = cJSON_GetObjectItemCaseSensitive(rp, "minimized");
		snprintf(buf, sizeof(buf),
			 "%.0f operation(s), from %.0f (original artifact %.0f bytes, %.0f "
			 "replays while minimising%s)",
			 zf_tr_json_num(mn, "ops", 0), zf_tr_json_num(mn, "ops_before", 0),
			 zf_tr_json_num(zf_tr_json_path(rp, "original"), "size", 0),
			 zf_tr_json_num(mn, "tests", 0),
			 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(mn, "budget_exhausted"))
			     ? "; budget exhausted"
			     : "");
		zf_sb_puts(&sb, "<p>");
		zf_sb_html(&sb, buf);
		zf_sb_puts(&sb, "</p>\n<p>Run it: <code>");
		zf_sb_html(&sb, zf_tr_s(rp, "command"));
		zf_sb_puts(&sb, "</code> (files beside this page)</p>\n<pre>");
		char *js = cJSON_Print(cJSON_GetObjectItemCaseSensitive(rp, "scenario"));
		zf_sb_html(&sb, js ? js : "null");
		free(js);
		zf_sb_puts(&sb, "</pre>\n");
		const cJSON *by = cJSON_GetObjectItemCaseSensitive(rp, "bytes");
		if (cJSON_IsObject(by)) {
			snprintf(buf, sizeof(buf), "%s input, %.0f bytes, target %s%s (base64):",
				 zf_tr_s(by, "format"), zf_tr_json_num(by, "size", 0),
				 zf_tr_s(by, "target"),
				 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(by, "verified"))
				     ? ", verified to reproduce"
				     : "");
			zf_sb_puts(&sb, "<p>");
			zf_sb_html(&sb, buf);
			zf_sb_puts(&sb, "</p><pre>");
			zf_sb_html(&sb, zf_tr_s(by, "data"));
			zf_sb_puts(&sb, "</pre>\n");
		} else {
			zf_sb_puts(&sb, "<p>No byte form: ");
			zf_sb_html(&sb, zf_tr_s(rp, "bytes_note"));
			zf_sb_puts(&sb, "</p>\n");
		}
	}

	zf_sb_puts(&sb, "<h2>vmstat at the violation</h2>\n<details><summary>counters</summary>"
			"<table>\n");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(st, "vmstat"))
	{
		zf_sb_puts(&sb, "<tr><td>");
		zf_sb_html(&sb, e->string ? e->string : "?");
		zf_sb_printf(&sb, "</td><td class=\"num\">%.0f</td></tr>\n", e->valuedouble);
	}
	zf_sb_puts(&sb, "</table></details>\n");

	zf_sb_puts(&sb, "<h2>Artifacts in this bucket</h2>\n<table><tr><th>found</th><th>path</th>"
			"<th>engine</th><th>target</th><th>sha256</th></tr>\n");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(dd, "artifacts"))
	{
		zf_sb_puts(&sb, "<tr><td>");
		zf_sb_html(&sb, zf_tr_s(e, "found"));
		zf_sb_puts(&sb, "</td><td><code>");
		zf_sb_html(&sb, zf_tr_s(e, "path"));
		zf_sb_puts(&sb, "</code></td><td>");
		zf_sb_html(&sb, zf_tr_s(e, "engine"));
		zf_sb_puts(&sb, "</td><td>");
		zf_sb_html(&sb, zf_tr_json_str(e, "target", "-"));
		zf_sb_puts(&sb, "</td><td><code>");
		snprintf(buf, sizeof(buf), "%.16s", zf_tr_s(e, "sha256"));
		zf_sb_html(&sb, buf);
		zf_sb_puts(&sb, "</code></td></tr>\n");
	}
	zf_sb_puts(&sb, "</table>\n<p class=\"sub\">report.json (schema ");
	zf_sb_html(&sb, zf_tr_s(doc, "schema"));
	zf_sb_puts(&sb, ") and report.sarif beside this page hold the same data. "
			"<a href=\"../index.html\">All buckets</a></p>\n</body></html>\n");
	if (sb.oom) {
		zf_sb_free(&sb);
		return NULL;
	}
	return sb.p;
}

char *zf_tr_index_html(const cJSON *index)
{
	struct zf_sb sb = {0};
	const cJSON *e;

	zf_sb_printf(&sb,
		     "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		     "<title>zonefuzz triage</title>\n<style>%s</style></head><body>\n"
		     "<h1>zonefuzz triage</h1>\n<p class=\"sub\">%d bucket(s), newest first; "
		     "generated ",
		     zf_tr_css,
		     cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(index, "buckets")));
	zf_sb_html(&sb, zf_tr_s(index, "generated"));
	zf_sb_puts(&sb, "</p>\n<table><tr><th>last seen</th><th>bucket</th><th>title</th>"
			"<th>kind</th><th>count</th><th>reproduced</th><th>profiles</th></tr>\n");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(index, "buckets"))
	{
		const char *kind = zf_tr_s(e, "kind");
		zf_sb_puts(&sb, "<tr><td>");
		zf_sb_html(&sb, zf_tr_s(e, "last_seen"));
		zf_sb_puts(&sb, "</td><td><a href=\"");
		zf_sb_html(&sb, zf_tr_s(e, "html"));
		zf_sb_puts(&sb, "\"><code>");
		zf_sb_html(&sb, zf_tr_s(e, "id"));
		zf_sb_puts(&sb, "</code></a></td><td>");
		zf_sb_html(&sb, zf_tr_s(e, "title"));
		zf_sb_printf(&sb, "</td><td><span class=\"badge %s\">", kind);
		zf_sb_html(&sb, kind);
		zf_sb_printf(&sb, "</span></td><td class=\"num\">%.0f</td><td>",
			     zf_tr_json_num(e, "count", 0));
		zf_sb_html(&sb, zf_tr_s(e, "reproducibility"));
		zf_sb_puts(&sb, "</td><td>");
		zf_sb_html(&sb, zf_tr_s(e, "profiles"));
		zf_sb_puts(&sb, "</td></tr>\n");
	}
	zf_sb_puts(&sb, "</table>\n");
	const cJSON *un = cJSON_GetObjectItemCaseSensitive(index, "unreproduced");
	if (cJSON_GetArraySize(un)) {
		zf_sb_puts(&sb,
			   "<h2>Artifacts that did not reproduce</h2>\n<table><tr><th>path</th>"
			   "<th>why</th></tr>\n");
		cJSON_ArrayForEach(e, un)
		{
			zf_sb_puts(&sb, "<tr><td><code>");
			zf_sb_html(&sb, zf_tr_s(e, "path"));
			zf_sb_puts(&sb, "</code></td><td>");
			zf_sb_html(&sb, zf_tr_s(e, "reason"));
			zf_sb_puts(&sb, "</td></tr>\n");
		}
		zf_sb_puts(&sb, "</table>\n");
	}
	zf_sb_puts(&sb, "</body></html>\n");
	if (sb.oom) {
		zf_sb_free(&sb);
		return NULL;
	}
	return sb.p;
}
