.\" igor-plugin-helpers.frag: the timer and child-process helpers of
.\" <igor/plugin.h>, for igor-plugin(3).  An mdoc fragment, not a page:
.\" the integrator merges its .Ss sections into DESCRIPTION, its SYNOPSIS
.\" lines into SYNOPSIS, and its RETURN VALUES text into that section.
.\" Sentences about ownership repeat the header's word for word.
.\"
.\" ---- for SYNOPSIS -------------------------------------------------------
.Ft igor_timer *
.Fn igor_timer_new "igor_inotify_factory *f" "igor_timer_fn *cb" "void *arg"
.Ft int
.Fn igor_timer_arm "igor_timer *t" "long long ms"
.Ft int
.Fn igor_timer_disarm "igor_timer *t"
.Ft void
.Fn igor_timer_free "igor_timer *t"
.Ft igor_child *
.Fn igor_spawn "igor_inotify_factory *f" "const struct igor_spawn_args *args"
.Ft int
.Fn igor_child_kill "igor_child *child" "int sig"
.Ft int
.Fn igor_child_pid "const igor_child *child"
.\" ---- for DESCRIPTION ----------------------------------------------------
.Ss Timers
.Bd -literal -offset indent
typedef void igor_timer_fn(igor_timer *t, void *arg);
.Ed
.Pp
.Vt igor_timer
is opaque; owned by the plugin from
.Fn igor_timer_new
to
.Fn igor_timer_free .
.Pp
.Fn igor_timer_new
makes a one-shot timer, disarmed, that calls
.Fa cb Ns Pq Fa t , arg
from the worker's event loop when it expires.
The timer is owned by the plugin until
.Fn igor_timer_free ;
.Fa arg
is the plugin's, never touched by the worker.
Call it and the other
.Fn igor_timer_*
functions from the loop's thread (setup or a callback).
It returns NULL with
.Va errno
set.
.Pp
.Fn igor_timer_arm
arms
.Fa t
to fire once,
.Fa ms
milliseconds from now (0 or less: at the next turn of the loop), replacing
any earlier arming;
.Fa t
may be re-armed from its own callback.
.Pp
.Fn igor_timer_disarm
disarms
.Fa t :
no callback follows, not even for an expiry already due.
.Pp
.Fn igor_timer_free
disarms and frees
.Fa t ,
which is invalid afterwards; safe from any callback,
.Fa t Ns 's
own included.
NULL is ignored.
.Ss Child processes
.Bd -literal -offset indent
typedef void igor_exit_fn(igor_child *child, int status, void *arg);
typedef void igor_line_fn(igor_child *child, const char *line, void *arg);

struct igor_spawn_args {
	size_t size;             /* sizeof(struct igor_spawn_args) */
	const char *const *argv; /* NULL-terminated; argv[0] via PATH */
	const char *const *env;  /* NULL-terminated "NAME=VALUE", or NULL */
	long long timeout_ms;    /* > 0: SIGTERM, then SIGKILL 5 s later */
	igor_exit_fn *on_exit;   /* NULL: nobody is told */
	igor_line_fn *on_stdout; /* NULL: stdout lines go to the log */
	void *arg;               /* the plugin's, passed back unchanged */
};
.Ed
.Pp
.Vt igor_child
is opaque; owned by the worker.
Borrowed by the plugin from
.Fn igor_spawn
until its exit callback returns; invalid afterwards.
.Pp
.Fn igor_spawn
starts
.Fa args Ns -> Ns Va argv
without a shell and without waiting for it.
The child runs in its own process group, in the worker's directory (the
config file's), with stdin from
.Pa /dev/null ,
no signal blocked or ignored, and no fd of the worker but 0-2.
Its stdout lines go to
.Va on_stdout
or to the log at INFO, its stderr lines to the log at WARNING, both as
.Ql plugin NAME .
The worker reaps it and calls
.Va on_exit .
When the worker is told to stop, it sends SIGTERM to every child's process
group and waits for them up to 2 seconds before SIGKILL; a child of a
worker that dies gets SIGKILL.
Call it from the loop's thread.
.Pp
The struct may grow: set
.Va size
to
.Li sizeof(struct igor_spawn_args)
as your header has it; fields past
.Va size
count as zero.
Every pointer is borrowed for the call only:
.Fn igor_spawn
copies what it keeps.
.Va env
entries are set on top of the worker's environment;
.Ql NAME
alone, without
.Ql = ,
removes that variable.
With
.Va timeout_ms
above 0, the child's process group gets SIGTERM after that many
milliseconds and SIGKILL 5 seconds later, each logged at WARNING.
.Pp
.Va on_exit
is called once, from the worker's loop, when the child has exited and has
been reaped;
.Fa status
is
.Xr waitpid 2 Ns 's
.Pq Dv WIFEXITED , Dv WEXITSTATUS , No ... .
The child's output written before it exited has been delivered by then.
.Va on_stdout
gets one line of the child's stdout, without its newline;
.Fa line
is borrowed until the callback returns.
Lines written after the exit, by a process the child left behind, go to
the log.
.Pp
.Fn igor_child_kill
sends
.Fa sig
to
.Fa child Ns 's
process group, as
.Xr killpg 2 .
.Fn igor_child_pid
returns the child's process id, which is also its process group id.
.\" ---- for RETURN VALUES --------------------------------------------------
.Fn igor_timer_new
returns the timer, or NULL with
.Va errno
set.
.Fn igor_timer_arm ,
.Fn igor_timer_disarm
and
.Fn igor_child_kill
return 0, or \-1 with
.Va errno
set.
.Fn igor_spawn
returns the child, or NULL with
.Va errno
set
.Po
.Er ENOENT :
.Va argv Ns [0]
not found;
.Er EACCES ;
.Er EINVAL :
a bad
.Va size
or an empty
.Va argv ;
.Er ESHUTDOWN :
the worker is stopping
.Pc ;
nothing was started then.
