/*
 * secret_file.c - read and create files that hold a secret (secret_file.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"
#include "util/secret_file.h"
#include "util/secure.h"

/* ssh's rule: ours (or root's), a regular file, nothing for group or others. */
static pf_secret_rc check_owner_mode(int fd, const char *path, const char *what)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		PF_ERROR("%s %s: cannot stat: %s", what, path, strerror(errno));
		return PF_SECRET_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		PF_ERROR("%s %s is not a regular file: refused", what, path);
		return PF_SECRET_UNSAFE;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		PF_ERROR("%s %s belongs to uid %lu, not to this user: refused", what, path,
		         (unsigned long)st.st_uid);
		return PF_SECRET_UNSAFE;
	}
	if ((st.st_mode & 077) != 0) {
		PF_ERROR("%s %s has mode %04o: group or others may access it, refused "
		         "(chmod 600 it, and replace the secret if others could read it)",
		         what, path, (unsigned)(st.st_mode & 07777));
		return PF_SECRET_UNSAFE;
	}
	return PF_SECRET_OK;
}

/* Reads to end of file; PF_SECRET_IO when it holds more than cap bytes. */
static pf_secret_rc read_all(int fd, uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	uint8_t extra;

	for (;;) {
		ssize_t r = n < cap ? read(fd, buf + n, cap - n) : read(fd, &extra, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (r > 0 && n == cap))
			return PF_SECRET_IO;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return PF_SECRET_OK;
}

pf_secret_rc pf_secret_file_read(const char *path, const char *what, uint8_t *buf, size_t cap,
                                 size_t *len)
{
	pf_secret_rc rc;
	int fd;

	*len = 0;
	/* O_NONBLOCK: a FIFO named here must not hang C_Initialize; it is then
	 * refused as not a regular file (regular files ignore the flag). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return PF_SECRET_MISSING;
		PF_ERROR("%s %s: cannot open: %s", what, path, strerror(errno));
		return PF_SECRET_IO;
	}
	rc = check_owner_mode(fd, path, what);
	if (rc == PF_SECRET_OK) {
		rc = read_all(fd, buf, cap, len);
		if (rc != PF_SECRET_OK)
			PF_ERROR("%s %s: unreadable or larger than %zu bytes", what, path, cap);
	}
	close(fd);
	if (rc != PF_SECRET_OK) {
		pf_wipe(buf, cap);
		*len = 0;
	}
	return rc;
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* The new name must survive a crash too: sync the directory that holds it. */
static void sync_parent_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 0 : (slash == path ? 1 : (size_t)(slash - path));

	if (n == 0)
		snprintf(dir, sizeof dir, ".");
	else if (n < sizeof dir)
		snprintf(dir, sizeof dir, "%.*s", (int)n, path);
	else
		return;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

pf_secret_rc pf_secret_file_create(const char *path, const char *what, const uint8_t *data,
                                   size_t len)
{
	char tmp[4096];
	pf_secret_rc rc = PF_SECRET_OK;
	int fd;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp)
		return PF_SECRET_IO;
	fd = mkostemp(tmp, O_CLOEXEC); /* O_CREAT|O_EXCL, mode 0600 */
	if (fd < 0) {
		PF_ERROR("%s %s: cannot create a file beside it: %s", what, path, strerror(errno));
		return PF_SECRET_IO;
	}
	if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		PF_ERROR("%s %s: cannot write: %s", what, path, strerror(errno));
		rc = PF_SECRET_IO;
	}
	close(fd);
	/* link(), unlike rename(), never replaces a file another process made meanwhile. */
	if (rc == PF_SECRET_OK && link(tmp, path) != 0) {
		rc = errno == EEXIST ? PF_SECRET_EXISTS : PF_SECRET_IO;
		if (rc == PF_SECRET_IO)
			PF_ERROR("%s %s: cannot create: %s", what, path, strerror(errno));
	}
	(void)unlink(tmp);
	if (rc == PF_SECRET_OK)
		sync_parent_dir(path);
	return rc;
}
