/* A growable, NULL-terminated argument vector for the programs the harness
 * spawns (backends, peers, probes of versions). */
#ifndef ISO_ARGV_H
#define ISO_ARGV_H

#include <stddef.h>

#include "err.h"

struct argv {
	char **v;   /* NULL-terminated; owned strings */
	size_t len; /* entries before the terminating NULL */
	size_t cap;
	int error; /* the first failed append (negative errno), 0 while none */
};

/* Append one printf-formatted argument. -ENOMEM on allocation failure.
 * After a failure every append does nothing and returns the first error
 * (a->error), so a run of appends needs one check at its end. */
int argv_add(struct argv *a, struct iso_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append every string of the NULL-terminated `list`. */
int argv_add_all(struct argv *a, char *const *list, struct iso_err *err);

/* Join the arguments with single spaces into `buf` (for messages and the
 * kernel command line). Returns -EMSGSIZE when it does not fit. */
int argv_join(const struct argv *a, size_t from, char *buf, size_t cap);

/* Free every string and forget the error; the vector is empty and
 * reusable afterwards. */
void argv_reset(struct argv *a);

#endif
