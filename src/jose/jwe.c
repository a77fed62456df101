/*
 * jwe.c - compact JWE (RFC 7516) with AES-GCM content encryption done by the
 * token (CKM_AES_GCM): 96-bit IV from C_GenerateRandom, 128-bit tag, and the
 * AAD the ASCII of the encoded protected header (RFC 7516 5.1 step 14).
 * The CEK is a token object (jwe_cek.c). Decryption releases plaintext only
 * after the token has checked the tag; on any failure the buffer is wiped.
 */
#include "jose/jose_local.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

struct jose_jwe {
	struct jose_header hdr;
	char *aad;        /* the protected header segment, as sent */
	size_t aad_len;
	uint8_t *ek;      /* JWE Encrypted Key: empty for dir */
	size_t ek_len;
	uint8_t iv[JWE_IV_LEN];
	uint8_t *ct_tag;  /* ciphertext then tag: C_Decrypt's input for GCM */
	size_t ct_len;    /* of the ciphertext alone */
};

const struct jose_header *jose_jwe_header(const struct jose_jwe *jwe)
{
	return jwe != NULL ? &jwe->hdr : NULL;
}

void jose_jwe_free(struct jose_jwe *jwe)
{
	if (jwe == NULL)
		return;
	free(jwe->aad);
	free(jwe->ek);
	free(jwe->ct_tag);
	free(jwe);
}

/* Decodes a segment that must be exactly want bytes long. */
static int decode_exact(const char *seg, size_t len, uint8_t *out, size_t want)
{
	uint8_t buf[JWE_TAG_LEN + 3];

	if (len != b64url_encoded_len(want) || b64url_decode(seg, len, buf) != (long)want)
		return JOSE_E_FORMAT;
	memcpy(out, buf, want);
	return JOSE_OK;
}

/* Ciphertext and tag into one buffer. */
static int decode_body(const struct jose_segments *s, struct jose_jwe *jwe)
{
	long n;

	if (s->len[4] != b64url_encoded_len(JWE_TAG_LEN))
		return JOSE_E_FORMAT;
	jwe->ct_tag = malloc(b64url_decoded_max(s->len[3]) + JWE_TAG_LEN + 3);
	if (jwe->ct_tag == NULL)
		return JOSE_E_MEMORY;
	n = b64url_decode(s->seg[3], s->len[3], jwe->ct_tag);
	if (n < 0)
		return JOSE_E_FORMAT;
	jwe->ct_len = (size_t)n;
	return decode_exact(s->seg[4], s->len[4], jwe->ct_tag + n, JWE_TAG_LEN);
}

static int parse_parts(const struct jose_segments *s, struct jose_jwe *jwe)
{
	int rc = jose_parse_protected(s, JOSE_KIND_JWE, &jwe->hdr);

	if (rc == JOSE_OK)
		rc = b64url_decode_alloc(s->seg[1], s->len[1], &jwe->ek, &jwe->ek_len);
	if (rc == JOSE_OK)
		rc = decode_exact(s->seg[2], s->len[2], jwe->iv, JWE_IV_LEN);
	if (rc == JOSE_OK)
		rc = decode_body(s, jwe);
	if (rc == JOSE_OK) {
		jwe->aad = malloc(s->len[0] + 1);
		if (jwe->aad == NULL)
			return JOSE_E_MEMORY;
		memcpy(jwe->aad, s->seg[0], s->len[0]);
		jwe->aad[s->len[0]] = '\0';
		jwe->aad_len = s->len[0];
	}
	return rc;
}

int jose_jwe_parse(const char *compact, size_t len, struct jose_jwe **out)
{
	struct jose_segments s;
	struct jose_jwe *jwe;
	int rc;

	if (out == NULL)
		return JOSE_E_ARGS;
	*out = NULL;
	rc = jose_split(compact, len, 5, &s);
	if (rc != JOSE_OK)
		return rc;
	jwe = calloc(1, sizeof(*jwe));
	if (jwe == NULL)
		return JOSE_E_MEMORY;
	rc = parse_parts(&s, jwe);
	if (rc != JOSE_OK) {
		jose_jwe_free(jwe);
		return rc;
	}
	*out = jwe;
	return JOSE_OK;
}

static void gcm_params(CK_GCM_PARAMS *p, uint8_t *iv, const char *aad, size_t aad_len)
{
	memset(p, 0, sizeof(*p));
	p->pIv = iv;
	p->ulIvLen = JWE_IV_LEN;
	p->ulIvBits = JWE_IV_LEN * 8;
	p->pAAD = (CK_BYTE_PTR)aad;
	p->ulAADLen = (CK_ULONG)aad_len;
	p->ulTagBits = JWE_TAG_LEN * 8;
}

/* AES-GCM in the token: ct_tag gets the ciphertext and the tag. */
static int seal(struct jose_ctx *ctx, CK_OBJECT_HANDLE cek, uint8_t *iv, const char *aad,
		const uint8_t *pt, size_t len, uint8_t **ct_tag)
{
	CK_GCM_PARAMS gcm;
	CK_MECHANISM mech = { CKM_AES_GCM, &gcm, sizeof(gcm) };
	CK_ULONG out_len = (CK_ULONG)len + JWE_TAG_LEN;
	CK_RV rv = ctx->p11->C_GenerateRandom(ctx->session, iv, JWE_IV_LEN);

	*ct_tag = NULL;
	if (rv != CKR_OK)
		return jose_token_fail(ctx, "C_GenerateRandom", rv);
	gcm_params(&gcm, iv, aad, strlen(aad));
	rv = ctx->p11->C_EncryptInit(ctx->session, &mech, cek);
	if (rv != CKR_OK)
		return jose_token_fail(ctx, "C_EncryptInit", rv);
	*ct_tag = malloc(out_len);
	if (*ct_tag == NULL) {
		(void)ctx->p11->C_EncryptInit(ctx->session, NULL, cek); /* end the operation */
		return JOSE_E_MEMORY;
	}
	rv = ctx->p11->C_Encrypt(ctx->session, (CK_BYTE_PTR)pt, (CK_ULONG)len, *ct_tag, &out_len);
	if (rv == CKR_OK && out_len != len + JWE_TAG_LEN)
		rv = CKR_GENERAL_ERROR;
	if (rv != CKR_OK) {
		free(*ct_tag);
		*ct_tag = NULL;
		return jose_token_fail(ctx, "C_Encrypt", rv);
	}
	return JOSE_OK;
}

static int assemble(const char *hdr_b64, const uint8_t *ek, size_t ek_len, const uint8_t *iv,
		    const uint8_t *ct_tag, size_t len, char **out)
{
	const uint8_t *part[] = { ek, iv, ct_tag, ct_tag + len };
	const size_t part_len[] = { ek_len, JWE_IV_LEN, len, JWE_TAG_LEN };

	return jose_join(part, part_len, 4, hdr_b64, out);
}

int jose_jwe_encrypt(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
		     const uint8_t *plaintext, size_t len, char **out)
{
	uint8_t ek[JWE_MAX_EK], iv[JWE_IV_LEN], *ct_tag = NULL;
	size_t ek_len = 0;
	CK_OBJECT_HANDLE cek = CK_INVALID_HANDLE;
	char *hdr_b64 = NULL;
	int rc;

	if (ctx == NULL || ctx->p11 == NULL || h == NULL || out == NULL || (plaintext == NULL && len > 0))
		return JOSE_E_ARGS;
	*out = NULL;
	if (len > (CK_ULONG)-1 - JWE_TAG_LEN)
		return JOSE_E_ARGS;
	rc = jose_header_encode(h, JOSE_KIND_JWE, &hdr_b64);
	if (rc == JOSE_OK)
		rc = jwe_cek_make(ctx, key, h, &cek, ek, &ek_len);
	if (rc == JOSE_OK)
		rc = seal(ctx, cek, iv, hdr_b64, plaintext != NULL ? plaintext : (const uint8_t *)"", len,
			  &ct_tag);
	if (rc == JOSE_OK)
		rc = assemble(hdr_b64, ek, ek_len, iv, ct_tag, len, out);
	jwe_cek_release(ctx, key, cek);
	free(ct_tag);
	free(hdr_b64);
	return rc;
}

/* AES-GCM decryption in the token; *pt only when the tag was right. */
static int open_body(struct jose_ctx *ctx, const struct jose_jwe *jwe, CK_OBJECT_HANDLE cek, uint8_t **pt,
		     size_t *len)
{
	CK_GCM_PARAMS gcm;
	CK_MECHANISM mech = { CKM_AES_GCM, &gcm, sizeof(gcm) };
	uint8_t iv[JWE_IV_LEN];
	CK_ULONG in_len = (CK_ULONG)(jwe->ct_len + JWE_TAG_LEN), cap = in_len, out_len = in_len;
	uint8_t *buf = malloc(cap);
	CK_RV rv;

	if (buf == NULL)
		return JOSE_E_MEMORY;
	memcpy(iv, jwe->iv, sizeof(iv));
	gcm_params(&gcm, iv, jwe->aad, jwe->aad_len);
	rv = ctx->p11->C_DecryptInit(ctx->session, &mech, cek);
	if (rv == CKR_OK)
		rv = ctx->p11->C_Decrypt(ctx->session, jwe->ct_tag, in_len, buf, &out_len);
	if (rv == CKR_OK && out_len != jwe->ct_len)
		rv = CKR_GENERAL_ERROR;
	if (rv != CKR_OK) {
		jose_free_secret(buf, cap);
		if (rv == CKR_ENCRYPTED_DATA_INVALID) {
			ctx->rv = rv;
			ctx->call = "C_Decrypt";
			return JOSE_E_INTEGRITY;
		}
		return jose_token_fail(ctx, "C_Decrypt", rv);
	}
	*pt = buf;
	*len = out_len;
	return JOSE_OK;
}

int jose_jwe_decrypt(struct jose_ctx *ctx, const struct jose_jwe *jwe, CK_OBJECT_HANDLE key,
		     uint8_t **plaintext, size_t *len)
{
	CK_OBJECT_HANDLE cek = CK_INVALID_HANDLE;
	int rc;

	if (plaintext != NULL)
		*plaintext = NULL;
	if (len != NULL)
		*len = 0;
	if (ctx == NULL || ctx->p11 == NULL || jwe == NULL || plaintext == NULL || len == NULL)
		return JOSE_E_ARGS;
	rc = jwe_cek_open(ctx, key, &jwe->hdr, jwe->ek, jwe->ek_len, &cek);
	if (rc == JOSE_OK)
		rc = open_body(ctx, jwe, cek, plaintext, len);
	jwe_cek_release(ctx, key, cek);
	return rc;
}
