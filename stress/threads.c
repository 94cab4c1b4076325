// SPDX-License-Identifier: MIT
/*
 * stress/threads.c - `zonefuzz stress`: real concurrency in the model
 * (docs/concurrency.md; issue 6 item 3).
 *
 * N host threads run on ONE machine built with cfg.threaded, each bound to
 * its own CPU (zf_thread_bind_cpu) and running tasks of that CPU, so they
 * meet in the model's own locks: zone->lock, the pcp lock of a CPU (which
 * drain_all_pages takes for every CPU), the node lru_lock, oom_lock and the
 * background lock. Each thread runs a seeded random mix of allocations of
 * every gfp class that needs no scenario, frees, page-cache / anonymous
 * fills and drops, sleeps (which run kswapd, kcompactd, the OOM reaper) and
 * drains. A task that the OOM killer chose exits from its own thread, as
 * do_exit() runs in the task's context; new tasks take the dead ones'
 * places at the next quiescent point.
 *
 * Quiescent points: every --quiesce-ms the controller (this thread, not
 * bound) asks the workers to park between two operations, waits for all of
 * them, then runs the oracles' full-state walks on the machine through the
 * inspection API, which is consistent while nobody runs. No per-event hook
 * is installed: the oracle set's on_event is not thread-safe, and events
 * from several CPUs interleave, which its per-allocation oracles do not
 * expect. The oracle state is re-seeded from the machine before each walk
 * (zf_oracles_reset), since no event told it what happened in between.
 *
 * Then the corpus directories given with --replay run through the plain
 * decoder and the scenario runner, single-threaded, with every oracle on.
 *
 * The threaded phase is not reproducible from its seed (the host scheduler
 * interleaves the threads), so its findings are reports, not reproducers:
 * one JSON file each (schema "zonefuzz.stress-threads-finding/1"). A replay
 * finding is reproducible: its input is copied to the output directory
 * under a target directory with a sidecar, which `zonefuzz triage` reads.
 * Wall-clock time is used here, outside the model; the model keeps its
 * virtual time.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "zonefuzz/gfp.h"
#include "zonefuzz/inspect.h"
#include "zonefuzz/machine.h"
#include "zonefuzz/oracle.h"
#include "zonefuzz/stress_threads.h"

#include "stress_internal.h" /* zf_read_file(), zf_mkdir_p() (files.c) */

#ifdef ZF_STRESS_HAVE_REPLAY
#include "decoder.h"
#include "zonefuzz/scenario.h"
#endif

#define ST_TASKS_PER_WORKER 3
#define ST_LIVE_MAX         384
#define ST_MAX_FINDINGS     64
#define ST_HANG_MIN_S       30.0 /* a thread that does not park for this long is hung */
#define ST_MAX_RETRIES      1000 /* the machine's watchdog: keeps every operation bounded */

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static double st_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: each worker has its own generator, seeded from --seed and its CPU */
static uint64_t st_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t st_below(uint64_t *s, uint64_t n)
{
	return n ? st_rand(s) % n : 0;
}

/* ------------------------------------------------------------------ */
/* The operation mix                                                   */
/* ------------------------------------------------------------------ */

/*
 * The gfp classes a thread allocates with: every class that needs no
 * scenario set-up (no cpuset change, no yield actions). max_order caps the
 * order drawn for the class; fixed_order >= 0 pins it (THP: pageblock order).
 */
struct st_gfp_class {
	const char *name;
	zf_gfp_t gfp;
	unsigned int max_order;
	int fixed_order;
	unsigned int weight;
};

static const struct st_gfp_class st_classes[] = {
    {"GFP_KERNEL", ZF_GFP_KERNEL, 3, -1, 28},
    {"GFP_ATOMIC", ZF_GFP_ATOMIC_MASK, 2, -1, 10},
    {"GFP_NOWAIT", ZF_GFP_NOWAIT, 2, -1, 8},
    {"GFP_NOFS", ZF_GFP_NOFS, 1, -1, 8},
    {"GFP_NOIO", ZF_GFP_NOIO, 1, -1, 4},
    {"GFP_USER", ZF_GFP_USER, 0, -1, 6},
    {"GFP_HIGHUSER_MOVABLE", ZF_GFP_HIGHUSER_MOVABLE, 0, -1, 12},
    {"GFP_TEMPORARY", ZF_GFP_TEMPORARY, 0, -1, 3},
    {"GFP_KERNEL|__GFP_DMA32", ZF_GFP_KERNEL | ZF_GFP_DMA32, 2, -1, 3},
    {"GFP_KERNEL|__GFP_NORETRY", ZF_GFP_KERNEL | ZF_GFP_NORETRY, 5, -1, 6},
    {"GFP_KERNEL|__GFP_REPEAT", ZF_GFP_KERNEL | ZF_GFP_REPEAT, 4, -1, 3},
    {"GFP_KERNEL|__GFP_NOFAIL", ZF_GFP_KERNEL | ZF_GFP_NOFAIL, 0, -1, 1},
    {"GFP_TRANSHUGE", ZF_GFP_TRANSHUGE, 0, 9, 3},
    {"GFP_TRANSHUGE_LIGHT", ZF_GFP_TRANSHUGE_LIGHT, 0, 9, 3},
};
#define ST_NR_CLASSES (sizeof(st_classes) / sizeof(st_classes[0]))

enum st_op {
	ST_OP_ALLOC,
	ST_OP_FREE,
	ST_OP_LRU_FILL,
	ST_OP_LRU_RELEASE,
	ST_OP_LRU_ACTIVATE,
	ST_OP_LRU_DIRTY,
	ST_OP_SLEEP,
	ST_OP_DRAIN,
	ST_NR_OPS,
};

static const char *const st_op_names[ST_NR_OPS] = {
    "alloc", "free", "lru_fill", "lru_release", "lru_activate", "lru_dirty", "sleep", "drain",
};

/* weights out of 1000 */
static const unsigned int st_op_weight[ST_NR_OPS] = {420, 330, 110, 70, 25, 15, 25, 5};

/* ------------------------------------------------------------------ */
/* Workers and the controller                                          */
/* ------------------------------------------------------------------ */

struct st_live {
	uint64_t pfn;
	unsigned int order;
	int task;
};

struct stress;

struct st_worker {
	struct stress *s;
	pthread_t th;
	unsigned int cpu;
	uint64_t rng;
	int tasks[ST_TASKS_PER_WORKER];
	bool task_dead[ST_TASKS_PER_WORKER]; /* exited; the controller creates a new one */
	struct st_live live[ST_LIVE_MAX];
	unsigned int nlive;
	uint64_t live_pages, page_budget;
	bool bound_ok;
	/* published for the controller (hang reports, the summary) */
	_Atomic uint64_t ops;
	_Atomic int cur_op; /* enum st_op, -1 between operations */
	_Atomic uint32_t cur_gfp;
	_Atomic unsigned int cur_order;
	_Atomic int cur_task;
	/* counters, read after the thread is joined */
	uint64_t allocs_ok, allocs_failed, allocs_aborted, frees, lru_ops, sleeps, drains;
	uint64_t kills_seen;
};

struct st_finding {
	struct zf_finding f;
	uint64_t check;     /* quiescent point number */
	uint64_t total_ops; /* operations done by all threads when it was found */
	double at_s;        /* seconds into the threaded phase */
};

struct stress {
	const struct zf_stress_options *o;
	struct zf_machine *m;
	struct zf_oracle_set *oracles;
	struct st_worker *w;
	unsigned int nw;

	pthread_mutex_t mu;
	pthread_cond_t cv_parked, cv_resume;
	atomic_bool pause_req, stop;
	unsigned int parked, running;
	uint64_t generation;

	double t0;
	uint64_t checks;
	struct st_finding findings[ST_MAX_FINDINGS];
	size_t nfindings;
	uint64_t dropped;
	uint64_t respawns;
	bool hang;
	char hang_msg[512];
};

static uint64_t st_total_ops(struct stress *s)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < s->nw; i++)
		t += atomic_load_explicit(&s->w[i].ops, memory_order_relaxed);
	return t;
}

/* A task for worker w's slot k on its CPU (also used to replace an exited one). */
static int st_make_task(struct stress *s, struct st_worker *w, unsigned int k)
{
	char name[16];
	struct zf_task_config tc;

	snprintf(name, sizeof(name), "w%ut%u", w->cpu, k);
	memset(&tc, 0, sizeof(tc));
	tc.name = name;
	tc.cpu = w->cpu;
	/* slot 2 is the one the OOM killer should prefer, slot 0 the one it should spare */
	tc.oom_score_adj = k == 2 ? 300 : (k == 0 ? -300 : 0);
	return zf_task_create(s->m, &tc);
}

/* Park between two operations while the controller checks the machine. */
static void st_maybe_park(struct stress *s)
{
	uint64_t gen;

	if (!atomic_load_explicit(&s->pause_req, memory_order_acquire))
		return;
	pthread_mutex_lock(&s->mu);
	s->parked++;
	pthread_cond_signal(&s->cv_parked);
	gen = s->generation;
	while (s->generation == gen && !atomic_load(&s->stop))
		pthread_cond_wait(&s->cv_resume, &s->mu);
	s->parked--;
	pthread_mutex_unlock(&s->mu);
}

static int st_pick_task(struct st_worker *w)
{
	unsigned int start = (unsigned int)st_below(&w->rng, ST_TASKS_PER_WORKER);

	for (unsigned int i = 0; i < ST_TASKS_PER_WORKER; i++) {
		unsigned int k = (start + i) % ST_TASKS_PER_WORKER;

		if (!w->task_dead[k])
			return (int)k;
	}
	return -1;
}

/*
 * A task of this CPU that the OOM killer signalled leaves now, from its own
 * thread (do_exit() in the task's context), between two operations. Its
 * kernel allocations stay on the live list: they belong to the thread's
 * workload, not to the mm, and are freed later like any other.
 */
static void st_reap_own_tasks(struct st_worker *w)
{
	struct zf_machine *m = w->s->m;

	for (unsigned int k = 0; k < ST_TASKS_PER_WORKER; k++) {
		struct zf_task_info ti;

		if (w->task_dead[k])
			continue;
		if (zf_inspect_task(m, w->tasks[k], &ti) != 0)
			continue;
		if (ti.alive && !(ti.flags & ZF_TASK_FATAL_SIGNAL))
			continue;
		if (ti.alive) {
			if (zf_task_exit(m, w->tasks[k]) != 0)
				continue;
			w->kills_seen++;
		}
		w->task_dead[k] = true;
	}
}

static const struct st_gfp_class *st_pick_class(struct st_worker *w)
{
	unsigned int total = 0, r;

	for (size_t i = 0; i < ST_NR_CLASSES; i++)
		total += st_classes[i].weight;
	r = (unsigned int)st_below(&w->rng, total);
	for (size_t i = 0; i < ST_NR_CLASSES; i++) {
		if (r < st_classes[i].weight)
			return &st_classes[i];
		r -= st_classes[i].weight;
	}
	return &st_classes[0];
}

static void st_free_one(struct st_worker *w, unsigned int i)
{
	struct st_live l = w->live[i];

	atomic_store_explicit(&w->cur_op, ST_OP_FREE, memory_order_relaxed);
	if (zf_free_pages(w->s->m, l.task, l.pfn, l.order) == 0)
		w->frees++;
	w->live_pages -= 1ULL << l.order;
	w->live[i] = w->live[--w->nlive];
}

static void st_do_alloc(struct st_worker *w, int task)
{
	const struct zf_config *cfg = zf_machine_config(w->s->m);
	const struct st_gfp_class *c = st_pick_class(w);
	struct zf_alloc_request req;
	struct zf_alloc_result res;
	unsigned int order;

	if (c->fixed_order >= 0) {
		order = (unsigned int)c->fixed_order;
		if (order >= cfg->max_order)
			order = cfg->max_order - 1;
	} else {
		/* mostly order 0: P(order >= k) halves with every k */
		order = 0;
		while (order < c->max_order && (st_rand(&w->rng) & 1))
			order++;
	}
	/* keep the thread's own kernel memory within its budget */
	while (w->nlive &&
	       (w->nlive >= ST_LIVE_MAX || w->live_pages + (1ULL << order) > w->page_budget))
		st_free_one(w, (unsigned int)st_below(&w->rng, w->nlive));

	memset(&req, 0, sizeof(req));
	req.task = task;
	req.gfp = c->gfp;
	req.order = order;
	req.preferred_nid = -1;
	atomic_store_explicit(&w->cur_gfp, c->gfp, memory_order_relaxed);
	atomic_store_explicit(&w->cur_order, order, memory_order_relaxed);
	atomic_store_explicit(&w->cur_op, ST_OP_ALLOC, memory_order_relaxed);
	if (zf_alloc_pages(w->s->m, &req, &res) == 0 && res.status == ZF_ALLOC_OK) {
		w->allocs_ok++;
		w->live[w->nlive].pfn = res.pfn;
		w->live[w->nlive].order = order;
		w->live[w->nlive].task = task;
		w->nlive++;
		w->live_pages += 1ULL << order;
	} else if (res.status == ZF_ALLOC_ABORTED) {
		w->allocs_aborted++;
	} else {
		w->allocs_failed++;
	}
}

static enum st_op st_pick_op(struct st_worker *w)
{
	unsigned int r = (unsigned int)st_below(&w->rng, 1000);

	for (int i = 0; i < ST_NR_OPS; i++) {
		if (r < st_op_weight[i])
			return (enum st_op)i;
		r -= st_op_weight[i];
	}
	return ST_OP_ALLOC;
}

static void st_one_op(struct st_worker *w)
{
	struct zf_machine *m = w->s->m;
	int k = st_pick_task(w);
	enum st_op op = st_pick_op(w);
	int task;

	if (k < 0) /* every task of this CPU exited: only frees and sleeps until new ones come */
		op = w->nlive ? ST_OP_FREE : ST_OP_SLEEP;
	task = k >= 0 ? w->tasks[k] : -1;
	atomic_store_explicit(&w->cur_task, task, memory_order_relaxed);
	atomic_store_explicit(&w->cur_op, (int)op, memory_order_relaxed);

	switch (op) {
	case ST_OP_ALLOC:
		st_do_alloc(w, task);
		break;
	case ST_OP_FREE:
		if (w->nlive)
			st_free_one(w, (unsigned int)st_below(&w->rng, w->nlive));
		break;
	case ST_OP_LRU_FILL:
		zf_lru_fill(m, task, st_rand(&w->rng) & 1 ? ZF_LRU_ANON : ZF_LRU_FILE,
			    1 + st_below(&w->rng, 64), 0);
		w->lru_ops++;
		break;
	case ST_OP_LRU_RELEASE:
		zf_lru_release(m, task, st_rand(&w->rng) & 1 ? ZF_LRU_ANON : ZF_LRU_FILE,
			       1 + st_below(&w->rng, 32));
		w->lru_ops++;
		break;
	case ST_OP_LRU_ACTIVATE:
		zf_lru_activate(m, task, st_rand(&w->rng) & 1 ? ZF_LRU_ANON : ZF_LRU_FILE,
				1 + st_below(&w->rng, 16));
		w->lru_ops++;
		break;
	case ST_OP_LRU_DIRTY:
		zf_lru_dirty(m, task, 1 + st_below(&w->rng, 16));
		w->lru_ops++;
		break;
	case ST_OP_SLEEP:
		zf_advance_time(m, 1 + st_below(&w->rng, 5));
		w->sleeps++;
		break;
	case ST_OP_DRAIN:
		zf_drain_all_pages(m);
		w->drains++;
		break;
	case ST_NR_OPS:
		break;
	}
	atomic_store_explicit(&w->cur_op, -1, memory_order_relaxed);
}

static void *st_worker_main(void *arg)
{
	struct st_worker *w = arg;
	struct stress *s = w->s;
	uint64_t done = 0;

	w->bound_ok = zf_thread_bind_cpu(s->m, w->cpu) == 0;
	while (w->bound_ok && !atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		if (s->o->max_ops && done >= s->o->max_ops)
			break;
		st_maybe_park(s);
		if (atomic_load_explicit(&s->stop, memory_order_relaxed))
			break;
		st_one_op(w);
		st_reap_own_tasks(w);
		atomic_store_explicit(&w->ops, ++done, memory_order_relaxed);
	}
	/* what this thread still holds goes back, then it leaves the CPU */
	while (w->bound_ok && w->nlive)
		st_free_one(w, w->nlive - 1);
	if (w->bound_ok)
		zf_thread_unbind(s->m);
	pthread_mutex_lock(&s->mu);
	s->running--;
	pthread_cond_signal(&s->cv_parked);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Quiescent checks                                                    */
/* ------------------------------------------------------------------ */

/* The message with every digit run replaced by N: one finding per check template. */
static void st_template(const char *msg, char *buf, size_t len)
{
	size_t o = 0;

	for (const char *p = msg; *p && o + 1 < len; p++) {
		if (*p >= '0' && *p <= '9') {
			buf[o++] = 'N';
			while (p[1] >= '0' && p[1] <= '9')
				p++;
		} else {
			buf[o++] = *p;
		}
	}
	buf[o] = '\0';
}

static void st_record(struct stress *s, const struct zf_finding *f)
{
	char a[256], b[256];

	st_template(f->message, a, sizeof(a));
	for (size_t i = 0; i < s->nfindings; i++) {
		st_template(s->findings[i].f.message, b, sizeof(b));
		if (!strcmp(f->oracle_id, s->findings[i].f.oracle_id) && !strcmp(a, b)) {
			s->dropped++;
			return;
		}
	}
	if (s->nfindings >= ST_MAX_FINDINGS) {
		s->dropped++;
		return;
	}
	s->findings[s->nfindings].f = *f;
	s->findings[s->nfindings].check = s->checks;
	s->findings[s->nfindings].total_ops = st_total_ops(s);
	s->findings[s->nfindings].at_s = st_now() - s->t0;
	s->nfindings++;
	if (!s->o->quiet) {
		char line[512];

		zf_finding_format(line, sizeof(line), f);
		fprintf(stderr, "stress: finding at check %" PRIu64 ": %s\n", s->checks, line);
	}
}

/*
 * Every thread is parked (or gone): the machine is consistent. Re-seed the
 * oracles from it (no event reached them since the last check) and run
 * every full-state walk; then give the CPUs whose tasks exited new ones.
 */
static void st_check(struct stress *s, bool revive)
{
	s->checks++;
	zf_oracles_reset(s->oracles, s->m);
	zf_oracles_walk(s->oracles, s->m);
	for (size_t i = 0; i < zf_oracles_nr_findings(s->oracles); i++)
		st_record(s, zf_oracles_finding(s->oracles, i));
	if (!revive)
		return;
	for (unsigned int i = 0; i < s->nw; i++) {
		struct st_worker *w = &s->w[i];

		for (unsigned int k = 0; k < ST_TASKS_PER_WORKER; k++) {
			int t;

			if (!w->task_dead[k])
				continue;
			t = st_make_task(s, w, k);
			if (t < 0)
				continue;
			w->tasks[k] = t;
			w->task_dead[k] = false;
			s->respawns++;
		}
	}
}

static void st_describe_hang(struct stress *s)
{
	size_t o = 0;

	o += (size_t)snprintf(s->hang_msg + o, sizeof(s->hang_msg) - o,
			      "threads did not reach a quiescent point in %.0f s:", ST_HANG_MIN_S);
	for (unsigned int i = 0; i < s->nw && o < sizeof(s->hang_msg); i++) {
		const struct st_worker *w = &s->w[i];
		int op = atomic_load(&w->cur_op);
		char gfp[96];

		if (op < 0)
			continue;
		zf_gfp_format(gfp, sizeof(gfp), atomic_load(&w->cur_gfp));
		o += (size_t)snprintf(s->hang_msg + o, sizeof(s->hang_msg) - o,
				      " [cpu %u: %s task %d%s%s order %u]", w->cpu,
				      op < ST_NR_OPS ? st_op_names[op] : "?",
				      atomic_load(&w->cur_task), op == ST_OP_ALLOC ? " gfp " : "",
				      op == ST_OP_ALLOC ? gfp : "", atomic_load(&w->cur_order));
	}
}

/* Park everyone, check, resume. false when the threads did not park in time (a hang). */
static bool st_quiesce(struct stress *s)
{
	struct timespec deadline;
	double limit = ST_HANG_MIN_S;
	bool ok = true;

	atomic_store_explicit(&s->pause_req, true, memory_order_release);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)limit;
	pthread_mutex_lock(&s->mu);
	while (s->parked < s->running) {
		if (pthread_cond_timedwait(&s->cv_parked, &s->mu, &deadline) == ETIMEDOUT &&
		    s->parked < s->running) {
			ok = false;
			break;
		}
	}
	if (ok)
		st_check(s, true);
	atomic_store_explicit(&s->pause_req, false, memory_order_release);
	s->generation++;
	pthread_cond_broadcast(&s->cv_resume);
	pthread_mutex_unlock(&s->mu);
	return ok;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

static int st_write_json(const char *path, cJSON *root)
{
	char *text = cJSON_Print(root);
	FILE *f;
	int rc = -1;

	if (!text)
		return -1;
	f = fopen(path, "w");
	if (f) {
		rc = fputs(text, f) < 0 ? -1 : 0;
		fputc('\n', f);
		if (fclose(f))
			rc = -1;
	}
	free(text);
	return rc;
}

static cJSON *st_bugs_json(uint32_t bugs)
{
	cJSON *a = cJSON_CreateArray();

	for (uint32_t b = 1; b && a; b <<= 1)
		if ((bugs & b) && zf_bug_name(b))
			cJSON_AddItemToArray(a, cJSON_CreateString(zf_bug_name(b)));
	return a;
}

/* The run's parameters, shared by every finding file. */
static void st_add_run(cJSON *o, const struct stress *s)
{
	cJSON *run = cJSON_AddObjectToObject(o, "run");

	if (!run)
		return;
	cJSON_AddNumberToObject(run, "threads", s->nw);
	cJSON_AddNumberToObject(run, "seed", (double)s->o->seed);
	cJSON_AddNumberToObject(run, "pages", (double)s->o->pages);
	cJSON_AddNumberToObject(run, "nodes", s->o->nodes);
	cJSON_AddStringToObject(run, "profile", zf_profile_name((enum zf_profile_id)s->o->profile));
	cJSON_AddItemToObject(run, "bugs", st_bugs_json(s->o->bugs));
	cJSON_AddNumberToObject(run, "duration_s", s->o->duration_s);
	cJSON_AddNumberToObject(run, "quiesce_ms", s->o->quiesce_ms);
	cJSON_AddNumberToObject(run, "max_ops", (double)s->o->max_ops);
}

static int st_write_finding(const struct stress *s, size_t i)
{
	const struct st_finding *sf = &s->findings[i];
	const struct zf_finding *f = &sf->f;
	cJSON *o = cJSON_CreateObject();
	char path[4096], gfp[128];
	int rc;

	if (!o)
		return -1;
	zf_gfp_format(gfp, sizeof(gfp), f->gfp);
	cJSON_AddStringToObject(o, "schema", "zonefuzz.stress-threads-finding/1");
	cJSON_AddStringToObject(o, "source", "threaded");
	cJSON_AddStringToObject(o, "oracle_id", f->oracle_id ? f->oracle_id : "?");
	cJSON_AddStringToObject(o, "message", f->message);
	cJSON_AddStringToObject(o, "func", f->func ? f->func : "?");
	cJSON_AddStringToObject(o, "file", f->file ? f->file : "?");
	cJSON_AddNumberToObject(o, "line", f->line);
	cJSON_AddNumberToObject(o, "op_index", (double)f->op_index);
	cJSON_AddNumberToObject(o, "event_seq", (double)f->event_seq);
	cJSON_AddNumberToObject(o, "jiffies", (double)f->jiffies);
	cJSON_AddBoolToObject(o, "in_alloc", f->in_alloc);
	cJSON_AddNumberToObject(o, "task", f->task);
	cJSON_AddNumberToObject(o, "gfp", f->gfp);
	cJSON_AddStringToObject(o, "gfp_name", gfp);
	cJSON_AddNumberToObject(o, "order", f->order);
	cJSON_AddNumberToObject(o, "zone_id", f->zone_id);
	if (f->zone_id >= 0) {
		cJSON *z = cJSON_AddObjectToObject(o, "zone");

		if (z) {
			cJSON_AddStringToObject(z, "name", f->zone.name ? f->zone.name : "?");
			cJSON_AddNumberToObject(z, "nr_free_pages", (double)f->zone.nr_free_pages);
			cJSON_AddNumberToObject(z, "min", (double)f->zone.wmark[0]);
			cJSON_AddNumberToObject(z, "low", (double)f->zone.wmark[1]);
			cJSON_AddNumberToObject(z, "high", (double)f->zone.wmark[2]);
			cJSON_AddNumberToObject(z, "managed_pages", (double)f->zone.managed_pages);
			cJSON_AddNumberToObject(z, "nr_allocated", (double)f->zone.nr_allocated);
			cJSON_AddNumberToObject(z, "nr_pcp", (double)f->zone.nr_pcp);
			cJSON_AddNumberToObject(z, "nr_isolated", (double)f->zone.nr_isolated);
		}
	}
	cJSON_AddNumberToObject(o, "check", (double)sf->check);
	cJSON_AddNumberToObject(o, "total_ops", (double)sf->total_ops);
	cJSON_AddNumberToObject(o, "at_s", sf->at_s);
	cJSON_AddNullToObject(o, "reproducer");
	cJSON_AddStringToObject(
	    o, "note",
	    "found by a full-state walk at a quiescent point of a threaded run; "
	    "the host scheduler's interleaving is not recorded, so there is no "
	    "reproducer: rerun with the same parameters");
	st_add_run(o, s);
	if (snprintf(path, sizeof(path), "%s/stress-finding-%03zu.json", s->o->out_dir, i) >=
	    (int)sizeof(path))
		rc = -1;
	else
		rc = st_write_json(path, o);
	cJSON_Delete(o);
	return rc;
}

static int st_write_hang(const struct stress *s)
{
	cJSON *o = cJSON_CreateObject();
	char path[4096];
	int rc;

	if (!o)
		return -1;
	cJSON_AddStringToObject(o, "schema", "zonefuzz.stress-threads-finding/1");
	cJSON_AddStringToObject(o, "source", "threaded");
	cJSON_AddStringToObject(o, "oracle_id", "ZF_STRESS_HANG");
	cJSON_AddStringToObject(o, "message", s->hang_msg);
	cJSON_AddNumberToObject(o, "check", (double)s->checks);
	cJSON_AddNullToObject(o, "reproducer");
	st_add_run(o, s);
	if (snprintf(path, sizeof(path), "%s/stress-hang.json", s->o->out_dir) >= (int)sizeof(path))
		rc = -1;
	else
		rc = st_write_json(path, o);
	cJSON_Delete(o);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Replay of a corpus (single-threaded, the plain decoder)              */
/* ------------------------------------------------------------------ */

#ifdef ZF_STRESS_HAVE_REPLAY
struct st_replay_obs {
	struct zf_oracle_set *oracles;
};

static void st_obs_start(void *priv, struct zf_machine *m)
{
	zf_oracles_reset(((struct st_replay_obs *)priv)->oracles, m);
}

static void st_obs_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	zf_oracles_on_event(((struct st_replay_obs *)priv)->oracles, m, ev);
}

static void st_obs_begin(void *priv, const struct zf_machine *m, uint64_t idx)
{
	zf_oracles_begin_op(((struct st_replay_obs *)priv)->oracles, m, idx);
}

static bool st_obs_end(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct st_replay_obs *c = priv;

	zf_oracles_end_op(c->oracles, m, idx);
	return zf_oracles_nr_findings(c->oracles) != 0; /* stop at the first finding */
}

static void st_obs_finish(void *priv, struct zf_machine *m)
{
	struct st_replay_obs *c = priv;

	if (!zf_oracles_nr_findings(c->oracles))
		zf_oracles_finish(c->oracles, m);
}

/* The fuzz target of a corpus path: the innermost directory component named after one. */
static int st_target_of(const char *path)
{
	char buf[4096];
	int kind = -1;
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		int k = zf_target_parse(tok);

		if (k < 0 && !strncmp(tok, "fuzz_", 5))
			k = zf_target_parse(tok + 5);
		if (k >= 0)
			kind = k;
	}
	return kind;
}

/* A finding of the replay: the input goes to OUT/replay/<target>/ with a triage sidecar. */
static void st_save_replay_finding(const struct zf_stress_options *o, int kind, const char *path,
				   const uint8_t *data, size_t len, const struct zf_finding *f)
{
	char dir[4096], file[4096], meta[4200];
	const char *base = strrchr(path, '/');
	FILE *out;
	cJSON *j;

	if (!o->out_dir)
		return;
	base = base ? base + 1 : path;
	if (snprintf(dir, sizeof(dir), "%s/replay/%s", o->out_dir,
		     zf_target_name((enum zf_target_kind)kind)) >= (int)sizeof(dir) ||
	    zf_mkdir_p(dir, 0777) != 0)
		return;
	if (snprintf(file, sizeof(file), "%s/crash-%s", dir, base) >= (int)sizeof(file))
		return;
	out = fopen(file, "wb");
	if (!out)
		return;
	if (len)
		fwrite(data, 1, len, out);
	fclose(out);
	j = cJSON_CreateObject();
	if (!j)
		return;
	cJSON_AddStringToObject(j, "target", zf_target_name((enum zf_target_kind)kind));
	cJSON_AddStringToObject(j, "engine", "zonefuzz stress --replay");
	cJSON_AddItemToObject(j, "bugs", st_bugs_json(o->bugs));
	cJSON_AddStringToObject(j, "source", path);
	cJSON_AddStringToObject(j, "oracle_id", f->oracle_id ? f->oracle_id : "?");
	cJSON_AddStringToObject(j, "message", f->message);
	if (snprintf(meta, sizeof(meta), "%s.meta.json", file) < (int)sizeof(meta))
		st_write_json(meta, j);
	cJSON_Delete(j);
}

/* Decode and run one input; 1 when an oracle fired, 0 clean, -1 not an input. */
static int st_replay_one(const struct zf_stress_options *o, int kind, const char *path)
{
	struct zf_scenario sc;
	struct zf_scenario_result res;
	struct zf_scenario_observer obs;
	struct st_replay_obs ctx;
	struct zf_oracle_options oo;
	unsigned int walk = 1;
	size_t len = 0;
	uint8_t *data = (uint8_t *)zf_read_file(path, &len);
	int rc = 0;

	/* 16 MiB or more is no fuzz input (the targets' inputs are a few KiB): skip it */
	if (data && len >= (size_t)1 << 24) {
		free(data);
		data = NULL;
	}
	if (!data)
		return -1;
	if (kind == ZF_TARGET_SCENARIO) {
		char err[256];

		if (zf_scenario_parse_json((const char *)data, len, &sc, err, sizeof(err)) != 0) {
			free(data);
			return -1;
		}
	} else if (zf_decode((enum zf_target_kind)kind, data, len, &sc, &walk) != 0) {
		free(data);
		return -1;
	}
	sc.cfg.bugs |= o->bugs;
	memset(&oo, 0, sizeof(oo));
	oo.walk_interval = walk;
	ctx.oracles = zf_oracles_create(&oo);
	if (!ctx.oracles) {
		zf_scenario_free(&sc);
		free(data);
		return -1;
	}
	memset(&obs, 0, sizeof(obs));
	obs.priv = &ctx;
	obs.start = st_obs_start;
	obs.on_event = st_obs_event;
	obs.begin_op = st_obs_begin;
	obs.end_op = st_obs_end;
	obs.finish = st_obs_finish;
	if (zf_scenario_run(&sc, NULL, &obs, &res) != 0) {
		rc = -1;
	} else if (zf_oracles_nr_findings(ctx.oracles)) {
		const struct zf_finding *f = zf_oracles_finding(ctx.oracles, 0);
		char line[512];

		zf_finding_format(line, sizeof(line), f);
		if (!o->quiet)
			fprintf(stderr, "stress: replay %s: %s\n", path, line);
		st_save_replay_finding(o, kind, path, data, len, f);
		rc = 1;
	}
	zf_oracles_destroy(ctx.oracles);
	zf_scenario_free(&sc);
	free(data);
	return rc;
}

static int st_cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every regular file of dir (recursively, in name order), as the replay programs walk. */
static void st_replay_dir(const struct zf_stress_options *o, int kind, const char *dir,
			  struct zf_stress_result *r, unsigned int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d) {
		struct stat st;

		if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
			int rc = st_replay_one(o, kind, dir);

			r->replay_inputs += rc >= 0;
			r->replay_findings += rc == 1;
			r->replay_errors += rc < 0;
		} else {
			fprintf(stderr, "stress: --replay %s: %s\n", dir, strerror(errno));
			r->replay_errors++;
		}
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".meta.json"))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), st_cmp_names);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		bool fits =
		    snprintf(path, sizeof(path), "%s/%s", dir, names[i]) < (int)sizeof(path);

		free(names[i]);
		if (!fits || stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 8)
				st_replay_dir(o, kind, path, r, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		{
			int rc = st_replay_one(o, kind, path);

			r->replay_inputs += rc >= 0;
			r->replay_findings += rc == 1;
			r->replay_errors += rc < 0 && kind != ZF_TARGET_SCENARIO;
		}
	}
	free(names);
}

static void st_replay(const struct zf_stress_options *o, struct zf_stress_result *r)
{
	for (size_t i = 0; i < o->nr_replay; i++) {
		int kind = st_target_of(o->replay[i]);

		if (kind < 0) {
			fprintf(
			    stderr,
			    "stress: --replay %s: no fuzz target in the path (a directory named "
			    "buddy, slowpath, gfp, interleave or scenario)\n",
			    o->replay[i]);
			r->replay_errors++;
			continue;
		}
		st_replay_dir(o, kind, o->replay[i], r, 0);
	}
}
#else
static void st_replay(const struct zf_stress_options *o, struct zf_stress_result *r)
{
	if (o->nr_replay) {
		fprintf(stderr,
			"stress: this build has no fuzz-target decoder: --replay ignored\n");
		r->replay_errors += o->nr_replay;
	}
}
#endif

/* ------------------------------------------------------------------ */
/* The run                                                             */
/* ------------------------------------------------------------------ */

void zf_stress_options_default(struct zf_stress_options *o)
{
	memset(o, 0, sizeof(*o));
	o->threads = 2;
	o->duration_s = 10.0;
	o->pages = 65536;
	o->nodes = 1;
	o->profile = ZF_PROFILE_4_12;
	o->quiesce_ms = 200;
}

/*
 * The machine: the x86-64 zones for the page count (DMA up to 4096 pages,
 * DMA32 a quarter, the rest NORMAL) on node 0, more NORMAL memory on the
 * other nodes, a quarter as much swap, one CPU per thread (at least two, so
 * that drain_all_pages always has a remote CPU) and the watchdog short
 * enough that every operation ends in bounded time.
 */
static struct zf_machine *st_machine(const struct zf_stress_options *o, char *err, size_t errlen)
{
	struct zf_config cfg;
	uint64_t per_node = o->pages / o->nodes;
	uint64_t dma = per_node / 16 < 4096 ? per_node / 16 : 4096;
	uint64_t dma32 = per_node / 4;

	zf_config_default(&cfg);
	memset(cfg.zone_pages, 0, sizeof(cfg.zone_pages));
	cfg.nr_nodes = o->nodes;
	cfg.zone_pages[0][ZF_ZONE_DMA] = dma;
	cfg.zone_pages[0][ZF_ZONE_DMA32] = dma32;
	cfg.zone_pages[0][ZF_ZONE_NORMAL] = per_node - dma - dma32;
	for (unsigned int n = 1; n < o->nodes; n++)
		cfg.zone_pages[n][ZF_ZONE_NORMAL] = per_node;
	cfg.nr_cpus = o->threads < 2 ? 2 : o->threads;
	cfg.swap_pages = o->pages / 4;
	cfg.threaded = true;
	cfg.seed = o->seed;
	cfg.profile = (enum zf_profile_id)o->profile;
	cfg.bugs = o->bugs;
	cfg.max_retries = ST_MAX_RETRIES;
	return zf_machine_create(&cfg, err, errlen);
}

static int st_setup(struct stress *s, const struct zf_stress_options *o)
{
	char err[256];
	struct zf_oracle_options oo;

	memset(s, 0, sizeof(*s));
	s->o = o;
	s->nw = o->threads;
	s->m = st_machine(o, err, sizeof(err));
	if (!s->m) {
		fprintf(stderr, "stress: machine: %s\n", err);
		return -1;
	}
	memset(&oo, 0, sizeof(oo));
	oo.walk_interval = 0; /* walks only when asked, at quiescent points */
	oo.max_findings = 256;
	s->oracles = zf_oracles_create(&oo);
	s->w = calloc(s->nw, sizeof(*s->w));
	if (!s->oracles || !s->w) {
		fprintf(stderr, "stress: out of memory\n");
		return -1;
	}
	pthread_mutex_init(&s->mu, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&s->cv_parked, &ca);
		pthread_condattr_destroy(&ca);
	}
	pthread_cond_init(&s->cv_resume, NULL);
	atomic_init(&s->pause_req, false);
	atomic_init(&s->stop, false);
	for (unsigned int i = 0; i < s->nw; i++) {
		struct st_worker *w = &s->w[i];

		w->s = s;
		w->cpu = i;
		w->rng = o->seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));
		/* the threads' own kernel memory: a quarter of the machine, shared out */
		w->page_budget = o->pages / 4 / s->nw;
		if (w->page_budget < 1024)
			w->page_budget = 1024;
		atomic_init(&w->ops, 0);
		atomic_init(&w->cur_op, -1);
		atomic_init(&w->cur_gfp, 0);
		atomic_init(&w->cur_order, 0);
		atomic_init(&w->cur_task, -1);
		for (unsigned int k = 0; k < ST_TASKS_PER_WORKER; k++) {
			w->tasks[k] = st_make_task(s, w, k);
			if (w->tasks[k] < 0) {
				fprintf(stderr, "stress: cannot create the tasks of cpu %u\n", i);
				return -1;
			}
		}
	}
	return 0;
}

static void st_teardown(struct stress *s)
{
	if (s->w) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv_parked);
		pthread_cond_destroy(&s->cv_resume);
	}
	free(s->w);
	zf_oracles_destroy(s->oracles);
	zf_machine_destroy(s->m);
}

static void st_sleep_until(struct stress *s, double t)
{
	while (!atomic_load(&s->stop)) {
		double left = t - st_now();
		struct timespec ts;

		if (left <= 0)
			return;
		if (left > 0.02)
			left = 0.02;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&s->mu);
		if (!s->running) {
			pthread_mutex_unlock(&s->mu);
			return;
		}
		pthread_mutex_unlock(&s->mu);
	}
}

int zf_stress_run(const struct zf_stress_options *o, struct zf_stress_result *res)
{
	struct zf_stress_result local;
	struct stress *s;
	double end, next_check;
	unsigned int started = 0;
	int rc = 0;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	if (!o || o->threads < 1 || o->threads > ZF_MAX_CPUS || o->nodes < 1 ||
	    o->nodes > ZF_MAX_NUMNODES || o->pages < 4096 * o->nodes) {
		fprintf(stderr,
			"stress: bad options (threads 1..%d, nodes 1..%d, pages >= 4096 "
			"per node)\n",
			ZF_MAX_CPUS, ZF_MAX_NUMNODES);
		return -1;
	}
	s = malloc(sizeof(*s));
	if (!s || st_setup(s, o) != 0) {
		if (s)
			st_teardown(s);
		free(s);
		return -1;
	}
	if (o->out_dir && zf_mkdir_p(o->out_dir, 0777) != 0) {
		fprintf(stderr, "stress: --out %s: %s\n", o->out_dir, strerror(errno));
		st_teardown(s);
		free(s);
		return -1;
	}
	res->threads = s->nw;

	/* a first walk of the fresh machine: a finding here is not the threads' doing */
	st_check(s, false);

	s->t0 = st_now();
	s->running = s->nw;
	for (unsigned int i = 0; i < s->nw; i++) {
		if (pthread_create(&s->w[i].th, NULL, st_worker_main, &s->w[i]) != 0) {
			pthread_mutex_lock(&s->mu);
			s->running -= s->nw - i;
			pthread_mutex_unlock(&s->mu);
			fprintf(stderr, "stress: cannot start thread %u\n", i);
			rc = -1;
			break;
		}
		started++;
	}

	end = s->t0 + o->duration_s;
	next_check = s->t0 + o->quiesce_ms / 1000.0;
	while (rc == 0) {
		double t = st_now();
		unsigned int running;

		pthread_mutex_lock(&s->mu);
		running = s->running;
		pthread_mutex_unlock(&s->mu);
		if (!running || t >= end)
			break;
		if (o->quiesce_ms && t >= next_check) {
			if (!st_quiesce(s)) {
				s->hang = true;
				st_describe_hang(s);
				break;
			}
			next_check = st_now() + o->quiesce_ms / 1000.0;
			continue;
		}
		st_sleep_until(s, o->quiesce_ms && next_check < end ? next_check : end);
	}
	atomic_store(&s->stop, true);
	pthread_mutex_lock(&s->mu);
	s->generation++;
	pthread_cond_broadcast(&s->cv_resume);
	pthread_mutex_unlock(&s->mu);
	res->elapsed_s = st_now() - s->t0;

	if (s->hang) {
		/* the stuck threads cannot be joined: report and leave (exit status 1) */
		res->hang = true;
		fprintf(stderr, "stress: HANG: %s\n", s->hang_msg);
		if (o->out_dir)
			st_write_hang(s);
		fflush(NULL);
		_Exit(1);
	}
	for (unsigned int i = 0; i < started; i++)
		pthread_join(s->w[i].th, NULL);
	for (unsigned int i = 0; i < s->nw; i++) {
		if (started && !s->w[i].bound_ok) {
			fprintf(stderr, "stress: thread %u could not bind to cpu %u\n", i,
				s->w[i].cpu);
			rc = -1;
		}
	}
	/* the final check: every thread is gone, each gave back what it held */
	st_check(s, false);
	for (int i = 0; i < ZF_NR_VMSTAT; i++)
		res->vmstat[i] = zf_inspect_vmstat(s->m, (enum zf_vmstat_item)i);

	for (unsigned int i = 0; i < s->nw; i++) {
		const struct st_worker *w = &s->w[i];

		res->ops[i] = atomic_load(&w->ops);
		res->total_ops += res->ops[i];
		res->allocs_ok += w->allocs_ok;
		res->allocs_failed += w->allocs_failed;
		res->allocs_aborted += w->allocs_aborted;
		res->frees += w->frees;
		res->lru_ops += w->lru_ops;
		res->sleeps += w->sleeps;
		res->drains += w->drains;
		res->oom_kills_seen += w->kills_seen;
	}
	res->respawns = s->respawns;
	res->checks = s->checks;
	res->findings = s->nfindings;
	res->findings_dropped = s->dropped;
	if (o->out_dir)
		for (size_t i = 0; i < s->nfindings; i++)
			if (st_write_finding(s, i) != 0)
				fprintf(stderr, "stress: cannot write finding %zu to %s\n", i,
					o->out_dir);
	st_teardown(s);
	free(s);

	st_replay(o, res);
	if (rc)
		return rc;
	return (res->findings || res->replay_findings) ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* The command                                                         */
/* ------------------------------------------------------------------ */

static int st_usage(const char *why)
{
	if (why)
		fprintf(stderr, "zonefuzz stress: %s\n", why);
	fprintf(
	    stderr,
	    "usage: zonefuzz stress --threads N --duration D [--seed S] [--pages P] [--nodes K]\n"
	    "                       [--profile X] [--bug Bn[,Bm]] [--quiesce-ms M] [--ops N]\n"
	    "                       [--replay DIR]... [--out DIR] [--quiet]\n"
	    "  N threads (1..%d, default 2), each bound to its own CPU of one threaded machine,\n"
	    "  for D seconds (10, 10s, 500ms, 2m); full oracle walks every M ms (default 200);\n"
	    "  --ops N stops each thread after N operations; then the corpus directories of\n"
	    "  --replay run through the decoder. Findings go to --out as JSON. Exit 1 on a\n"
	    "  finding, 2 on a usage error.\n",
	    ZF_MAX_CPUS);
	return 2;
}

static int st_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int st_parse_duration(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	v = strtod(s, &end);
	if (end == s || v < 0)
		return -1;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		*out = v;
	else if (!strcmp(end, "ms"))
		*out = v / 1000.0;
	else if (!strcmp(end, "m"))
		*out = v * 60.0;
	else
		return -1;
	return 0;
}

int zf_cmd_stress(int argc, char **argv)
{
	struct zf_stress_options o;
	struct zf_stress_result r;
	char msg[256];
	int rc;

	zf_stress_options_default(&o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		char name[64];
		const char *val = NULL;
		uint64_t u;

		if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "help")) {
			st_usage(NULL);
			return 0;
		}
		if (strncmp(a, "--", 2))
			return st_usage("unexpected argument");
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
		if (!strcmp(name, "--quiet")) {
			o.quiet = true;
			continue;
		}
		val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!val) {
			snprintf(msg, sizeof(msg), "%s needs a value", name);
			return st_usage(msg);
		}
		if (!strcmp(name, "--threads")) {
			if (st_parse_u64(val, &u) || u < 1 || u > ZF_MAX_CPUS)
				return st_usage("--threads: 1..16");
			o.threads = (unsigned int)u;
		} else if (!strcmp(name, "--duration")) {
			if (st_parse_duration(val, &o.duration_s))
				return st_usage("--duration: seconds (10, 10s, 500ms, 2m)");
		} else if (!strcmp(name, "--seed")) {
			if (st_parse_u64(val, &o.seed))
				return st_usage("--seed: a number");
		} else if (!strcmp(name, "--pages")) {
			if (st_parse_u64(val, &o.pages) || o.pages < 4096 || o.pages > (1ULL << 30))
				return st_usage("--pages: 4096 .. 2^30");
		} else if (!strcmp(name, "--nodes")) {
			if (st_parse_u64(val, &u) || u < 1 || u > ZF_MAX_NUMNODES)
				return st_usage("--nodes: 1..4");
			o.nodes = (unsigned int)u;
		} else if (!strcmp(name, "--profile")) {
			enum zf_profile_id p;

			if (zf_profile_parse(val, &p))
				return st_usage("--profile: a known profile (4.12, 4.13, ...)");
			o.profile = (int)p;
		} else if (!strcmp(name, "--bug") || !strcmp(name, "--bugs")) {
			char buf[256], *save = NULL;

			snprintf(buf, sizeof(buf), "%s", val);
			for (char *t = strtok_r(buf, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				uint32_t b;

				if (zf_bug_parse(t, &b)) {
					snprintf(msg, sizeof(msg),
						 "--bug: unknown planted bug '%s'", t);
					return st_usage(msg);
				}
				o.bugs |= b;
			}
		} else if (!strcmp(name, "--quiesce-ms")) {
			if (st_parse_u64(val, &u) || u > 3600000)
				return st_usage("--quiesce-ms: milliseconds");
			o.quiesce_ms = (unsigned int)u;
		} else if (!strcmp(name, "--ops")) {
			if (st_parse_u64(val, &o.max_ops))
				return st_usage("--ops: a number");
		} else if (!strcmp(name, "--replay")) {
			if (o.nr_replay >= ZF_STRESS_MAX_REPLAY)
				return st_usage("--replay: at most 16 directories");
			o.replay[o.nr_replay++] = val;
		} else if (!strcmp(name, "--out")) {
			o.out_dir = val;
		} else {
			snprintf(msg, sizeof(msg), "unknown option %s", name);
			return st_usage(msg);
		}
	}
	if (o.pages < 4096ULL * o.nodes)
		return st_usage("--pages: at least 4096 per node");

	rc = zf_stress_run(&o, &r);
	if (rc < 0)
		return 2;
	printf("stress: %u threads, %.2f s, %" PRIu64 " ops (", r.threads, r.elapsed_s,
	       r.total_ops);
	for (unsigned int i = 0; i < r.threads; i++)
		printf("%s%.0f", i ? " " : "ops/s per thread: ",
		       r.elapsed_s > 0 ? (double)r.ops[i] / r.elapsed_s : 0.0);
	printf("), allocs %" PRIu64 " ok / %" PRIu64 " failed / %" PRIu64
	       " watchdog, oom exits %" PRIu64 ", %" PRIu64 " checks, findings %" PRIu64
	       " threaded + %" PRIu64 " replay (%" PRIu64 " inputs)\n",
	       r.allocs_ok, r.allocs_failed, r.allocs_aborted, r.oom_kills_seen, r.checks,
	       r.findings, r.replay_findings, r.replay_inputs);
	if (!o.quiet) {
		static const enum zf_vmstat_item shown[] = {
		    ZF_VM_slowpath_entered, ZF_VM_pgscan_direct,
		    ZF_VM_pgscan_kswapd,    ZF_VM_kswapd_wakeups_woken,
		    ZF_VM_compact_stall,    ZF_VM_pgmigrate_success,
		    ZF_VM_pswpout,          ZF_VM_oom_kill,
		    ZF_VM_oom_reaped,       ZF_VM_pcp_drain,
		    ZF_VM_extfrag_events,   ZF_VM_highatomic_reserved,
		};

		printf("stress: vmstat");
		for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
			printf(" %s %" PRIu64, zf_vmstat_name(shown[i]), r.vmstat[shown[i]]);
		printf(", respawned tasks %" PRIu64 "\n", r.respawns);
	}
	return rc == 1 ? 1 : 0;
}

#ifdef ZF_STRESS_THREADS_MAIN
/* zf-stress-threads: the command as its own program, until the CLI links it. */
int main(int argc, char **argv)
{
	return zf_cmd_stress(argc, argv);
}
#endif
