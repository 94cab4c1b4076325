/* SPDX-License-Identifier: MIT */
/*
 * oracles/registry.c - the oracle registry and the oracle set: one table of
 * descriptors (ZF_ORACLE_LIST), per-oracle state, event dispatch by event
 * type, walks every walk_interval operations, and the finding recorder.
 *
 * A violation is a finding, never an abort: it is recorded with where it
 * fired (the model's func/file/line for an event, "oracle walk" for a full
 * walk), and the caller decides what to do with it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oracle_internal.h"

#define ZF_ORACLE_PTR(name) &zf_oracle_##name,
static const struct zf_oracle_ops *const zf_oracle_table[] = {ZF_ORACLE_LIST(ZF_ORACLE_PTR)};
#undef ZF_ORACLE_PTR

#define ZF_NR_ORACLES (sizeof(zf_oracle_table) / sizeof(zf_oracle_table[0]))
_Static_assert(ZF_NR_ORACLES <= 64, "enabled is a 64-bit mask");

#define ZF_DEFAULT_MAX_FINDINGS 64
#define ZF_WALK_SEEN_MAX        256

/* A state violation found by a walk stays until repaired: report it once per run. */
struct zf_walk_seen {
	unsigned int oracle;
	int line;
	int zone_id;
};

struct zf_oracle_set {
	struct zf_oracle_options opt;
	size_t max_findings;
	struct zf_finding *findings;
	size_t nr_findings;
	uint64_t nr_dropped;
	size_t nr_of[ZF_NR_ORACLES];

	uint64_t op_index;
	unsigned int ops_since_walk;
	struct zf_geometry geo;

	unsigned int cur; /* oracle whose hook is running */
	bool in_walk;
	struct zf_walk_seen walk_seen[ZF_WALK_SEEN_MAX];
	size_t nr_walk_seen;

	/* dispatch: for each event type, the enabled oracles that want it */
	uint8_t ev_n[ZF_NR_EVENTS];
	uint8_t ev_oracles[ZF_NR_EVENTS][ZF_NR_ORACLES];
	bool enabled[ZF_NR_ORACLES];
	void *state[ZF_NR_ORACLES];

	/* zf_oset_pages(): every pfn's state, read once per walk or reset */
	struct zf_page_state *pages;
	uint64_t pages_cap;
	bool pages_valid; /* read during this walk or reset */
	bool in_reset;
};

size_t zf_oracle_count(void)
{
	return ZF_NR_ORACLES;
}

const struct zf_oracle_desc *zf_oracle_desc(size_t i)
{
	return i < ZF_NR_ORACLES ? &zf_oracle_table[i]->desc : NULL;
}

int zf_oracle_lookup(const char *name_or_id)
{
	if (!name_or_id)
		return -1;
	for (size_t i = 0; i < ZF_NR_ORACLES; i++) {
		const struct zf_oracle_desc *d = &zf_oracle_table[i]->desc;
		if (!strcasecmp(name_or_id, d->name) || !strcasecmp(name_or_id, d->id))
			return (int)i;
	}
	return -1;
}

struct zf_oracle_set *zf_oracles_create(const struct zf_oracle_options *opt)
{
	struct zf_oracle_set *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (opt)
		s->opt = *opt;
	s->max_findings = s->opt.max_findings ? s->opt.max_findings : ZF_DEFAULT_MAX_FINDINGS;
	s->findings = calloc(s->max_findings, sizeof(*s->findings));
	if (!s->findings)
		goto fail;
	for (unsigned int i = 0; i < ZF_NR_ORACLES; i++) {
		const struct zf_oracle_ops *o = zf_oracle_table[i];
		s->enabled[i] = !s->opt.enabled || (s->opt.enabled >> i) & 1u;
		s->state[i] = calloc(1, o->state_size ? o->state_size : 1);
		if (!s->state[i])
			goto fail;
		if (!s->enabled[i])
			continue;
		for (unsigned int e = 0; e < ZF_NR_EVENTS; e++) {
			if (o->on_event && (o->event_mask >> e) & 1u)
				s->ev_oracles[e][s->ev_n[e]++] = (uint8_t)i;
		}
	}
	return s;
fail:
	zf_oracles_destroy(s);
	return NULL;
}

void zf_oracles_destroy(struct zf_oracle_set *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < ZF_NR_ORACLES; i++) {
		if (s->state[i] && zf_oracle_table[i]->release)
			zf_oracle_table[i]->release(s->state[i]);
		free(s->state[i]);
	}
	free(s->findings);
	free(s->pages);
	free(s);
}

void zf_oracles_reset(struct zf_oracle_set *s, const struct zf_machine *m)
{
	s->nr_findings = 0;
	s->nr_dropped = 0;
	memset(s->nr_of, 0, sizeof(s->nr_of));
	s->op_index = 0;
	s->ops_since_walk = 0;
	s->nr_walk_seen = 0;
	zf_inspect_geometry(m, &s->geo);
	s->pages_valid = false;
	s->in_reset = true;
	for (unsigned int i = 0; i < ZF_NR_ORACLES; i++) {
		if (!s->enabled[i] || !zf_oracle_table[i]->reset)
			continue;
		s->cur = i;
		zf_oracle_table[i]->reset(s, s->state[i], m);
	}
	s->in_reset = false;
	s->pages_valid = false;
}

void zf_oracles_on_event(struct zf_oracle_set *s, const struct zf_machine *m,
			 const struct zf_event *ev)
{
	if (ev->type >= ZF_NR_EVENTS)
		return;
	for (unsigned int k = 0; k < s->ev_n[ev->type]; k++) {
		unsigned int i = s->ev_oracles[ev->type][k];
		s->cur = i;
		zf_oracle_table[i]->on_event(s, s->state[i], m, ev);
	}
}

void zf_oracles_event_hook(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	zf_oracles_on_event(priv, m, ev);
}

void zf_oracles_walk(struct zf_oracle_set *s, const struct zf_machine *m)
{
	s->in_walk = true;
	s->pages_valid = false;
	for (unsigned int i = 0; i < ZF_NR_ORACLES; i++) {
		if (!s->enabled[i] || !zf_oracle_table[i]->walk)
			continue;
		s->cur = i;
		zf_oracle_table[i]->walk(s, s->state[i], m);
	}
	s->pages_valid = false;
	s->in_walk = false;
	s->ops_since_walk = 0;
}

void zf_oracles_begin_op(struct zf_oracle_set *s, const struct zf_machine *m, uint64_t op_index)
{
	(void)m;
	s->op_index = op_index;
}

void zf_oracles_end_op(struct zf_oracle_set *s, const struct zf_machine *m, uint64_t op_index)
{
	s->op_index = op_index;
	if (!s->opt.walk_interval)
		return;
	if (++s->ops_since_walk >= s->opt.walk_interval)
		zf_oracles_walk(s, m);
}

void zf_oracles_finish(struct zf_oracle_set *s, const struct zf_machine *m)
{
	zf_oracles_walk(s, m);
}

size_t zf_oracles_nr_findings(const struct zf_oracle_set *s)
{
	return s->nr_findings;
}

const struct zf_finding *zf_oracles_finding(const struct zf_oracle_set *s, size_t i)
{
	return i < s->nr_findings ? &s->findings[i] : NULL;
}

size_t zf_oracles_nr_findings_of(const struct zf_oracle_set *s, const char *name_or_id)
{
	int i = zf_oracle_lookup(name_or_id);
	return i < 0 ? 0 : s->nr_of[i];
}

uint64_t zf_oracles_nr_dropped(const struct zf_oracle_set *s)
{
	return s->nr_dropped;
}

uint64_t zf_oset_op_index(const struct zf_oracle_set *c)
{
	return c->op_index;
}

const struct zf_geometry *zf_oset_geometry(const struct zf_oracle_set *c)
{
	return &c->geo;
}

/*
 * Walks and resets only read the machine, so the page states read by the
 * first oracle that asks hold for the others of the same walk (reset). Asked
 * from anywhere else (an event hook), it reads them afresh every time.
 */
const struct zf_page_state *zf_oset_pages(struct zf_oracle_set *c, const struct zf_machine *m)
{
	uint64_t n = c->geo.nr_pages;
	if (c->pages_valid)
		return c->pages;
	if (n > c->pages_cap || !c->pages) {
		struct zf_page_state *p = realloc(c->pages, (size_t)(n ? n : 1) * sizeof(*p));
		if (!p)
			return NULL;
		c->pages = p;
		c->pages_cap = n;
	}
	if (zf_inspect_pages(m, 0, n, c->pages) != n)
		return NULL;
	c->pages_valid = c->in_walk || c->in_reset;
	return c->pages;
}

static bool walk_already_reported(struct zf_oracle_set *c, int line, int zone_id)
{
	for (size_t i = 0; i < c->nr_walk_seen; i++) {
		const struct zf_walk_seen *w = &c->walk_seen[i];
		if (w->oracle == c->cur && w->line == line && w->zone_id == zone_id)
			return true;
	}
	if (c->nr_walk_seen < ZF_WALK_SEEN_MAX)
		c->walk_seen[c->nr_walk_seen++] = (struct zf_walk_seen){c->cur, line, zone_id};
	return false;
}

void zf_oracle_report(struct zf_oracle_set *c, const struct zf_machine *m,
		      const struct zf_event *ev, int zone_id, const char *file, int line,
		      const char *fmt, ...)
{
	/* A walk re-finds a broken state at every interval: keep the first report. */
	if (!ev && walk_already_reported(c, line, zone_id)) {
		c->nr_dropped++;
		return;
	}
	if (c->nr_findings >= c->max_findings) {
		c->nr_dropped++;
		return;
	}
	struct zf_finding *f = &c->findings[c->nr_findings++];
	c->nr_of[c->cur]++;
	memset(f, 0, sizeof(*f));
	f->oracle_id = zf_oracle_table[c->cur]->desc.id;

	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);

	f->op_index = c->op_index;
	f->in_alloc = zf_alloc_depth(m) > 0;
	f->zone_id = zone_id;
	if (ev) {
		f->func = ev->func;
		f->file = ev->file;
		f->line = ev->line;
		f->event_seq = ev->seq;
		f->jiffies = ev->jiffies;
		f->task = ev->task;
		f->gfp = ev->gfp;
		f->order = ev->order;
		/* labels, gotos and yields carry no order: take the allocation's */
		if (ev->type == ZF_EV_SLOWPATH_LABEL || ev->type == ZF_EV_SLOWPATH_GOTO ||
		    ev->type == ZF_EV_YIELD || ev->type == ZF_EV_WARN_ALLOC) {
			struct zf_alloc_ctx_info ci;
			zf_inspect_alloc_ctx(m, &ci);
			if (ci.active)
				f->order = ci.order;
		}
	} else {
		struct zf_alloc_ctx_info ci;
		zf_inspect_alloc_ctx(m, &ci);
		f->func = "oracle walk";
		f->file = file;
		f->line = line;
		f->event_seq = 0;
		f->jiffies = zf_jiffies(m);
		f->task = ci.active ? ci.task : ZF_NO_TASK;
		f->gfp = ci.active ? ci.gfp : 0;
		f->order = ci.active ? ci.order : 0;
	}
	if (zone_id < 0 || zf_inspect_zone(m, zone_id, &f->zone) != 0)
		f->zone_id = -1;
}

int zf_finding_format(char *buf, size_t len, const struct zf_finding *f)
{
	char gfp[160];
	zf_gfp_format(gfp, sizeof(gfp), f->gfp);
	return snprintf(
	    buf, len,
	    "%s: %s [at %s (%s:%d), op %llu, event %llu, jiffies %llu, task %d, gfp %s, "
	    "order %u, zone %d%s%s]",
	    f->oracle_id, f->message, f->func ? f->func : "?", f->file ? f->file : "?", f->line,
	    (unsigned long long)f->op_index, (unsigned long long)f->event_seq,
	    (unsigned long long)f->jiffies, f->task, gfp, f->order, f->zone_id,
	    f->zone_id >= 0 ? " " : "", f->zone_id >= 0 ? f->zone.name : "");
}
