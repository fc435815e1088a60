/*
 * ids: numeric user and group ids as a config writes them (user: "12345"),
 * read the same way by the supervisor's check and the worker's drop.
 */
#ifndef IGOR_IDS_H
#define IGOR_IDS_H

#include <sys/types.h>

/*
 * Reads s as a numeric id: decimal digits only (no sign, no space), below
 * 4294967295, which setresuid(2) and setresgid(2) take for "leave
 * unchanged".  Returns 0 and stores the id, or -1 with errno EINVAL.
 */
int ids_parse(const char *s, id_t *id);

#endif /* IGOR_IDS_H */
