/*
 * t8_priv.so: reports the credentials it runs with and tries to climb
 * back to root, for the privilege-drop tests.  In setup it logs, at INFO:
 *     PRIV uid=R/E/S gid=R/E/S groups=G,G nnp=N
 *     REGAIN setuid(0)=RESULT setgid(0)=RESULT setgroups=RESULT
 * where RESULT is "ok" or the errno text.  Then it idles.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "igor/plugin.h"

const int igor_plugin_abi = IGOR_PLUGIN_ABI;

static const char *try(int ret)
{
	return ret == 0 ? "ok" : strerror(errno);
}

static void log_ids(igor_logger *l)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg, groups[64];
	char list[512] = "";
	int i, n, off = 0;

	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	n = getgroups(64, groups);
	for (i = 0; i < n && off < (int)sizeof(list) - 16; i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%u",
				i ? "," : "", (unsigned)groups[i]);
	igor_info(l, "PRIV uid=%u/%u/%u gid=%u/%u/%u groups=%s nnp=%d",
		  (unsigned)ru, (unsigned)eu, (unsigned)su, (unsigned)rg,
		  (unsigned)eg, (unsigned)sg, list,
		  prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

int setup(const igor_config *c, igor_logger *l, igor_inotify_factory *f)
{
	gid_t zero = 0;
	char a[64], b[64];

	(void)c, (void)f;
	log_ids(l);
	/* Each result is copied: strerror's buffer is reused. */
	snprintf(a, sizeof(a), "%s", try(setuid(0)));
	snprintf(b, sizeof(b), "%s", try(setgid(0)));
	igor_info(l, "REGAIN setuid(0)=%s setgid(0)=%s setgroups=%s", a, b,
		  try(setgroups(1, &zero)));
	return 0;
}
