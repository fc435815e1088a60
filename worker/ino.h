/*
 * ino: the ABI's inotify factory and instances, and their watch tables.
 *
 * Each instance owns one inotify fd in the worker's loop and a table from
 * watch descriptor to the path it was added with, so that an event's path
 * is the watched path joined with the entry name.
 */
#ifndef IGOR_WORKER_INO_H
#define IGOR_WORKER_INO_H

#include "igor/plugin.h"

/* The worker's one factory, handed to the plugin's setup. */
igor_inotify_factory *ino_factory(void);

#endif /* IGOR_WORKER_INO_H */
