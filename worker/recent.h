/*
 * recent: what an instance's walks did lately, kept until the events they
 * may have caused have all been read: the names reported by synthetic
 * IN_CREATE (so a real IN_CREATE queued for the same entry is not
 * delivered again) and the directories scanned (so the scan's own
 * IN_OPEN, IN_ACCESS and IN_CLOSE_NOWRITE of them are not delivered).
 *
 * Every such event is queued before the walk ends: the kernel queues an
 * entry's IN_CREATE while it holds the directory's lock, which readdir
 * waits for, and the scan's own events during its own system calls.  So
 * when a walk ends, the bytes of events then waiting for the instance
 * bound the window (recent_window); once the instance has taken that many
 * (recent_take), recent_expired says so and the owner clears it.  Pure:
 * no system call.
 */
#ifndef IGOR_WORKER_RECENT_H
#define IGOR_WORKER_RECENT_H

#include <stdbool.h>
#include <stddef.h>

struct recent_name;

struct recent {
	struct recent_name **names; /* hash set of (wd, name) */
	size_t nnames, nbuckets;
	int *dirs;                  /* open addressing, 0 empty */
	size_t ndirs, dcap;
	size_t window;              /* bytes of events still to take */
};

void recent_add_name(struct recent *r, int wd, const char *name, size_t len);
bool recent_has_name(const struct recent *r, int wd, const char *name,
		     size_t len);
void recent_del_name(struct recent *r, int wd, const char *name, size_t len);
void recent_add_dir(struct recent *r, int wd);
bool recent_has_dir(const struct recent *r, int wd);
bool recent_empty(const struct recent *r);

/* A walk ended with pending bytes of events waiting. */
void recent_window(struct recent *r, size_t pending);

/* An event of bytes was taken. */
void recent_take(struct recent *r, size_t bytes);

/* Nothing it holds can be repeated any more. */
bool recent_expired(const struct recent *r);

/* Forgets everything and frees its memory. */
void recent_clear(struct recent *r);

#endif /* IGOR_WORKER_RECENT_H */
