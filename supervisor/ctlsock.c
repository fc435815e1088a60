/*
 * ctlsock.c: see ctlsock.h.
 */
#include "ctlsock.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "sockdir.h"
#include "util.h"

static int group_lookup(const char *group, gid_t *gid)
{
	struct group *gr;
	char *end;
	unsigned long n;

	if (!group || !*group) {
		*gid = getegid();
		return 0;
	}
	errno = 0;
	gr = getgrnam(group);
	if (gr) {
		*gid = gr->gr_gid;
		return 0;
	}
	n = strtoul(group, &end, 10);
	if (*end == '\0' && group[0] >= '0' && group[0] <= '9') {
		*gid = (gid_t)n;
		return 0;
	}
	log_critical("unknown socket_group '%s'", group);
	return -1;
}

/*
 * An existing socket directory must pass sockdir's rule: the user's
 * default one is theirs alone and no link; any other is not writable by
 * everyone unless sticky (as /tmp).  Whoever could write there could
 * replace our socket under the clients' feet.
 */
static int dir_is_ours(const char *path)
{
	struct why why;

	if (sockdir_check(path, sockdir_is_user_default(path, NULL), &why) == 0)
		return 0;
	log_critical("%s", why.msg);
	return -1;
}

/* Creates the socket's directory when missing: 0750, group gid. */
static int dir_prepare(const char *path, gid_t gid)
{
	char *dir = path_dir(path);
	int ret = -1;

	if (!dir)
		return log_errno(LOG_LVL_CRITICAL, "cannot create the socket directory");
	if (mkdir(dir, 0750) < 0) {
		if (errno == EEXIST)
			ret = dir_is_ours(path);
		else
			log_errno(LOG_LVL_CRITICAL, "cannot create '%s'", dir);
		goto out_free;
	}
	/* mkdir's mode went through the umask. */
	if (chown(dir, (uid_t)-1, gid) < 0 || chmod(dir, 0750) < 0) {
		log_errno(LOG_LVL_CRITICAL, "cannot set the group and mode of '%s'", dir);
		goto out_free;
	}
	log_info("created the socket directory '%s'", dir);
	ret = 0;
out_free:
	free(dir);
	return ret;
}

/*
 * Something is at path already: a live igor (refuse), a socket nobody
 * listens on (a stale one: remove it), or not a socket (refuse: it is not
 * ours to delete).  Returns 0 when path is free now.
 */
static int stale_remove(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, ret;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : log_errno(LOG_LVL_CRITICAL, "cannot stat '%s'", path);
	if (!S_ISSOCK(st.st_mode)) {
		log_critical("cannot listen on '%s': it exists and is not a socket", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return log_errno(LOG_LVL_CRITICAL, "cannot create a socket");
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (ret == 0 || errno == EAGAIN) {
		log_critical("cannot listen on '%s': another igor is running there",
			     path);
		return -1;
	}
	if (errno != ECONNREFUSED)
		return log_errno(LOG_LVL_CRITICAL, "cannot check '%s'", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return log_errno(LOG_LVL_CRITICAL, "cannot remove the stale socket '%s'", path);
	log_info("replaced the stale socket '%s'", path);
	return 0;
}

/* Binds with mode 0660 from the start: no moment where others may connect. */
static int bind_0660(int fd, const struct sockaddr_un *sa)
{
	mode_t old = umask(0117);
	int ret = bind(fd, (const struct sockaddr *)sa, sizeof(*sa));

	umask(old);
	return ret;
}

static int bind_or_replace(int fd, const char *path,
			   const struct sockaddr_un *sa)
{
	if (bind_0660(fd, sa) == 0)
		return 0;
	if (errno != EADDRINUSE)
		return log_errno(LOG_LVL_CRITICAL, "cannot bind '%s'", path);
	if (stale_remove(path, sa) < 0)
		return -1;
	if (bind_0660(fd, sa) < 0)
		return log_errno(LOG_LVL_CRITICAL, "cannot bind '%s'", path);
	return 0;
}

static int socket_listen(const char *path, gid_t gid, int backlog,
			 struct ctlsock_id *id)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_critical("socket path '%s' is too long (at most %zu bytes)",
			     path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return log_errno(LOG_LVL_CRITICAL, "cannot create a socket");
	if (bind_or_replace(fd, path, &sa) < 0)
		goto out_close;
	if (chown(path, (uid_t)-1, gid) < 0 || chmod(path, 0660) < 0 ||
	    stat(path, &st) < 0) {
		log_errno(LOG_LVL_CRITICAL, "cannot set the group and mode of '%s'", path);
		goto out_unlink;
	}
	if (listen(fd, backlog) < 0) {
		log_errno(LOG_LVL_CRITICAL, "cannot listen on '%s'", path);
		goto out_unlink;
	}
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return fd;
out_unlink:
	unlink(path);
out_close:
	return safe_close(fd);
}

/*
 * Two igors starting at once on one path: without a lock, the second could
 * take the first's socket for stale between its bind and its listen, and
 * remove it.  An exclusive flock on the directory, held from the look to
 * the listen, orders them; the second then finds a live igor.
 */
static int lock_dir(const char *path)
{
	char *dir = path_dir(path);
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (fd >= 0 && flock(fd, LOCK_EX) < 0)
		fd = safe_close(fd);
	if (fd < 0)
		log_errno(LOG_LVL_CRITICAL, "cannot lock '%s'", dir ? dir : path);
	free(dir);
	return fd;
}

int ctlsock_listen(const char *path, const char *group, int backlog,
		   struct ctlsock_id *id)
{
	gid_t gid;
	int lock, fd;

	if (group_lookup(group, &gid) < 0 || dir_prepare(path, gid) < 0)
		return -1;
	lock = lock_dir(path);
	if (lock < 0)
		return -1;
	fd = socket_listen(path, gid, backlog, id);
	safe_close(lock); /* closing releases the lock */
	return fd;
}

void ctlsock_unlink(const char *path, const struct ctlsock_id *id)
{
	struct stat st;

	if (lstat(path, &st) == 0 && st.st_dev == id->dev &&
	    st.st_ino == id->ino)
		unlink(path);
}

