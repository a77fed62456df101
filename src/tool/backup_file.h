/*
 * backup_file.h - the byte layout of a portfolio-tool backup (docs/fleet.md,
 * "Backup file"): building it, reading it back, and the file I/O. Nothing
 * here sees a key value: keys are in the file only wrapped by the token.
 *
 *   "PFBK" | version 01 | entries u32 | MAC-key blob (field) | entries | HMAC(32)
 *   field  = length u16 | bytes
 *   key    = 'K' | key type u32 | sensitive | extractable | wrap | unwrap (1 byte each)
 *            | label (field) | id (field) | bound blob (field)
 *   identity = 'I' | identity id u32 | value (field)
 * Integers big-endian. The HMAC-SHA256 covers every byte before it.
 */
#ifndef PORTFOLIO_TOOL_BACKUP_FILE_H
#define PORTFOLIO_TOOL_BACKUP_FILE_H

#include <stddef.h>
#include <stdint.h>

#define BK_VERSION 1
#define BK_MAC_LEN 32
#define BK_HEADER_LEN 9          /* magic, version, entry count */
#define BK_MAX_FILE (16u << 20)  /* a store's instance is far smaller */
#define BK_ENTRY_KEY 'K'
#define BK_ENTRY_IDENTITY 'I'

/* A growing byte buffer; oom sticks once an allocation failed. */
struct bk_buf {
	uint8_t *p;
	size_t n, cap;
	int oom;
};
void bk_put(struct bk_buf *b, const void *d, size_t n);
void bk_put_u8(struct bk_buf *b, unsigned v);
void bk_put_u32(struct bk_buf *b, uint32_t v);
void bk_put_field(struct bk_buf *b, const void *d, size_t n); /* n < 65536 */
void bk_header(struct bk_buf *b);                            /* magic, version, count 0 */
void bk_set_count(struct bk_buf *b, uint32_t n);
void bk_free(struct bk_buf *b);

/* A reader over bytes; bad sticks once a read ran past the end. */
struct bk_rd {
	const uint8_t *p;
	size_t n, off;
	int bad;
};
unsigned bk_get_u8(struct bk_rd *r);
uint32_t bk_get_u32(struct bk_rd *r);
const uint8_t *bk_get_field(struct bk_rd *r, size_t *n);

/* One entry, as read (pointers into the file). */
struct bk_entry {
	unsigned type;               /* BK_ENTRY_KEY or BK_ENTRY_IDENTITY */
	uint32_t key_type, identity_id;
	uint8_t sensitive, extractable, wrap, unwrap;
	const uint8_t *label, *id, *blob, *value;
	size_t label_len, id_len, blob_len, value_len;
};
/* Reads the next entry; 0 when it is malformed. */
int bk_get_entry(struct bk_rd *r, struct bk_entry *e);
/* The header of a whole file: 0 when it is not one (then *why says what). */
int bk_parse_header(const uint8_t *f, size_t len, uint32_t *count, struct bk_rd *rest, const char **why);

/* Whole-file I/O. read: malloc'd, at most BK_MAX_FILE. write: a temporary file
 * renamed into place, so a crash leaves the old file or the new one. 0 on error
 * (errno set). */
int bk_read_file(const char *path, uint8_t **out, size_t *len);
int bk_write_file(const char *path, const uint8_t *data, size_t len);

#endif
