/*
 * stamp: the clock of the containers figure, on CLOCK_REALTIME (the
 * clock of igor's log lines and of a container's).
 *
 *   stamp link TARGET LINK    symlink(TARGET, LINK); prints the ns read
 *                             just before the call
 *   stamp mark FILE NAME      appends "NAME NS" to FILE in one write: the
 *                             engine command of the figure, so NS is when
 *                             igor's command began
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int do_link(const char *target, const char *link)
{
	int64_t t = realtime_ns();

	if (symlink(target, link) < 0) {
		fprintf(stderr, "stamp: cannot link '%s': %s\n", link,
			strerror(errno));
		return 1;
	}
	printf("%lld\n", (long long)t);
	return 0;
}

static int do_mark(const char *file, const char *name)
{
	int64_t t = realtime_ns();
	char line[512];
	int fd, n;

	n = snprintf(line, sizeof(line), "%s %lld\n", name, (long long)t);
	if (n < 0 || (size_t)n >= sizeof(line))
		return 1;
	fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n) {
		fprintf(stderr, "stamp: cannot write '%s': %s\n", file,
			strerror(errno));
		return 1;
	}
	return close(fd) < 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "link") == 0)
		return do_link(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "mark") == 0)
		return do_mark(argv[2], argv[3]);
	fprintf(stderr, "usage: stamp link TARGET LINK | stamp mark FILE NAME\n");
	return 2;
}
