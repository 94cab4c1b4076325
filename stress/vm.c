// SPDX-License-Identifier: MIT
/*
 * stress/vm.c - `zonefuzz vm build|run|campaign|profiles`: the guest image
 * built from Debian packages only, and the QEMU runner (docs/stress.md).
 *
 * The recipe is the one verified in ecosystem notes §6: the Debian cloud
 * kernel (no modules needed for the serial console, a second UART or an NVMe
 * disk), busybox-static, stress-ng with its shared libraries, a cpio
 * initramfs whose /init runs one profile and frames its results on ttyS1,
 * `-serial file:`, `-nic none`, `panic=-1 -no-reboot`.
 *
 * The runner never leaves a QEMU behind: QEMU runs in its own process
 * group with PR_SET_PDEATHSIG, the runner blocks SIGINT/SIGTERM/SIGHUP/
 * SIGCHLD and waits for them with sigtimedwait() (no signal handler, no
 * global state), and every exit path - guest poweroff, guest panic, the
 * wall-clock limit, Ctrl-C - ends with the whole group killed and reaped.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "stress_internal.h"
#include "zonefuzz/stress.h"

#ifndef ZF_GUEST_STRESS_PATH
#define ZF_GUEST_STRESS_PATH ""
#endif

#define VM_MAX_ARGS            96
#define ZF_KVM_GET_API_VERSION 0xAE00 /* _IO(KVMIO, 0x00), linux/kvm.h */
#define KERNEL_META_PACKAGE    "linux-image-cloud-amd64"

/* ------------------------------------------------------------------ */
/* Small process helpers                                               */
/* ------------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool which(const char *name, char *out, size_t n)
{
	const char *path = getenv("PATH");
	char buf[4096];
	char *save = NULL, *dir;

	if (strchr(name, '/')) {
		snprintf(out, n, "%s", name);
		return access(name, X_OK) == 0;
	}
	snprintf(buf, sizeof(buf), "%s", path && *path ? path : "/usr/bin:/bin:/usr/sbin:/sbin");
	for (dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, n, "%s/%s", dir, name);
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

/*
 * Run argv (in dir if not NULL) and return its exit status; its stdout goes
 * to *out (if out is not NULL; caller frees), its stderr to ours.
 */
static int run_capture(const char *const *argv, const char *dir, char **out)
{
	int pfd[2] = {-1, -1}, status;
	pid_t pid;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (out && pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, 0);
		if (out) {
			dup2(pfd[1], 1);
			close(pfd[0]);
			close(pfd[1]);
		}
		if (dir && chdir(dir))
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "zonefuzz vm: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out) {
		close(pfd[1]);
		for (;;) {
			ssize_t got;

			if (cap - n < 4096) {
				char *nb = realloc(buf, cap + 65536 + 1);

				if (!nb)
					break;
				buf = nb;
				cap += 65536;
			}
			got = read(pfd[0], buf + n, cap - n);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				break;
			n += (size_t)got;
		}
		close(pfd[0]);
		if (buf)
			buf[n] = '\0';
		*out = buf;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* FNV-1a 64 over a file's bytes, folded into h (a missing file folds in its name only). */
static uint64_t fnv_file(uint64_t h, const char *path)
{
	size_t len = 0;
	char *data = zf_read_file(path, &len);

	for (const char *c = path; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
	for (size_t i = 0; data && i < len; i++)
		h = (h ^ (uint8_t)data[i]) * 0x100000001b3ULL;
	free(data);
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

/* dpkg's version of an installed package, "" if not installed. */
static void dpkg_version(const char *pkg, char *out, size_t n)
{
	const char *argv[] = {"dpkg-query", "-W", "-f", "${Version}", pkg, NULL};
	char *o = NULL;

	out[0] = '\0';
	if (run_capture(argv, NULL, &o) == 0 && o)
		snprintf(out, n, "%s", o);
	free(o);
}

/* ------------------------------------------------------------------ */
/* Host requirements                                                   */
/* ------------------------------------------------------------------ */

/*
 * Every host tool the image build and the runner need, with the Debian
 * package that has it. Missing ones are named together, with the command
 * that installs them.
 */
static int check_host(bool need_qemu, bool need_build, bool need_kernel_download, char *err,
		      size_t errlen)
{
	static const struct {
		const char *tool, *pkg;
		int need; /* 0 the image build, 1 qemu, 2 kernel download */
	} req[] = {
	    {"qemu-system-x86_64", "qemu-system-x86", 1},
	    {"/bin/busybox", "busybox-static", 0},
	    {"stress-ng", "stress-ng", 0},
	    {"cpio", "cpio", 0},
	    {"gzip", "gzip", 0},
	    {"dpkg", "dpkg", 2},
	    {"apt-get", "apt", 2},
	    {"apt-cache", "apt", 2},
	};
	char missing[512] = "", path[512];
	size_t off = 0;

	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		if ((req[i].need == 0 && !need_build) || (req[i].need == 1 && !need_qemu) ||
		    (req[i].need == 2 && !need_kernel_download))
			continue;
		if (which(req[i].tool, path, sizeof(path)))
			continue;
		if (strstr(missing, req[i].pkg))
			continue;
		off += (size_t)snprintf(missing + off, sizeof(missing) - off, "%s%s",
					off ? " " : "", req[i].pkg);
	}
	if (!off && need_build) {
		/* busybox must be the static one: it runs in the guest as /bin/busybox */
		char v[128];

		dpkg_version("busybox-static", v, sizeof(v));
		if (!v[0] && access("/bin/busybox", X_OK) == 0) {
			const char *argv[] = {"ldd", "/bin/busybox", NULL};
			char *o = NULL;
			int rc = run_capture(argv, NULL, &o);

			if (rc == 0 && o && strstr(o, "=>"))
				off = (size_t)snprintf(missing, sizeof(missing), "busybox-static");
			free(o);
		}
	}
	if (off) {
		snprintf(err, errlen,
			 "missing host packages: %s\n  install them with: apt-get install -y "
			 "--no-install-recommends %s",
			 missing, missing);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* vm build                                                            */
/* ------------------------------------------------------------------ */

struct vm_image {
	char cache[512];
	char vmlinuz[600];
	char initrd[600];
	char manifest_path[600];
	char *manifest_json; /* as written */
	char kernel_release[64];
};

static const char *default_cache(void)
{
	const char *c = getenv("ZF_VM_CACHE");

	return c && *c ? c : "out/vm/cache";
}

static const char *guest_stress_path(void)
{
	const char *p = getenv("ZF_GUEST_STRESS");

	return p && *p ? p : ZF_GUEST_STRESS_PATH;
}

/* "Depends: linux-image-6.1.0-56-cloud-amd64" of the cloud meta package, and its version */
static int resolve_kernel_package(char *pkg, size_t pn, char *ver, size_t vn, char *err,
				  size_t errlen)
{
	const char *dep_argv[] = {"apt-cache", "depends", KERNEL_META_PACKAGE, NULL};
	char *o = NULL, *p;
	int rc = run_capture(dep_argv, NULL, &o);

	pkg[0] = ver[0] = '\0';
	p = o ? strstr(o, "Depends: linux-image-") : NULL;
	if (rc || !p) {
		snprintf(err, errlen,
			 "apt-cache knows no %s: run 'apt-get update' first (the kernel comes from "
			 "the Debian mirrors), or give --kernel FILE",
			 KERNEL_META_PACKAGE);
		free(o);
		return -1;
	}
	p += strlen("Depends: ");
	snprintf(pkg, pn, "%.*s", (int)strcspn(p, " \n"), p);
	free(o);
	o = NULL;
	{
		const char *show_argv[] = {"apt-cache", "show", "--no-all-versions", pkg, NULL};

		if (run_capture(show_argv, NULL, &o) == 0 && o && (p = strstr(o, "\nVersion: ")))
			snprintf(ver, vn, "%.*s", (int)strcspn(p + 10, "\n"), p + 10);
		else if (o && !strncmp(o, "Version: ", 9))
			snprintf(ver, vn, "%.*s", (int)strcspn(o + 9, "\n"), o + 9);
	}
	free(o);
	if (!ver[0]) {
		snprintf(err, errlen, "apt-cache show %s gave no version", pkg);
		return -1;
	}
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	size_t len;
	char *data = zf_read_file(from, &len);
	int rc;

	if (!data)
		return -1;
	rc = zf_write_file(to, data, len);
	free(data);
	return rc;
}

/* apt-get download PKG=VER; dpkg -x; copy boot/vmlinuz-* to the cache. */
static int fetch_kernel(const char *cache, const char *pkg, const char *ver, char *release,
			size_t rn, char *err, size_t errlen)
{
	char tmp[700], spec[256], deb[1024], xdir[800], boot[900], src[1300], dst[700];
	DIR *d;
	struct dirent *de;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s/tmp-kernel", cache);
	{
		const char *rm_argv[] = {"rm", "-rf", tmp, NULL};

		run_capture(rm_argv, NULL, NULL);
	}
	if (zf_mkdir_p(tmp, 0755)) {
		snprintf(err, errlen, "cannot create %s", tmp);
		return -1;
	}
	snprintf(spec, sizeof(spec), "%s=%s", pkg, ver);
	fprintf(stderr, "[vm build] apt-get download %s\n", spec);
	{
		/* as root, apt would drop to _apt, which cannot write here: stay root */
		const char *argv[] = {
		    "apt-get", "download",
		    "-q",      geteuid() == 0 ? "-oAPT::Sandbox::User=root" : "-q",
		    spec,      NULL};

		rc = run_capture(argv, tmp, NULL);
	}
	if (rc) {
		snprintf(err, errlen,
			 "apt-get download %s failed (rc %d): the kernel needs network access to "
			 "the Debian mirrors; or give --kernel FILE",
			 spec, rc);
		return -1;
	}
	deb[0] = '\0';
	if ((d = opendir(tmp))) {
		while ((de = readdir(d)))
			if (strstr(de->d_name, ".deb"))
				snprintf(deb, sizeof(deb), "%s/%s", tmp, de->d_name);
		closedir(d);
	}
	if (!deb[0]) {
		snprintf(err, errlen, "apt-get download left no .deb in %s", tmp);
		return -1;
	}
	snprintf(xdir, sizeof(xdir), "%s/x", tmp);
	{
		const char *argv[] = {"dpkg", "-x", deb, xdir, NULL};

		if (run_capture(argv, NULL, NULL)) {
			snprintf(err, errlen, "dpkg -x %s failed", deb);
			return -1;
		}
	}
	snprintf(boot, sizeof(boot), "%s/boot", xdir);
	release[0] = '\0';
	if ((d = opendir(boot))) {
		while ((de = readdir(d))) {
			if (!strncmp(de->d_name, "vmlinuz-", 8)) {
				snprintf(release, rn, "%s", de->d_name + 8);
				snprintf(src, sizeof(src), "%s/%s", boot, de->d_name);
				snprintf(dst, sizeof(dst), "%s/vmlinuz", cache);
				if (copy_file(src, dst)) {
					closedir(d);
					snprintf(err, errlen, "cannot copy %s to %s", src, dst);
					return -1;
				}
			} else if (!strncmp(de->d_name, "config-", 7)) {
				snprintf(src, sizeof(src), "%s/%s", boot, de->d_name);
				snprintf(dst, sizeof(dst), "%s/kernel.config", cache);
				copy_file(src, dst);
			}
		}
		closedir(d);
	}
	{
		const char *rm_argv[] = {"rm", "-rf", tmp, NULL};

		run_capture(rm_argv, NULL, NULL);
	}
	if (!release[0]) {
		snprintf(err, errlen, "%s has no boot/vmlinuz-*", deb);
		return -1;
	}
	return 0;
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/*
 * Bring the cache up to date: the kernel is keyed by its package and
 * version (or the --kernel file's content), the initramfs by the busybox
 * and stress-ng versions plus the content of /init, the builder, the
 * profiles and zf-guest-stress. Only what changed is rebuilt.
 */
static int vm_build(const char *cache, const char *kernel_file, bool force, bool verbose,
		    struct vm_image *img, char *err, size_t errlen)
{
	char kpkg[128] = "", kver[128] = "", bbver[128], sngver[128], key[64];
	char path[700], dir[600], init[700], builder[700], release[64] = "";
	char *old_text;
	cJSON *old = NULL, *man;
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *gs = guest_stress_path();
	bool have_gs = gs[0] && access(gs, X_OK) == 0;
	bool kernel_ok, initrd_ok;
	DIR *d;
	struct dirent *de;
	char *names[128];
	int nn = 0;

	memset(img, 0, sizeof(*img));
	if (check_host(false, true, !kernel_file, err, errlen))
		return -1;
	if (zf_mkdir_p(cache, 0755)) {
		snprintf(err, errlen, "cannot create the cache directory %s", cache);
		return -1;
	}
	snprintf(img->cache, sizeof(img->cache), "%s", cache);
	snprintf(img->vmlinuz, sizeof(img->vmlinuz), "%s/vmlinuz", cache);
	snprintf(img->initrd, sizeof(img->initrd), "%s/initramfs.cpio.gz", cache);
	snprintf(img->manifest_path, sizeof(img->manifest_path), "%s/manifest.json", cache);
	old_text = zf_read_file(img->manifest_path, NULL);
	if (old_text)
		old = cJSON_Parse(old_text);
	free(old_text);

	/* the kernel */
	if (kernel_file) {
		snprintf(kpkg, sizeof(kpkg), "file");
		snprintf(kver, sizeof(kver), "%016llx",
			 (unsigned long long)fnv_file(0xcbf29ce484222325ULL, kernel_file));
	} else if (resolve_kernel_package(kpkg, sizeof(kpkg), kver, sizeof(kver), err, errlen)) {
		cJSON_Delete(old);
		return -1;
	}
	kernel_ok = !force && old && !strcmp(json_str(old, "kernel_package"), kpkg) &&
		    !strcmp(json_str(old, "kernel_version"), kver) &&
		    access(img->vmlinuz, R_OK) == 0;
	if (kernel_ok) {
		snprintf(release, sizeof(release), "%s", json_str(old, "kernel_release"));
	} else if (kernel_file) {
		if (copy_file(kernel_file, img->vmlinuz)) {
			snprintf(err, errlen, "cannot copy %s to %s", kernel_file, img->vmlinuz);
			cJSON_Delete(old);
			return -1;
		}
		/* the release is read from the guest's uname at run time */
		snprintf(release, sizeof(release), "unknown");
	} else if (fetch_kernel(cache, kpkg, kver, release, sizeof(release), err, errlen)) {
		cJSON_Delete(old);
		return -1;
	}

	/* the initramfs */
	dpkg_version("busybox-static", bbver, sizeof(bbver));
	dpkg_version("stress-ng", sngver, sizeof(sngver));
	snprintf(init, sizeof(init), "%s/guest/init", zf_vm_stress_dir());
	snprintf(builder, sizeof(builder), "%s/guest/mkinitramfs.sh", zf_vm_stress_dir());
	h = fnv_str(h, bbver);
	h = fnv_str(h, sngver);
	h = fnv_file(h, init);
	h = fnv_file(h, builder);
	if (have_gs)
		h = fnv_file(h, gs);
	snprintf(dir, sizeof(dir), "%s", zf_vm_profiles_dir());
	if ((d = opendir(dir))) {
		while ((de = readdir(d)) && nn < 128)
			if (strstr(de->d_name, ".job"))
				names[nn++] = strdup(de->d_name);
		closedir(d);
	}
	/* sorted, so the key does not depend on readdir order */
	for (int i = 1; i < nn; i++)
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (int i = 0; i < nn; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		h = fnv_file(h, path);
		free(names[i]);
	}
	snprintf(key, sizeof(key), "%016llx", (unsigned long long)h);
	initrd_ok = !force && old && !strcmp(json_str(old, "initramfs_key"), key) &&
		    access(img->initrd, R_OK) == 0;
	if (!initrd_ok) {
		const char *argv[] = {"sh", builder, img->initrd, init, dir, have_gs ? gs : NULL,
				      NULL};
		double t0 = now_s();

		if (!have_gs)
			fprintf(stderr,
				"[vm build] warning: no zf-guest-stress at '%s' (build the "
				"zf-guest-stress target): the guest runs stress-ng only\n",
				gs);
		if (verbose)
			fprintf(stderr, "[vm build] initramfs (busybox %s, stress-ng %s)\n", bbver,
				sngver);
		if (run_capture(argv, NULL, NULL)) {
			snprintf(err, errlen, "%s failed", builder);
			cJSON_Delete(old);
			return -1;
		}
		if (verbose)
			fprintf(stderr, "[vm build] initramfs built in %.2f s\n", now_s() - t0);
	}
	cJSON_Delete(old);

	man = cJSON_CreateObject();
	cJSON_AddStringToObject(man, "kernel_package", kpkg);
	cJSON_AddStringToObject(man, "kernel_version", kver);
	cJSON_AddStringToObject(man, "kernel_release", release);
	if (kernel_file)
		cJSON_AddStringToObject(man, "kernel_file", kernel_file);
	cJSON_AddStringToObject(man, "busybox_static_version", bbver);
	cJSON_AddStringToObject(man, "stress_ng_version", sngver);
	cJSON_AddStringToObject(man, "guest_stress", have_gs ? gs : "");
	cJSON_AddStringToObject(man, "initramfs_key", key);
	img->manifest_json = cJSON_Print(man);
	cJSON_Delete(man);
	if (!img->manifest_json ||
	    zf_write_file(img->manifest_path, img->manifest_json, strlen(img->manifest_json))) {
		snprintf(err, errlen, "cannot write %s", img->manifest_path);
		return -1;
	}
	snprintf(img->kernel_release, sizeof(img->kernel_release), "%s", release);
	if (verbose)
		fprintf(stderr, "[vm build] %s: kernel %s %s (%s)%s, initramfs %s%s\n", cache, kpkg,
			kver, release, kernel_ok ? " cached" : "", key, initrd_ok ? " cached" : "");
	return 0;
}

/* ------------------------------------------------------------------ */
/* vm run                                                              */
/* ------------------------------------------------------------------ */

struct vm_opts {
	const char *profile;
	const char *profiles; /* campaign */
	const char *kernel;
	const char *out;
	const char *cache;
	const char *accel; /* auto|kvm|tcg */
	int64_t mem_mb;    /* 0: the profile's */
	int smp;
	int64_t time_s;
	int64_t limit_s;
	bool no_build;
	bool quiet;
	bool force;
};

/*
 * KVM only where it can run a guest: the device opens read-write, answers
 * KVM_GET_API_VERSION with 12 (so /dev/null or a stale node does not pass),
 * and the CPU advertises VMX/SVM. (A nested sandbox may let KVM_CREATE_VM
 * succeed and still never run a vCPU; the first-output watchdog below
 * catches what this test misses.)
 */
bool zf_vm_kvm_usable(const char *dev, const char *cpuinfo_path, char *why, size_t whylen)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	int api;
	char *cpuinfo;
	bool virt;

	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", dev, strerror(errno));
		return false;
	}
	api = ioctl(fd, ZF_KVM_GET_API_VERSION, 0);
	close(fd);
	if (api != 12) {
		snprintf(why, whylen, "%s: not a KVM device (KVM_GET_API_VERSION: %d)", dev, api);
		return false;
	}
	cpuinfo = zf_read_file(cpuinfo_path, NULL);
	virt = cpuinfo && (strstr(cpuinfo, " vmx") || strstr(cpuinfo, " svm"));
	free(cpuinfo);
	if (!virt) {
		snprintf(why, whylen, "%s: the CPU advertises neither vmx nor svm", cpuinfo_path);
		return false;
	}
	snprintf(why, whylen, "%s usable", dev);
	return true;
}

/* The paths the runner probes; the environment points them elsewhere for tests. */
static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_size;
}

/* Kill the whole process group, give it 5 s to go, then SIGKILL; always reap. */
static void kill_group_and_reap(pid_t pid, int *status)
{
	double t0 = now_s();

	kill(-pid, SIGTERM);
	while (now_s() - t0 < 5) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid) {
			kill(-pid, SIGKILL); /* anything else left in the group */
			return;
		}
		{
			struct timespec ts = {0, 100 * 1000 * 1000};

			nanosleep(&ts, NULL);
		}
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

enum qemu_end {
	QEMU_EXITED = 0,
	QEMU_TIMEOUT,
	QEMU_INTERRUPTED,
	QEMU_NO_OUTPUT,
	QEMU_SPAWN_FAILED
};

/*
 * Run QEMU with argv until it exits, the limit passes, a termination
 * signal arrives, or (no_output_s > 0) the console stays empty that long.
 * The caller has blocked the signals in *wait_set.
 */
static enum qemu_end run_qemu(const char *const *argv, const char *log_path,
			      const char *console_path, const char *tty_path,
			      const sigset_t *wait_set, const sigset_t *old_mask, double limit_s,
			      double no_output_s, bool quiet, int *status, double *first_output)
{
	pid_t parent = getpid(), pid;
	double t0 = now_s();
	off_t tty_seen = 0;
	enum qemu_end end = QEMU_EXITED;

	*first_output = -1;
	pid = fork();
	if (pid < 0)
		return QEMU_SPAWN_FAILED;
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		setpgid(0, 0);
		/* die with the runner, even if it is SIGKILLed */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, old_mask, NULL);
		if (in >= 0)
			dup2(in, 0);
		if (log >= 0) {
			dup2(log, 1);
			dup2(log, 2);
		}
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid); /* also here: no window where a kill(-pid) misses it */

	for (;;) {
		siginfo_t si;
		struct timespec ts = {0, 250 * 1000 * 1000};
		int sig = sigtimedwait(wait_set, &si, &ts);
		double el = now_s() - t0;
		pid_t r;

		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			if (!quiet)
				fprintf(stderr, "\n[vm] %s: stopping the guest\n", strsignal(sig));
			kill_group_and_reap(pid, status);
			return QEMU_INTERRUPTED;
		}
		if (*first_output < 0 && file_size(console_path) > 0)
			*first_output = el;
		/* progress: the sections as they arrive on ttyS1 */
		if (!quiet) {
			off_t sz = file_size(tty_path);

			if (sz > tty_seen) {
				size_t len;
				char *t = zf_read_file(tty_path, &len);

				for (char *p = t ? t + tty_seen : NULL; p && *p;) {
					char *eol = strchr(p, '\n');

					if (!eol)
						break;
					if (!strncmp(p, "=== ZF-SECTION ", 15))
						fprintf(stderr, " %.*s", (int)(eol - p - 15),
							p + 15);
					tty_seen = (off_t)(eol + 1 - t);
					p = eol + 1;
				}
				free(t);
			}
		}
		r = waitpid(pid, status, WNOHANG);
		if (r == pid) {
			kill(-pid, SIGKILL); /* nothing of the group may outlive it */
			break;
		}
		if (no_output_s > 0 && *first_output < 0 && el > no_output_s) {
			end = QEMU_NO_OUTPUT;
			kill_group_and_reap(pid, status);
			return end;
		}
		if (el > limit_s) {
			if (!quiet)
				fprintf(stderr, "\n[vm] wall-clock limit of %.0f s reached\n",
					limit_s);
			kill_group_and_reap(pid, status);
			return QEMU_TIMEOUT;
		}
	}
	if (!quiet)
		fprintf(stderr, "\n");
	return end;
}

/* argv builder (strings live in a pool) */
struct argv_buf {
	const char *v[VM_MAX_ARGS];
	int n;
	char pool[8192];
	size_t used;
};

static void av_add(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void av_add(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (a->n >= VM_MAX_ARGS - 1)
		return;
	va_start(ap, fmt);
	len = vsnprintf(a->pool + a->used, sizeof(a->pool) - a->used, fmt, ap);
	va_end(ap);
	if (len < 0 || a->used + (size_t)len + 1 > sizeof(a->pool))
		return;
	a->v[a->n++] = a->pool + a->used;
	a->v[a->n] = NULL;
	a->used += (size_t)len + 1;
}

static int vm_run_one(const struct vm_opts *o, const char *profile_name, const char *out_dir,
		      struct zf_vm_summary *sum, bool *interrupted)
{
	struct zf_vm_profile prof;
	struct vm_image img;
	struct zf_vm_run_info ri;
	struct argv_buf av;
	char err[1024], cmdline[1024], swap[700], log_path[700], con_path[700], tty_path[700];
	char qemu[512];
	sigset_t wait_set, old_mask;
	int status = 0, rc;
	double t0, first_output = -1;
	/* how long an automatically chosen KVM guest may stay silent (ZF_VM_KVM_SILENT_S: tests) */
	double silent_s = atof(env_or("ZF_VM_KVM_SILENT_S", "30"));
	enum qemu_end end;
	bool use_kvm;
	size_t off;

	memset(sum, 0, sizeof(*sum));
	memset(&ri, 0, sizeof(ri));
	if (silent_s <= 0)
		silent_s = 30;
	snprintf(sum->profile, sizeof(sum->profile), "%s", profile_name);
	snprintf(sum->status, sizeof(sum->status), "error");
	if (zf_vm_profile_load(NULL, profile_name, &prof, err, sizeof(err))) {
		fprintf(stderr, "zonefuzz vm: %s\n", err);
		return ZF_VM_EXIT_USAGE;
	}
	if (o->mem_mb)
		prof.mem_mb = (uint64_t)o->mem_mb;
	if (o->smp)
		prof.smp = (unsigned int)o->smp;
	if (o->time_s)
		prof.time_s = (unsigned int)o->time_s;
	/* ZF_VM_QEMU: another QEMU binary (or a stand-in: tests/stress/vm_teardown.sh) */
	if (getenv("ZF_VM_QEMU") && *getenv("ZF_VM_QEMU")) {
		snprintf(qemu, sizeof(qemu), "%s", getenv("ZF_VM_QEMU"));
		if (access(qemu, X_OK)) {
			fprintf(stderr, "zonefuzz vm: ZF_VM_QEMU=%s is not executable\n", qemu);
			return ZF_VM_EXIT_FAILED;
		}
	} else {
		if (check_host(true, !o->no_build, false, err, sizeof(err))) {
			fprintf(stderr, "zonefuzz vm: %s\n", err);
			return ZF_VM_EXIT_FAILED;
		}
		which("qemu-system-x86_64", qemu, sizeof(qemu));
	}

	/* the image: built if missing or stale (unless --no-build) */
	if (o->no_build) {
		memset(&img, 0, sizeof(img));
		snprintf(img.vmlinuz, sizeof(img.vmlinuz), "%s/vmlinuz", o->cache);
		snprintf(img.initrd, sizeof(img.initrd), "%s/initramfs.cpio.gz", o->cache);
		snprintf(img.manifest_path, sizeof(img.manifest_path), "%s/manifest.json",
			 o->cache);
		img.manifest_json = zf_read_file(img.manifest_path, NULL);
		if (access(img.vmlinuz, R_OK) || access(img.initrd, R_OK)) {
			fprintf(stderr,
				"zonefuzz vm: no guest image in %s (run 'zonefuzz vm build')\n",
				o->cache);
			free(img.manifest_json);
			return ZF_VM_EXIT_FAILED;
		}
	} else if (vm_build(o->cache, o->kernel, o->force, !o->quiet, &img, err, sizeof(err))) {
		fprintf(stderr, "zonefuzz vm build: %s\n", err);
		return ZF_VM_EXIT_FAILED;
	}
	if (o->kernel && o->no_build)
		snprintf(img.vmlinuz, sizeof(img.vmlinuz), "%s", o->kernel);

	if (zf_mkdir_p(out_dir, 0755)) {
		fprintf(stderr, "zonefuzz vm: cannot create %s\n", out_dir);
		free(img.manifest_json);
		return ZF_VM_EXIT_FAILED;
	}
	snprintf(log_path, sizeof(log_path), "%s/qemu.log", out_dir);
	snprintf(con_path, sizeof(con_path), "%s/console.log", out_dir);
	snprintf(tty_path, sizeof(tty_path), "%s/ttyS1.out", out_dir);
	snprintf(swap, sizeof(swap), "%s/swap.img", out_dir);
	/* the profile job file travels with the bundle */
	{
		char dst[800];

		snprintf(dst, sizeof(dst), "%s/profile.job", out_dir);
		copy_file(prof.path, dst);
	}

	/* kernel command line: settings for /init as zf_*= keys (no blanks inside values) */
	off = (size_t)snprintf(cmdline, sizeof(cmdline),
			       "console=ttyS0 panic=-1 oops=panic zf_profile=%s zf_time=%u",
			       prof.name, prof.time_s);
	if (prof.swap_mb)
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, " zf_swap=1");
	if (prof.thp[0])
		off +=
		    (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, " zf_thp=%s", prof.thp);
	if (prof.defrag[0])
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, " zf_defrag=%s",
					prof.defrag);
	if (prof.model[0])
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, " zf_model=%s",
					prof.model);
	if (prof.fragment_mb)
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, " zf_fragment=%llu",
					(unsigned long long)prof.fragment_mb);
	for (unsigned int i = 0; i < prof.nr_sysctl; i++)
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, "%s%s",
					i ? "," : " zf_sysctl=", prof.sysctl[i]);
	if (prof.append[0])
		off += (size_t)snprintf(cmdline + off, sizeof(cmdline) - off, " %s", prof.append);
	if (off >= sizeof(cmdline)) {
		fprintf(stderr, "zonefuzz vm: kernel command line too long\n");
		free(img.manifest_json);
		return ZF_VM_EXIT_USAGE;
	}

	if (prof.swap_mb) {
		int fd = open(swap, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || ftruncate(fd, (off_t)(prof.swap_mb << 20))) {
			fprintf(stderr, "zonefuzz vm: cannot create %s\n", swap);
			if (fd >= 0)
				close(fd);
			free(img.manifest_json);
			return ZF_VM_EXIT_FAILED;
		}
		close(fd);
	}

	if (o->accel && !strcmp(o->accel, "kvm")) {
		use_kvm = true;
		snprintf(ri.accel_why, sizeof(ri.accel_why), "--accel kvm");
	} else if (o->accel && !strcmp(o->accel, "tcg")) {
		use_kvm = false;
		snprintf(ri.accel_why, sizeof(ri.accel_why), "--accel tcg");
	} else {
		use_kvm = zf_vm_kvm_usable(env_or("ZF_VM_KVM_DEV", "/dev/kvm"),
					   env_or("ZF_VM_CPUINFO", "/proc/cpuinfo"), ri.accel_why,
					   sizeof(ri.accel_why));
	}
	ri.profile = &prof;
	snprintf(ri.out_dir, sizeof(ri.out_dir), "%s", out_dir);
	ri.mem_mb = prof.mem_mb;
	ri.smp = prof.smp;
	ri.time_s = prof.time_s;
	/* boot (3 s) + poweroff + snapshots under TCG, and the slower bigger guests */
	ri.limit_s = (unsigned int)(o->limit_s ? o->limit_s
					       : prof.time_s +
						     (prof.boot_margin_s
							  ? prof.boot_margin_s
							  : 60 + (unsigned int)(prof.mem_mb / 32)));
	snprintf(ri.kernel_path, sizeof(ri.kernel_path), "%s", img.vmlinuz);
	snprintf(ri.initrd_path, sizeof(ri.initrd_path), "%s", img.initrd);
	snprintf(ri.kernel_cmdline, sizeof(ri.kernel_cmdline), "%s", cmdline);
	ri.manifest_json = img.manifest_json;

	sigemptyset(&wait_set);
	sigaddset(&wait_set, SIGINT);
	sigaddset(&wait_set, SIGTERM);
	sigaddset(&wait_set, SIGHUP);
	sigaddset(&wait_set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &wait_set, &old_mask);

	t0 = now_s();
	for (int attempt = 0; attempt < 2; attempt++) {
		memset(&av, 0, sizeof(av));
		av_add(&av, "%s", qemu);
		if (use_kvm) {
			av_add(&av, "-accel");
			av_add(&av, "kvm");
			av_add(&av, "-cpu");
			av_add(&av, "host");
		} else {
			av_add(&av, "-accel");
			av_add(&av, prof.smp > 1 ? "tcg,thread=multi" : "tcg");
		}
		snprintf(ri.accel, sizeof(ri.accel), "%s", use_kvm ? "kvm" : "tcg");
		av_add(&av, "-m");
		if (prof.dimm_mb)
			av_add(&av, "%llu,slots=2,maxmem=%lluM", (unsigned long long)prof.mem_mb,
			       (unsigned long long)(prof.mem_mb + prof.dimm_mb * 2));
		else
			av_add(&av, "%llu", (unsigned long long)prof.mem_mb);
		av_add(&av, "-smp");
		av_add(&av, "%u", prof.smp);
		if (prof.dimm_mb) {
			av_add(&av, "-object");
			av_add(&av, "memory-backend-ram,id=hp1,size=%lluM",
			       (unsigned long long)prof.dimm_mb);
			av_add(&av, "-device");
			av_add(&av, "pc-dimm,id=dimm1,memdev=hp1");
		}
		av_add(&av, "-display");
		av_add(&av, "none");
		av_add(&av, "-nodefaults");
		av_add(&av, "-no-reboot");
		av_add(&av, "-nic");
		av_add(&av, "none");
		av_add(&av, "-kernel");
		av_add(&av, "%s", img.vmlinuz);
		av_add(&av, "-initrd");
		av_add(&av, "%s", img.initrd);
		av_add(&av, "-append");
		av_add(&av, "%s", cmdline);
		av_add(&av, "-serial");
		av_add(&av, "file:%s", con_path);
		av_add(&av, "-serial");
		av_add(&av, "file:%s", tty_path);
		if (prof.swap_mb) {
			av_add(&av, "-drive");
			av_add(&av, "file=%s,if=none,id=swap0,format=raw", swap);
			av_add(&av, "-device");
			av_add(&av, "nvme,drive=swap0,serial=zfswap0");
		}
		if (!o->quiet)
			fprintf(stderr, "[vm] %s: %s, %llu MiB, %u cpu%s, %u s (limit %u s) ->",
				prof.name, use_kvm ? "kvm" : "tcg", (unsigned long long)prof.mem_mb,
				prof.smp, prof.smp > 1 ? "s" : "", prof.time_s, ri.limit_s);
		end = run_qemu(av.v, log_path, con_path, tty_path, &wait_set, &old_mask,
			       (double)ri.limit_s,
			       use_kvm && !(o->accel && !strcmp(o->accel, "kvm")) ? silent_s : 0,
			       o->quiet, &status, &first_output);
		if (end == QEMU_NO_OUTPUT) {
			if (!o->quiet)
				fprintf(stderr,
					"\n[vm] KVM guest silent for %.0f s: retrying with TCG\n",
					silent_s);
			use_kvm = false;
			ri.kvm_fallback = true;
			snprintf(ri.accel_why, sizeof(ri.accel_why),
				 "KVM looked usable, but the guest printed nothing for %.0f s",
				 silent_s);
			continue;
		}
		break;
	}
	ri.wall_s = now_s() - t0;
	ri.first_output_s = first_output;
	ri.qemu_argv = av.v;
	ri.timed_out = end == QEMU_TIMEOUT;
	ri.interrupted = end == QEMU_INTERRUPTED;
	ri.qemu_exit = end == QEMU_SPAWN_FAILED ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	ri.qemu_signal = end != QEMU_SPAWN_FAILED && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	/* the blocked signals that arrived meanwhile (SIGCHLD of helpers) are dropped */
	{
		struct timespec zero = {0, 0};
		siginfo_t si;

		while (sigtimedwait(&wait_set, &si, &zero) > 0)
			if (si.si_signo != SIGCHLD)
				ri.interrupted = true;
	}
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (prof.swap_mb)
		unlink(swap); /* sparse, but big: the bundle keeps only results */

	rc = zf_vm_write_bundle(&ri, sum);
	free(img.manifest_json);
	*interrupted = ri.interrupted;
	if (rc) {
		fprintf(stderr, "zonefuzz vm: cannot write the bundle in %s\n", out_dir);
		return ZF_VM_EXIT_FAILED;
	}
	if (!o->quiet)
		fprintf(
		    stderr,
		    "[vm] %s: %s in %.1f s (guest /init at %.2f s), stress-ng rc %d, oom_kill "
		    "%lld, allocstall %lld, compact_stall %lld, compact_success %lld, findings %zu "
		    "(%zu info) -> %s/bundle.json\n",
		    prof.name, sum->status, sum->wall_s, sum->boot_s, sum->stress_rc,
		    (long long)sum->oom_kill, (long long)sum->allocstall,
		    (long long)sum->compact_stall, (long long)sum->compact_success, sum->findings,
		    sum->findings_info, out_dir);
	if (strcmp(sum->status, "ok"))
		return ZF_VM_EXIT_FAILED;
	/* info findings record that a rule held (an allowed OOM kill): not a failure */
	return sum->findings > sum->findings_info ? ZF_VM_EXIT_FINDING : ZF_VM_EXIT_CLEAN;
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

static void vm_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: zonefuzz vm build [--kernel FILE] [--cache DIR] [--force]\n"
	    "       zonefuzz vm run --profile P [--kernel FILE] [--mem M] [--smp N] [--time D]\n"
	    "                       [--out DIR] [--accel auto|kvm|tcg] [--limit S] [--cache DIR]\n"
	    "                       [--no-build] [--quiet]\n"
	    "       zonefuzz vm campaign --profiles a,b,c [run options; --out is the parent dir]\n"
	    "       zonefuzz vm profiles\n"
	    "Profiles live in %s (stress-ng job files with '#@ key: value' guest settings).\n"
	    "Exit: 0 clean, 1 a finding, 2 usage, 3 a VM or build failure.\n",
	    zf_vm_profiles_dir());
}

static int parse_opts(int argc, char **argv, struct vm_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cache = default_cache();
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

#define NEED_ARG()                                                                                 \
	do {                                                                                       \
		if (!v) {                                                                          \
			fprintf(stderr, "zonefuzz vm: %s needs a value\n", a);                     \
			return -1;                                                                 \
		}                                                                                  \
		i++;                                                                               \
	} while (0)
		if (!strcmp(a, "--profile")) {
			NEED_ARG();
			o->profile = v;
		} else if (!strcmp(a, "--profiles")) {
			NEED_ARG();
			o->profiles = v;
		} else if (!strcmp(a, "--kernel")) {
			NEED_ARG();
			o->kernel = v;
		} else if (!strcmp(a, "--out")) {
			NEED_ARG();
			o->out = v;
		} else if (!strcmp(a, "--cache")) {
			NEED_ARG();
			o->cache = v;
		} else if (!strcmp(a, "--accel")) {
			NEED_ARG();
			if (strcmp(v, "auto") && strcmp(v, "kvm") && strcmp(v, "tcg")) {
				fprintf(stderr, "zonefuzz vm: --accel auto|kvm|tcg\n");
				return -1;
			}
			o->accel = v;
		} else if (!strcmp(a, "--mem")) {
			NEED_ARG();
			if ((o->mem_mb = zf_vm_parse_size_mb(v)) < 64) {
				fprintf(stderr, "zonefuzz vm: --mem '%s' (e.g. 256M, 1G)\n", v);
				return -1;
			}
		} else if (!strcmp(a, "--smp")) {
			NEED_ARG();
			o->smp = atoi(v);
			if (o->smp < 1 || o->smp > 64) {
				fprintf(stderr, "zonefuzz vm: --smp '%s' (1..64)\n", v);
				return -1;
			}
		} else if (!strcmp(a, "--time")) {
			NEED_ARG();
			if ((o->time_s = zf_vm_parse_duration_s(v)) < 1) {
				fprintf(stderr, "zonefuzz vm: --time '%s' (e.g. 10, 10s, 2m)\n", v);
				return -1;
			}
		} else if (!strcmp(a, "--limit")) {
			NEED_ARG();
			if ((o->limit_s = zf_vm_parse_duration_s(v)) < 1) {
				fprintf(stderr, "zonefuzz vm: --limit '%s'\n", v);
				return -1;
			}
		} else if (!strcmp(a, "--no-build")) {
			o->no_build = true;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o->quiet = true;
		} else if (!strcmp(a, "--force")) {
			o->force = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			vm_usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "zonefuzz vm: unknown option '%s'\n", a);
			return -1;
		}
#undef NEED_ARG
	}
	return 0;
}

static void default_out(const char *parent, const char *profile, char *out, size_t n)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	snprintf(out, n, "%s/%s-%s", parent, profile, stamp);
}

static int cmd_profiles(void)
{
	DIR *d = opendir(zf_vm_profiles_dir());
	struct dirent *de;

	if (!d) {
		fprintf(stderr, "zonefuzz vm: no profile directory %s\n", zf_vm_profiles_dir());
		return ZF_VM_EXIT_FAILED;
	}
	while ((de = readdir(d))) {
		char name[64], err[256];
		struct zf_vm_profile p;
		size_t n = strlen(de->d_name);

		if (n < 5 || n - 4 >= sizeof(name) || strcmp(de->d_name + n - 4, ".job"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n - 4), de->d_name);
		if (zf_vm_profile_load(NULL, name, &p, err, sizeof(err)))
			printf("%-12s (bad: %s)\n", name, err);
		else
			printf("%-12s %5llu MiB %2u cpu %4u s  %s\n", name,
			       (unsigned long long)p.mem_mb, p.smp, p.time_s, p.description);
	}
	closedir(d);
	return 0;
}

int zf_cmd_vm(int argc, char **argv)
{
	struct vm_opts o;
	const char *verb;

	if (argc > 0 && !strcmp(argv[0], "vm")) {
		argc--;
		argv++;
	}
	if (argc < 1) {
		vm_usage(stderr);
		return ZF_VM_EXIT_USAGE;
	}
	verb = argv[0];
	if (!strcmp(verb, "-h") || !strcmp(verb, "--help") || !strcmp(verb, "help")) {
		vm_usage(stdout);
		return 0;
	}
	if (parse_opts(argc - 1, argv + 1, &o)) {
		vm_usage(stderr);
		return ZF_VM_EXIT_USAGE;
	}
	/* stdout is a pipe or file in CI: keep the progress lines in order */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(verb, "profiles"))
		return cmd_profiles();
	if (!strcmp(verb, "build")) {
		struct vm_image img;
		char err[1024];
		double t0 = now_s();

		if (vm_build(o.cache, o.kernel, o.force, true, &img, err, sizeof(err))) {
			fprintf(stderr, "zonefuzz vm build: %s\n", err);
			return ZF_VM_EXIT_FAILED;
		}
		printf("vmlinuz %s\ninitramfs %s\nmanifest %s\nbuild_s %.2f\n", img.vmlinuz,
		       img.initrd, img.manifest_path, now_s() - t0);
		free(img.manifest_json);
		return 0;
	}
	if (!strcmp(verb, "run")) {
		char out[600];
		struct zf_vm_summary sum;
		bool intr = false;

		if (!o.profile) {
			fprintf(stderr, "zonefuzz vm run: --profile P is required\n");
			return ZF_VM_EXIT_USAGE;
		}
		if (o.out)
			snprintf(out, sizeof(out), "%s", o.out);
		else
			default_out("out/vm/runs", o.profile, out, sizeof(out));
		return vm_run_one(&o, o.profile, out, &sum, &intr);
	}
	if (!strcmp(verb, "campaign")) {
		char list[512], parent[600], *save = NULL, *p;
		struct zf_vm_summary sums[32];
		int n = 0, total = 0, worst = 0;
		bool intr = false;

		if (!o.profiles) {
			fprintf(stderr, "zonefuzz vm campaign: --profiles a,b,c is required\n");
			return ZF_VM_EXIT_USAGE;
		}
		snprintf(list, sizeof(list), "%s", o.profiles);
		for (const char *c = list; *c; c++)
			total += *c == ',';
		total++;
		if (o.out)
			snprintf(parent, sizeof(parent), "%s", o.out);
		else
			default_out("out/vm/campaigns", "campaign", parent, sizeof(parent));
		for (p = strtok_r(list, ",", &save); p && n < 32 && !intr;
		     p = strtok_r(NULL, ",", &save)) {
			char out[700];
			int rc;

			printf("[%d/%d] %s\n", n + 1, total, p);
			snprintf(out, sizeof(out), "%s/%s", parent, p);
			/* the image is built (or found current) once, by the first run */
			rc = vm_run_one(&o, p, out, &sums[n], &intr);
			if (n == 0 && rc != ZF_VM_EXIT_USAGE)
				o.no_build = true;
			if (rc > worst)
				worst = rc;
			n++;
		}
		printf("\n%-12s %-12s %7s %6s %4s %8s %10s %13s %15s %9s %8s  %s\n", "profile",
		       "status", "wall_s", "boot_s", "rc", "oom_kill", "allocstall",
		       "compact_stall", "compact_success", "pgmigrate", "findings", "first OOM");
		for (int i = 0; i < n; i++)
			printf(
			    "%-12s %-12s %7.1f %6.2f %4d %8lld %10lld %13lld %15lld %9lld %8zu  %s\n",
			    sums[i].profile, sums[i].status, sums[i].wall_s, sums[i].boot_s,
			    sums[i].stress_rc, (long long)sums[i].oom_kill,
			    (long long)sums[i].allocstall, (long long)sums[i].compact_stall,
			    (long long)sums[i].compact_success,
			    (long long)sums[i].pgmigrate_success, sums[i].findings,
			    sums[i].first_oom[0] ? sums[i].first_oom : "-");
		printf("bundles in %s\n", parent);
		return intr ? ZF_VM_EXIT_FAILED : worst;
	}
	fprintf(stderr, "zonefuzz vm: unknown command '%s'\n", verb);
	vm_usage(stderr);
	return ZF_VM_EXIT_USAGE;
}
