/* The one error convention: fallible functions return int (negative errno
 * on failure) and take `struct iso_err *err` last; the message names the
 * failing step. Only main() turns an error into output and an exit status. */
#ifndef ISO_ERR_H
#define ISO_ERR_H

#include <stddef.h>

#define ISO_ERR_MSG_MAX 512

struct iso_err {
	int code; /* negative errno, 0 when no error is recorded */
	char msg[ISO_ERR_MSG_MAX];
};

/* Record `code` (negative errno) with a printf-style step description; the
 * strerror text of `code` is appended. Returns `code` so that call sites
 * read `return iso_err_set(err, -errno, "open %s", path);`. */
int iso_err_set(struct iso_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like iso_err_set() but without the strerror suffix: for errors that are
 * about input rather than a failed system call. */
int iso_err_input(struct iso_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the recorded message with layer context ("boot: ..."). Returns
 * the recorded code. */
int iso_err_wrap(struct iso_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The one place that formats an error for a person: "prog: message\n" on
 * stderr. */
void iso_err_print(const struct iso_err *err, const char *prog);

void iso_err_clear(struct iso_err *err);

#endif
