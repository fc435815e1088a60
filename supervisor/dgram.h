/*
 * dgram: the client end of a local datagram socket (the journal's, or
 * syslog's /dev/log), connected and non-blocking, so that igor's log
 * writer never blocks in a send and can wait for room with poll(2).
 *
 * Connecting, rather than naming the address at each send, is what makes
 * poll(2) work: the kernel then reports POLLOUT when the receiver's queue
 * has room again.  A receiver that goes away (its socket closed, or a new
 * one bound in its place) shows as ECONNREFUSED at the next send; the
 * caller connects again.
 */
#ifndef IGOR_SUP_DGRAM_H
#define IGOR_SUP_DGRAM_H

/*
 * An AF_UNIX SOCK_DGRAM socket (CLOEXEC, non-blocking) connected to path.
 * Returns it, or -1 with errno set: ENOENT when nothing is at path,
 * ECONNREFUSED when nobody listens there, ENAMETOOLONG, ...
 */
int dgram_connect(const char *path);

/* Waits up to timeout_ms for room to send on fd.  Returns 1 when there
 * is, 0 at the timeout, -1 with errno set. */
int dgram_wait(int fd, int timeout_ms);

#endif /* IGOR_SUP_DGRAM_H */
