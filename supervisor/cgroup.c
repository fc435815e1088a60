/*
 * cgroup.c: see cgroup.h.
 */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* At igor's stop, how long the last killed processes may take to exit
 * before their leaves are given up on (SIGKILL takes milliseconds,
 * unless a process sleeps uninterruptibly). */
enum { CGROUP_STOP_WAIT_MS = 2000, CGROUP_STOP_POLL_MS = 10 };

/* A leaf's name: NAME.N, NAME at most PLUGNAME_MAX (64) bytes. */
enum { CGROUP_LEAF_MAX = 96 };

static int inst_fd = -1;       /* the instance directory */
static bool on;                /* new workers get a leaf */
static char inst_path[PATH_MAX];
static char **pending;         /* ended leaves not empty yet */
static size_t npending;
static uint64_t last_n;        /* of the last leaf made */

bool cgroup_is_on(void)
{
	return on;
}

const char *cgroup_path(void)
{
	return inst_fd >= 0 ? inst_path : "";
}

void cgroup_turn_off(void)
{
	on = false;
}

/* ---- finding igor's own cgroup ------------------------------------------- */

/* mountinfo writes a space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* The path of igor's cgroup in the v2 hierarchy: the 0:: line. */
static int own_cgroup(char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = -1;

	if (!f)
		return -1;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		ret = snprintf(out, len, "%s", line + 3) < (int)len ? 0 : -1;
		break;
	}
	free(line);
	fclose(f);
	if (ret < 0)
		errno = ENOENT;
	return ret;
}

/* One line of mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... -
 * FSTYPE SOURCE SUPEROPTS".  When it is a cgroup2 mount that holds cg,
 * dir receives cg's directory there; 0, else -1. */
static int dir_in_mount(char *line, const char *cg, char *dir, size_t len)
{
	char *f[5], *sep = strstr(line, " - "), *save = NULL, *rest;
	size_t rlen;
	int i;

	if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
		return -1;
	*sep = '\0';
	for (i = 0, rest = line; i < 5; i++, rest = NULL)
		if (!(f[i] = strtok_r(rest, " ", &save)))
			return -1;
	unescape(f[3]);
	unescape(f[4]);
	rlen = strcmp(f[3], "/") == 0 ? 0 : strlen(f[3]);
	if (strncmp(cg, f[3], rlen) != 0 || (cg[rlen] && cg[rlen] != '/'))
		return -1;
	cg += rlen;
	if (strcmp(cg, "/") == 0)
		cg = ""; /* the mount's root: no "//" in messages */
	return snprintf(dir, len, "%s%s", f[4], cg) < (int)len ? 0 : -1;
}

static int find_dir(char *dir, size_t len, struct why *why)
{
	char cg[PATH_MAX], *line = NULL;
	size_t cap = 0;
	FILE *f;
	int ret = -1;

	if (own_cgroup(cg, sizeof(cg)) < 0)
		return why_set(why, errno, "no cgroup v2 line in /proc/self/cgroup");
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return why_set(why, errno, "cannot read /proc/self/mountinfo: %s",
			       strerror(errno));
	while (ret < 0 && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		ret = dir_in_mount(line, cg, dir, len);
	}
	free(line);
	fclose(f);
	if (ret < 0)
		return why_set(why, ENOENT, "no cgroup v2 hierarchy holding '%s' is mounted",
			       cg);
	return 0;
}

/* ---- the instance directory ---------------------------------------------- */

static uint32_t nonce(void)
{
	uint32_t v;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_nsec ^ (uint32_t)getpid();
}

static int make_instance(int parent, const char *dir, struct why *why)
{
	char name[64];

	snprintf(name, sizeof(name), "igor-%d-%08" PRIx32, (int)getpid(),
		 nonce());
	if (snprintf(inst_path, sizeof(inst_path), "%s/%s", dir, name) >=
	    (int)sizeof(inst_path))
		return why_set(why, ENAMETOOLONG, "'%s' is too long a path", dir);
	if (mkdirat(parent, name, 0755) < 0)
		return why_set(why, errno, "cannot create '%s': %s", inst_path,
			       strerror(errno));
	inst_fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (inst_fd < 0) {
		why_set(why, errno, "cannot open '%s': %s", inst_path,
			strerror(errno));
		unlinkat(parent, name, AT_REMOVEDIR);
		return -1;
	}
	/* cgroup.kill came with Linux 5.14: without it a leaf cannot be
	 * ended whole, and subreapers do the job instead. */
	if (faccessat(inst_fd, "cgroup.kill", F_OK, 0) < 0) {
		why_set(why, ENOTSUP, "'%s' has no cgroup.kill (Linux 5.14)",
			inst_path);
		inst_fd = safe_close(inst_fd);
		unlinkat(parent, name, AT_REMOVEDIR);
		return -1;
	}
	return 0;
}

int cgroup_init(struct why *why)
{
	char dir[PATH_MAX];
	int parent, ret;

	if (inst_fd >= 0)
		return 0;
	if (find_dir(dir, sizeof(dir), why) < 0)
		return -1;
	parent = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0)
		return why_set(why, errno, "cannot open '%s': %s", dir,
			       strerror(errno));
	ret = make_instance(parent, dir, why);
	close(parent);
	on = ret == 0;
	return ret;
}

/* ---- leaves -------------------------------------------------------------- */

static void leaf_name(char *buf, const char *name, uint64_t n)
{
	snprintf(buf, CGROUP_LEAF_MAX, "%s.%" PRIu64, name, n);
}

int cgroup_make(const char *name, uint64_t *n, int *procs)
{
	char leaf[CGROUP_LEAF_MAX], file[CGROUP_LEAF_MAX + 16];
	int err;

	*procs = -1;
	*n = 0;
	if (!on) {
		errno = ENOTSUP;
		return -1;
	}
	leaf_name(leaf, name, ++last_n);
	snprintf(file, sizeof(file), "%s/cgroup.procs", leaf);
	if (mkdirat(inst_fd, leaf, 0755) < 0)
		return -1;
	*procs = openat(inst_fd, file, O_WRONLY | O_CLOEXEC);
	if (*procs < 0) {
		err = errno;
		unlinkat(inst_fd, leaf, AT_REMOVEDIR);
		errno = err;
		return -1;
	}
	*n = last_n;
	return 0;
}

/* SIGKILL to every process in the leaf, and to what they fork meanwhile:
 * the kernel's cgroup.kill. */
static void kill_leaf(const char *leaf)
{
	char file[CGROUP_LEAF_MAX + 16];
	int fd;

	snprintf(file, sizeof(file), "%s/cgroup.kill", leaf);
	fd = openat(inst_fd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		log_errno(LOG_LVL_ERROR, "cannot end cgroup '%s/%s'", inst_path,
			  leaf);
	close(fd);
}

/* Removes the leaf: 0 when gone, -1 when still busy. */
static int remove_leaf(const char *leaf)
{
	if (unlinkat(inst_fd, leaf, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		log_errno(LOG_LVL_WARNING, "cannot remove cgroup '%s/%s'",
			  inst_path, leaf);
	return errno == EBUSY ? -1 : 0;
}

static void add_pending(const char *leaf)
{
	char **nv = realloc(pending, (npending + 1) * sizeof(*nv));

	if (!nv || !(nv[npending] = strdup(leaf))) {
		if (nv)
			pending = nv;
		log_error("cgroup '%s/%s' stays: out of memory", inst_path, leaf);
		return;
	}
	pending = nv;
	npending++;
}

void cgroup_end(const char *name, uint64_t n)
{
	char leaf[CGROUP_LEAF_MAX];

	if (inst_fd < 0)
		return;
	leaf_name(leaf, name, n);
	kill_leaf(leaf);
	if (remove_leaf(leaf) < 0)
		add_pending(leaf);
	else
		log_debug("cgroup '%s/%s' ended", inst_path, leaf);
}

void cgroup_tidy(void)
{
	size_t i, j = 0;

	for (i = 0; i < npending; i++) {
		if (remove_leaf(pending[i]) == 0) {
			log_debug("cgroup '%s/%s' ended", inst_path, pending[i]);
			free(pending[i]);
		} else {
			pending[j++] = pending[i];
		}
	}
	npending = j;
}

void cgroup_release(void)
{
	int64_t until = now_ms() + CGROUP_STOP_WAIT_MS;
	const struct timespec poll = { 0, CGROUP_STOP_POLL_MS * 1000000L };
	bool left;
	size_t i;

	if (inst_fd < 0)
		return;
	for (;;) {
		for (i = 0; i < npending; i++)
			kill_leaf(pending[i]);
		cgroup_tidy();
		if (!npending || now_ms() >= until)
			break;
		nanosleep(&poll, NULL);
	}
	left = npending > 0;
	for (i = 0; i < npending; i++) {
		log_warning("cgroup '%s/%s' still holds processes; left in place",
			    inst_path, pending[i]);
		free(pending[i]);
	}
	free(pending);
	pending = NULL;
	npending = 0;
	if (!left && rmdir(inst_path) < 0)
		log_errno(LOG_LVL_WARNING, "cannot remove cgroup '%s'", inst_path);
	inst_fd = safe_close(inst_fd);
	on = false;
}
