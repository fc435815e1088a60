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

#include "ids.h"
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

/* Looks a user up by name, else by number. */
static struct passwd *find_user(const char *name)
{
	struct passwd *pw = getpwnam(name);
	id_t uid;

	if (pw || ids_parse(name, &uid) < 0)
		return pw;
	return getpwuid((uid_t)uid);
}

static struct group *find_group(const char *name)
{
	struct group *gr = getgrnam(name);
	id_t gid;

	if (gr || ids_parse(name, &gid) < 0)
		return gr;
	return getgrgid((gid_t)gid);
}

/* The credentials a worker drops to. */
struct ids {
	uid_t uid;          /* when user: is set */
	gid_t gid;
	const char *member; /* the passwd name whose groups are kept, or NULL */
};

/*
 * user: and group: to ids.  A numeric id needs no passwd or group entry;
 * a user without one has no primary group, so group: must give it, and
 * no supplementary groups but that one.
 */
static int resolve_ids(const char *user, const char *group, struct ids *ids,
		       struct why *why)
{
	struct passwd *pw = user ? find_user(user) : NULL;
	struct group *gr = group ? find_group(group) : NULL;
	id_t id;

	ids->member = pw ? pw->pw_name : NULL;
	ids->gid = pw ? pw->pw_gid : getgid();
	if (pw)
		ids->uid = pw->pw_uid;
	else if (user && ids_parse(user, &id) == 0)
		ids->uid = (uid_t)id;
	else if (user)
		return why_set(why, ENOENT, "unknown user '%s'", user);
	if (user && !pw && !group)
		return why_set(why, ENOENT,
			       "user '%s' has no passwd entry: set 'group' too",
			       user);
	if (gr)
		ids->gid = gr->gr_gid;
	else if (group && ids_parse(group, &id) == 0)
		ids->gid = (gid_t)id;
	else if (group)
		return why_set(why, ENOENT, "unknown group '%s'", group);
	return 0;
}

/* setgroups/initgroups, setgid, setuid: the order that cannot be undone. */
static int switch_ids(const char *user, const char *group, struct why *why)
{
	struct ids ids;

	if (resolve_ids(user, group, &ids, why) < 0)
		return -1;
	if (ids.member ? initgroups(ids.member, ids.gid) < 0
		       : setgroups(1, &ids.gid) < 0)
		goto out_errno;
	if (setresgid(ids.gid, ids.gid, ids.gid) < 0)
		goto out_errno;
	if (user && setresuid(ids.uid, ids.uid, ids.uid) < 0)
		goto out_errno;
	/* A dropped worker must not be able to climb back. */
	if (user && ids.uid != 0 && setuid(0) == 0)
		return why_set(why, EPERM, "could regain root after dropping to '%s'",
			       user);
	return 0;
out_errno:
	return why_set(why, errno, "cannot drop privileges to %s '%s'%s%s%s: %s",
		       user ? "user" : "group", user ? user : group,
		       user && group ? " and group '" : "",
		       user && group ? group : "", user && group ? "'" : "",
		       strerror(errno));
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
