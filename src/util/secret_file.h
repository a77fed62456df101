/*
 * secret_file.h - small files that hold a secret (the store's fingerprint
 * pepper, SCP03 static keys): opened only when nobody but the owner can read
 * them, read whole, and created so that no reader ever sees half a file.
 *
 * The permission rule is ssh's for private keys: a regular file owned by the
 * effective user (or root), with no permission bit for group or others. A
 * file that breaks it is refused, with a log line naming the file and the
 * fix, before a byte of it is read.
 */
#ifndef PORTFOLIO_UTIL_SECRET_FILE_H
#define PORTFOLIO_UTIL_SECRET_FILE_H

#include <stddef.h>
#include <stdint.h>

typedef enum pf_secret_rc {
	PF_SECRET_OK = 0,
	PF_SECRET_MISSING = -1,   /* no such file (nothing logged: the caller decides) */
	PF_SECRET_UNSAFE = -2,    /* group/others may access it, wrong owner, not a regular file */
	PF_SECRET_IO = -3,        /* open/read/write failed, or larger than the caller's buffer */
	PF_SECRET_EXISTS = -4,    /* create: another process created the file first */
} pf_secret_rc;

/* Reads the whole file into buf (at most cap bytes). On any failure buf is
 * wiped and *len is 0. what names the file's role in log lines. */
pf_secret_rc pf_secret_file_read(const char *path, const char *what, uint8_t *buf, size_t cap,
                                 size_t *len);

/* Creates path holding data, mode 0600, never replacing an existing file: a
 * temporary file (O_CREAT|O_EXCL) is written, fsync'd and then linked to
 * path, which fails if path exists (PF_SECRET_EXISTS: read the winner's). */
pf_secret_rc pf_secret_file_create(const char *path, const char *what, const uint8_t *data,
                                   size_t len);

#endif
