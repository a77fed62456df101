/* backup_file.c - the backup file's bytes (backup_file.h). */
#include "config.h"
#include "tool/backup_file.h"
#include "util/bytes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const uint8_t magic[4] = {'P', 'F', 'B', 'K'};

void bk_put(struct bk_buf *b, const void *d, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->n + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (p == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->n, d, n);
	b->n += n;
}

void bk_put_u8(struct bk_buf *b, unsigned v)
{
	uint8_t x = (uint8_t)v;
	bk_put(b, &x, 1);
}

void bk_put_u32(struct bk_buf *b, uint32_t v)
{
	uint8_t x[4];
	pf_put_be32(x, v);
	bk_put(b, x, 4);
}

void bk_put_field(struct bk_buf *b, const void *d, size_t n)
{
	if (n > 0xFFFF) {
		b->oom = 1; /* no field of this format is that long */
		return;
	}
	uint8_t x[2] = {(uint8_t)(n >> 8), (uint8_t)n};
	bk_put(b, x, 2);
	bk_put(b, d, n);
}

void bk_header(struct bk_buf *b)
{
	bk_put(b, magic, sizeof magic);
	bk_put_u8(b, BK_VERSION);
	bk_put_u32(b, 0);
}

void bk_set_count(struct bk_buf *b, uint32_t n)
{
	if (b->oom || b->n < BK_HEADER_LEN)
		return;
	b->p[5] = (uint8_t)(n >> 24);
	b->p[6] = (uint8_t)(n >> 16);
	b->p[7] = (uint8_t)(n >> 8);
	b->p[8] = (uint8_t)n;
}

void bk_free(struct bk_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static const uint8_t *take(struct bk_rd *r, size_t n)
{
	if (r->bad || r->n - r->off < n) {
		r->bad = 1;
		return NULL;
	}
	const uint8_t *p = r->p + r->off;
	r->off += n;
	return p;
}

unsigned bk_get_u8(struct bk_rd *r)
{
	const uint8_t *p = take(r, 1);
	return p != NULL ? p[0] : 0;
}

uint32_t bk_get_u32(struct bk_rd *r)
{
	const uint8_t *p = take(r, 4);
	return p != NULL ? pf_get_be32(p) : 0;
}

const uint8_t *bk_get_field(struct bk_rd *r, size_t *n)
{
	const uint8_t *h = take(r, 2);
	*n = h != NULL ? (size_t)h[0] << 8 | h[1] : 0;
	const uint8_t *p = take(r, *n);
	if (p == NULL)
		*n = 0;
	return p;
}

int bk_get_entry(struct bk_rd *r, struct bk_entry *e)
{
	memset(e, 0, sizeof *e);
	e->type = bk_get_u8(r);
	if (e->type == BK_ENTRY_KEY) {
		e->key_type = bk_get_u32(r);
		e->sensitive = (uint8_t)bk_get_u8(r);
		e->extractable = (uint8_t)bk_get_u8(r);
		e->wrap = (uint8_t)bk_get_u8(r);
		e->unwrap = (uint8_t)bk_get_u8(r);
		e->label = bk_get_field(r, &e->label_len);
		e->id = bk_get_field(r, &e->id_len);
		e->blob = bk_get_field(r, &e->blob_len);
		return !r->bad && e->blob_len > 0;
	}
	if (e->type == BK_ENTRY_IDENTITY) {
		e->identity_id = bk_get_u32(r);
		e->value = bk_get_field(r, &e->value_len);
		return !r->bad && e->value_len > 0;
	}
	return 0;
}

int bk_parse_header(const uint8_t *f, size_t len, uint32_t *count, struct bk_rd *rest, const char **why)
{
	if (len < BK_HEADER_LEN + 2 + BK_MAC_LEN || memcmp(f, magic, sizeof magic) != 0) {
		*why = "not a portfolio-tool backup file (or cut short)";
		return 0;
	}
	if (f[4] != BK_VERSION) {
		*why = "a backup file of another format version";
		return 0;
	}
	*rest = (struct bk_rd){.p = f, .n = len - BK_MAC_LEN, .off = 5};
	*count = bk_get_u32(rest);
	return 1;
}

int bk_read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return 0;
	uint8_t *buf = malloc(BK_MAX_FILE + 1);
	size_t n = buf != NULL ? fread(buf, 1, BK_MAX_FILE + 1, fp) : 0;
	int ok = buf != NULL && !ferror(fp) && n <= BK_MAX_FILE;
	fclose(fp);
	if (!ok) {
		free(buf);
		errno = buf == NULL ? ENOMEM : EFBIG;
		return 0;
	}
	*out = buf;
	*len = n;
	return 1;
}

int bk_write_file(const char *path, const uint8_t *data, size_t len)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return 0;
	}
	FILE *fp = fopen(tmp, "wb");
	if (fp == NULL)
		return 0;
	int ok = fwrite(data, 1, len, fp) == len;
	ok = fflush(fp) == 0 && ok;
	ok = fsync(fileno(fp)) == 0 && ok;
	ok = fclose(fp) == 0 && ok;
	if (ok && rename(tmp, path) == 0)
		return 1;
	int e = errno;
	unlink(tmp);
	errno = e;
	return 0;
}
