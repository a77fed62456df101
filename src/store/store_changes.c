/*
 * store_changes.c - the shared change counters beside the store: a file
 * "<store>.gen" that every process maps MAP_SHARED, holding one 64-bit
 * counter per instance (instance ids share a counter modulo
 * STORE_CHANGE_SLOTS). A writer adds 1 to the counters of the instances its
 * transaction changed, right after the commit; a reader compares the counter
 * with the value it saw at its last reload with one atomic load, so the
 * signing path can notice "another process changed this token" without a
 * system call, a lock or a database read.
 *
 * The add comes after the commit, not before: a reader that saw a counter
 * move before the commit would reload the old rows, remember the new count
 * and never look again. A reader reads the counter before it reads the store,
 * so it can only see a change it has not loaded yet (and reload once more).
 *
 * The file is a hint, never a source of truth: the authoritative generation
 * stays in the database (store_generation). Anyone who can write the file can
 * at most cause extra reloads, or hide a change from the fast path until the
 * next slow-path check (opening a session, logging in, searching) - and such
 * a writer can write the database itself. A process killed between its
 * commit and the add has the same effect.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_internal.h"
#include "util/log.h"

#define CHANGES_SUFFIX ".gen"
#define CHANGES_BYTES (STORE_CHANGE_SLOTS * sizeof(uint64_t))

static CK_RV changes_fail(const char *what)
{
	PF_ERROR("store: change counter file: %s: %s", what, strerror(errno));
	return CKR_DEVICE_ERROR;
}

CK_RV store_changes_open(store *s, const char *db_path)
{
	size_t n = strlen(db_path) + sizeof CHANGES_SUFFIX;
	char *path = malloc(n);
	if (path == NULL)
		return CKR_HOST_MEMORY;
	snprintf(path, n, "%s%s", db_path, CHANGES_SUFFIX);
	/* The creator sets the mode: open's 0600 passes through the umask, and
	 * 0277 would leave a file that no later open for writing gets through. */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0 && fchmod(fd, 0600) != 0) {
		close(fd);
		fd = -1;
	} else if (fd < 0 && errno == EEXIST) {
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	}
	free(path);
	if (fd < 0)
		return changes_fail("open");
	struct stat sb;
	CK_RV rv = CKR_OK;
	if (fstat(fd, &sb) != 0)
		rv = changes_fail("stat");
	else if (!S_ISREG(sb.st_mode))
		rv = changes_fail("not a regular file");
	/* Two processes creating it at once both grow it to the same size. The
	 * blocks are allocated now (not a sparse page that a full file system could
	 * fail to back at the first write, with SIGBUS): no space is an error here. */
	else if ((size_t)sb.st_size < CHANGES_BYTES && posix_fallocate(fd, 0, (off_t)CHANGES_BYTES) != 0)
		rv = changes_fail("size");
	if (rv == CKR_OK) {
		void *p = mmap(NULL, CHANGES_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			rv = changes_fail("map");
		else
			s->changes = p;
	}
	close(fd); /* the mapping stays */
	return rv;
}

void store_changes_close(store *s)
{
	if (s->changes != NULL)
		munmap((void *)s->changes, CHANGES_BYTES);
	s->changes = NULL;
}

const _Atomic uint64_t *store_change_counter(store *s, CK_ULONG iid)
{
	return &s->changes[iid % STORE_CHANGE_SLOTS];
}

void store_changes_note(store *s, CK_ULONG iid)
{
	unsigned slot = (unsigned)(iid % STORE_CHANGE_SLOTS);
	s->pending[slot / 64] |= 1ULL << (slot % 64);
}

void store_changes_publish(store *s, int committed)
{
	for (unsigned w = 0; w < STORE_CHANGE_SLOTS / 64; w++) {
		uint64_t bits = s->pending[w];
		s->pending[w] = 0;
		while (committed && bits != 0) {
			unsigned b = (unsigned)__builtin_ctzll(bits);
			bits &= bits - 1;
			atomic_fetch_add_explicit(&s->changes[w * 64 + b], 1, memory_order_release);
		}
	}
}

/* ---- following our own changes ------------------------------------------ */

void store_follow(store *s, CK_ULONG iid, uint64_t gen)
{
	store_lock(s);
	struct store_follow *f = &s->follow[iid % STORE_CHANGE_SLOTS];
	f->iid = iid;
	f->gen = gen;
	store_unlock(s);
}

uint64_t store_followed(store *s, CK_ULONG iid)
{
	store_lock(s);
	const struct store_follow *f = &s->follow[iid % STORE_CHANGE_SLOTS];
	uint64_t gen = f->iid == iid ? f->gen : UINT64_MAX;
	store_unlock(s);
	return gen;
}

void store_follow_raised(store *s, CK_ULONG iid, uint64_t gen)
{
	struct store_follow *f = &s->follow[iid % STORE_CHANGE_SLOTS];
	if (f->iid != iid)
		return;
	/* The transaction holds the write lock: gen - 1 is what it raised from. */
	f->gen = f->gen != UINT64_MAX && f->gen + 1 == gen ? gen : UINT64_MAX;
}

void store_follow_break_pending(store *s)
{
	/* A rolled-back raise did not happen: the chain no longer says where the
	 * database is, and another process may now reach the value it names. */
	for (unsigned slot = 0; slot < STORE_CHANGE_SLOTS; slot++)
		if (s->pending[slot / 64] & (1ULL << (slot % 64)))
			s->follow[slot].gen = UINT64_MAX;
}
