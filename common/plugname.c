/*
 * plugname.c: see plugname.h.
 */
#include "plugname.h"

bool plugname_is_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > PLUGNAME_MAX || name[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}
