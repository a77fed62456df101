/*
 * emu_instance.c - the instance row: the emulator's persisted token state in
 * a small versioned binary format (docs/storage.md, "Instance blob").
 *
 * The decoder reads untrusted bytes (anyone who can write the database file
 * can put anything there): every read is bounds-checked against what is left,
 * every length and count is checked against the one value format 1 allows,
 * and trailing bytes are refused. It never allocates.
 */
#include <string.h>

#include "se/emu/emu_token.h"
#include "util/secure.h"

static const uint8_t instance_magic[4] = { 'P', 'F', 'T', 'I' };
#define INSTANCE_FORMAT_V1 1
#define INST_FLAG_INITIALIZED 0x01u
#define INST_FLAG_USER_PIN    0x02u
#define WRAP_KDF_SCRYPT 1

#define WRAP_LEN (1 + 1 + 4 + 4 + 1 + EMU_SALT_LEN + 1 + EMU_NONCE_LEN + 2 + EMU_TOKEN_KEY_LEN + EMU_TAG_LEN)
#define HEADER_LEN (4 + 1 + 1 + 1 + 1 + EMU_TOKEN_ID_LEN + 32)

/* ---- writer ----------------------------------------------------------------- */

typedef struct writer {
	uint8_t *p;
	size_t off;
} writer;

static void w_u8(writer *w, uint8_t v)
{
	w->p[w->off++] = v;
}

static void w_u16(writer *w, uint16_t v)
{
	w_u8(w, (uint8_t)(v >> 8));
	w_u8(w, (uint8_t)v);
}

static void w_u32(writer *w, uint32_t v)
{
	w_u16(w, (uint16_t)(v >> 16));
	w_u16(w, (uint16_t)v);
}

static void w_bytes(writer *w, const void *b, size_t n)
{
	memcpy(w->p + w->off, b, n);
	w->off += n;
}

static void w_wrap(writer *w, const emu_wrap *x)
{
	w_u8(w, WRAP_KDF_SCRYPT);
	w_u8(w, x->log2_n);
	w_u32(w, x->r);
	w_u32(w, x->p);
	w_u8(w, EMU_SALT_LEN);
	w_bytes(w, x->salt, EMU_SALT_LEN);
	w_u8(w, EMU_NONCE_LEN);
	w_bytes(w, x->nonce, EMU_NONCE_LEN);
	w_u16(w, EMU_TOKEN_KEY_LEN);
	w_bytes(w, x->ct, EMU_TOKEN_KEY_LEN);
	w_bytes(w, x->tag, EMU_TAG_LEN);
}

CK_RV emu_instance_encode(const emu_instance *in, uint8_t **out, size_t *len)
{
	if (in->user_pin_set && !in->initialized)
		return CKR_GENERAL_ERROR;
	size_t total = HEADER_LEN + (in->initialized ? WRAP_LEN : 0) + (in->user_pin_set ? WRAP_LEN : 0);
	uint8_t *buf = malloc(total);
	if (buf == NULL)
		return CKR_HOST_MEMORY;
	writer w = { buf, 0 };
	w_bytes(&w, instance_magic, sizeof(instance_magic));
	w_u8(&w, INSTANCE_FORMAT_V1);
	w_u8(&w, (uint8_t)((in->initialized ? INST_FLAG_INITIALIZED : 0) |
	                   (in->user_pin_set ? INST_FLAG_USER_PIN : 0)));
	w_u8(&w, in->so_failures);
	w_u8(&w, in->user_failures);
	w_bytes(&w, in->token_id, EMU_TOKEN_ID_LEN);
	w_bytes(&w, in->label, 32);
	if (in->initialized)
		w_wrap(&w, &in->so);
	if (in->user_pin_set)
		w_wrap(&w, &in->user);
	*out = buf;
	*len = w.off;
	return CKR_OK;
}

/* ---- reader ----------------------------------------------------------------- */

/* Every read fails (and keeps failing) once the input is exhausted. */
typedef struct reader {
	const uint8_t *p;
	size_t len, off;
	int bad;
} reader;

static const uint8_t *r_take(reader *r, size_t n)
{
	if (r->bad || n > r->len - r->off) {
		r->bad = 1;
		return NULL;
	}
	const uint8_t *at = r->p + r->off;
	r->off += n;
	return at;
}

static uint8_t r_u8(reader *r)
{
	const uint8_t *b = r_take(r, 1);
	return b ? b[0] : 0;
}

static uint16_t r_u16(reader *r)
{
	const uint8_t *b = r_take(r, 2);
	return b ? (uint16_t)(b[0] << 8 | b[1]) : 0;
}

static uint32_t r_u32(reader *r)
{
	const uint8_t *b = r_take(r, 4);
	return b ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3] : 0;
}

static void r_bytes(reader *r, void *dst, size_t n)
{
	const uint8_t *b = r_take(r, n);
	if (b != NULL)
		memcpy(dst, b, n);
}

/* A length byte/word must equal the one value this format allows. */
static void r_expect(reader *r, uint32_t got, uint32_t want)
{
	if (got != want)
		r->bad = 1;
}

static void r_wrap(reader *r, emu_wrap *x)
{
	r_expect(r, r_u8(r), WRAP_KDF_SCRYPT);
	x->log2_n = r_u8(r);
	x->r = r_u32(r);
	x->p = r_u32(r);
	if (x->log2_n < 1 || x->log2_n > EMU_SCRYPT_MAX_LOG2_N || x->r != EMU_SCRYPT_R ||
	    x->p != EMU_SCRYPT_P)
		r->bad = 1;
	r_expect(r, r_u8(r), EMU_SALT_LEN);
	r_bytes(r, x->salt, EMU_SALT_LEN);
	r_expect(r, r_u8(r), EMU_NONCE_LEN);
	r_bytes(r, x->nonce, EMU_NONCE_LEN);
	r_expect(r, r_u16(r), EMU_TOKEN_KEY_LEN);
	r_bytes(r, x->ct, EMU_TOKEN_KEY_LEN);
	r_bytes(r, x->tag, EMU_TAG_LEN);
}

CK_RV emu_instance_decode(const uint8_t *buf, size_t len, emu_instance *out)
{
	memset(out, 0, sizeof(*out));
	if (buf == NULL)
		return CKR_DEVICE_ERROR;
	reader r = { buf, len, 0, 0 };
	uint8_t magic[4] = { 0 };
	r_bytes(&r, magic, sizeof(magic));
	if (r.bad || memcmp(magic, instance_magic, sizeof(magic)) != 0)
		goto bad;
	r_expect(&r, r_u8(&r), INSTANCE_FORMAT_V1);
	uint8_t flags = r_u8(&r);
	if ((flags & ~(INST_FLAG_INITIALIZED | INST_FLAG_USER_PIN)) != 0 ||
	    ((flags & INST_FLAG_USER_PIN) && !(flags & INST_FLAG_INITIALIZED)))
		goto bad;
	out->initialized = (flags & INST_FLAG_INITIALIZED) != 0;
	out->user_pin_set = (flags & INST_FLAG_USER_PIN) != 0;
	out->so_failures = r_u8(&r);
	out->user_failures = r_u8(&r);
	if (out->so_failures > EMU_PIN_MAX_TRIES || out->user_failures > EMU_PIN_MAX_TRIES)
		goto bad;
	r_bytes(&r, out->token_id, EMU_TOKEN_ID_LEN);
	r_bytes(&r, out->label, 32);
	if (out->initialized)
		r_wrap(&r, &out->so);
	if (out->user_pin_set)
		r_wrap(&r, &out->user);
	if (r.bad || r.off != len)
		goto bad;
	return CKR_OK;
bad:
	pf_wipe(out, sizeof(*out));
	memset(out, 0, sizeof(*out));
	return CKR_DEVICE_ERROR;
}
