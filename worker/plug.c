/*
 * plug.c: see plug.h.
 */
#include "plug.h"

#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "trust.h"

int plug_watch_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return -1;
	/* The parent may have died before the prctl: then no signal comes. */
	if (getppid() != parent) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

/* Looks a user up by name or number. */
static struct passwd *find_user(const char *name)
{
	char *end;
	unsigned long uid;
	struct passwd *pw = getpwnam(name);

	if (pw)
		return pw;
	uid = strtoul(name, &end, 10);
	if (*name && !*end)
		return getpwuid((uid_t)uid);
	return NULL;
}

static struct group *find_group(const char *name)
{
	char *end;
	unsigned long gid;
	struct group *gr = getgrnam(name);

	if (gr)
		return gr;
	gid = strtoul(name, &end, 10);
	if (*name && !*end)
		return getgrgid((gid_t)gid);
	return NULL;
}

/* setgroups/initgroups, setgid, setuid: the order that cannot be undone. */
static int switch_ids(const char *user, const char *group, struct why *why)
{
	struct passwd *pw = user ? find_user(user) : NULL;
	struct group *gr = group ? find_group(group) : NULL;
	gid_t gid;

	if (user && !pw)
		return why_set(why, ENOENT, "unknown user '%s'", user);
	if (group && !gr)
		return why_set(why, ENOENT, "unknown group '%s'", group);
	gid = gr ? gr->gr_gid : pw ? pw->pw_gid : getgid();
	if (pw ? initgroups(pw->pw_name, gid) < 0 : setgroups(1, &gid) < 0)
		goto out_errno;
	if (setresgid(gid, gid, gid) < 0)
		goto out_errno;
	if (pw && setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		goto out_errno;
	/* A dropped worker must not be able to climb back. */
	if (pw && pw->pw_uid != 0 && setuid(0) == 0)
		return why_set(why, EPERM, "could regain root after dropping to '%s'",
			       user);
	return 0;
out_errno:
	return why_set(why, errno, "cannot drop privileges to %s%s%s%s: %s",
		       user ? "user '" : "", user ? user : "", user ? "' " : "",
		       group ? "and group" : "", strerror(errno));
}

int plug_drop_privileges(const struct cfg_node *conf, pid_t parent,
			 struct why *why)
{
	const struct cfg_node *u = cfg_get(conf, "user");
	const struct cfg_node *g = cfg_get(conf, "group");
	const struct cfg_node *nnp = cfg_get(conf, "no_new_privs");
	bool no_new_privs = true;

	if (u || g) {
		if (switch_ids(u ? u->text : NULL, g ? g->text : NULL, why) < 0)
			return -1;
		/* A change of credentials clears the parent-death signal. */
		if (plug_watch_parent(parent) < 0)
			return why_set(why, ESRCH, "supervisor gone");
	}
	if (nnp)
		cfg_as_bool(nnp, &no_new_privs);
	if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return why_set(why, errno, "cannot set no_new_privs: %s",
			       strerror(errno));
	return 0;
}

/* dlerror() starts with the path; the message already names it. */
static const char *without_path(const char *msg, const char *path)
{
	size_t len = strlen(path);

	if (msg && strncmp(msg, path, len) == 0 && strncmp(msg + len, ": ", 2) == 0)
		return msg + len + 2;
	return msg ? msg : "unknown error";
}

int plug_load(const char *path, const char *symbol, igor_setup_fn **setup,
	      struct why *why)
{
	struct why distrust;
	const int *abi;
	void *h, *sym;

	/* Code that root runs must be changeable by root alone (trust.h). */
	if (trust_is_required(getppid()) && trust_check(path, &distrust) < 0)
		return why_set(why, EACCES, "cannot load plugin '%s': %s", path,
			       distrust.msg);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return why_set(why, ENOEXEC, "cannot load plugin '%s': %s", path,
			       without_path(dlerror(), path));
	sym = dlsym(h, symbol);
	if (!sym) {
		why_set(why, ENOENT, "plugin '%s' has no symbol '%s'", path,
			symbol);
		goto out_close;
	}
	abi = dlsym(h, "igor_plugin_abi");
	if (abi && *abi != IGOR_PLUGIN_ABI) {
		why_set(why, ENOEXEC,
			"plugin '%s' was built for ABI %d, this igor provides ABI %d",
			path, *abi, IGOR_PLUGIN_ABI);
		goto out_close;
	}
	*(void **)setup = sym;
	return 0;
out_close:
	dlclose(h);
	return -1;
}
