/*
 * ids_test: numeric user and group ids as configs write them.
 */
#include "check.h"
#include "ids.h"

#include <errno.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in;
	int ret;
	long long want; /* when ret is 0 */
} rows[] = {
	{ "0", 0, 0 },
	{ "12345", 0, 12345 },
	{ "007", 0, 7 },
	{ "4294967294", 0, 4294967294LL },
	{ "4294967295", -1, 0 },   /* (uid_t)-1: "unchanged" to setresuid */
	{ "4294967296", -1, 0 },
	{ "99999999999999999999999", -1, 0 },
	{ "", -1, 0 },
	{ "-1", -1, 0 },
	{ "+5", -1, 0 },
	{ " 5", -1, 0 },
	{ "5 ", -1, 0 },
	{ "0x10", -1, 0 },
	{ "nobody", -1, 0 },
	{ "12a", -1, 0 },
};

int main(void)
{
	size_t i;
	id_t id;
	int ret;

	for (i = 0; i < NELEM(rows); i++) {
		id = 77;
		errno = 0;
		ret = ids_parse(rows[i].in, &id);
		CHECK_INT(ret, rows[i].ret, "ids_parse('%s')", rows[i].in);
		if (rows[i].ret == 0)
			CHECK_INT(id, rows[i].want, "ids_parse('%s'): id",
				  rows[i].in);
		else
			CHECK_INT(errno, EINVAL, "ids_parse('%s'): EINVAL",
				  rows[i].in);
	}
	CHECK_INT(ids_parse(NULL, &id), -1, "ids_parse(NULL)");
	return check_done();
}
