/* Small file helpers the harness needs in several places. */
#ifndef ISO_FSUTIL_H
#define ISO_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Read a whole (small, /proc or /sys) file into buf, NUL-terminated.
 * Returns the length, or a negative errno (with a message). -EFBIG when it
 * does not fit. */
ssize_t fsutil_read(const char *path, char *buf, size_t cap, struct iso_err *err);

/* Write `text` to `path` (created 0644, truncated). */
int fsutil_write(const char *path, const char *text, struct iso_err *err);

/* Create a directory and its missing parents with `mode`. */
int fsutil_mkdir_p(const char *path, mode_t mode, struct iso_err *err);

/* Remove `path` and everything below it, never crossing into another
 * mounted filesystem and never following symlinks. Missing is fine. */
int fsutil_rm_tree(const char *path, struct iso_err *err);

/* First line of `prog args...` run with stdout captured (stderr merged),
 * without a shell, bounded to `cap` bytes; for version strings. Returns 0
 * when the program exited 0, else -ENOENT with buf holding "". */
int fsutil_first_line(char *const argv[], char *buf, size_t cap);

#endif
