/* Growable argument vectors for spawned programs. */
#include "argv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int argv_push(struct argv *a, char *s, struct iso_err *err)
{
	if (a->len + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v) {
			free(s);
			return iso_err_set(err, -ENOMEM, "argv: grow to %zu entries", cap);
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->len++] = s;
	a->v[a->len] = NULL;
	return 0;
}

int argv_add(struct argv *a, struct iso_err *err, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (a->error)
		return a->error;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return a->error = iso_err_set(err, -ENOMEM, "argv: format argument");
	return a->error = argv_push(a, s, err);
}

int argv_add_all(struct argv *a, char *const *list, struct iso_err *err)
{
	for (; *list; list++) {
		int r = argv_add(a, err, "%s", *list);

		if (r < 0)
			return r;
	}
	return 0;
}

int argv_join(const struct argv *a, size_t from, char *buf, size_t cap)
{
	size_t off = 0;

	if (cap == 0)
		return -EMSGSIZE;
	buf[0] = '\0';
	for (size_t i = from; i < a->len; i++) {
		int n = snprintf(buf + off, cap - off, "%s%s", i > from ? " " : "", a->v[i]);

		if (n < 0 || (size_t)n >= cap - off)
			return -EMSGSIZE;
		off += (size_t)n;
	}
	return 0;
}

void argv_reset(struct argv *a)
{
	for (size_t i = 0; i < a->len; i++)
		free(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->len = 0;
	a->cap = 0;
	a->error = 0;
}
