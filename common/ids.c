/*
 * ids.c: see ids.h.
 */
#include "ids.h"

#include <errno.h>
#include <stdint.h>

int ids_parse(const char *s, id_t *id)
{
	uint64_t v = 0;

	if (!s || !*s)
		goto out_inval;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			goto out_inval;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v >= (id_t)-1)
			goto out_inval;
	}
	*id = (id_t)v;
	return 0;
out_inval:
	errno = EINVAL;
	return -1;
}
