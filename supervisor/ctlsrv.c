/*
 * ctlsrv.c: placeholder until the control socket lands (issue 5).
 */
#include "ctlsrv.h"

int ctlsrv_open(const char *path, const char *group, struct daemon *d)
{
	(void)path, (void)group, (void)d;
	return 0;
}

void ctlsrv_close(void)
{
}

void ctlsrv_sweep(void)
{
}
