/*
 * jws.c - compact JWS (RFC 7515) with HMAC (RFC 7518 3.2) computed and
 * checked by the token: C_Sign / C_Verify with CKM_SHA256_HMAC,
 * CKM_SHA384_HMAC or CKM_SHA512_HMAC over the JWS Signing Input
 * ASCII(BASE64URL(header) '.' BASE64URL(payload)). The token compares the
 * MAC (in constant time); "none" never gets this far (jose_header.c).
 */
#include "jose/jose_local.h"

#include <stdlib.h>
#include <string.h>

#define JWS_MAX_MAC 64

struct jose_jws {
	struct jose_header hdr;
	char *signing_input;    /* header '.' payload, as received */
	size_t signing_len;
	uint8_t *payload;
	size_t payload_len;
	uint8_t mac[JWS_MAX_MAC];
	size_t mac_len;
	int verified;
};

const struct jose_header *jose_jws_header(const struct jose_jws *jws)
{
	return jws != NULL ? &jws->hdr : NULL;
}

void jose_jws_free(struct jose_jws *jws)
{
	if (jws == NULL)
		return;
	free(jws->signing_input);
	jose_free_secret(jws->payload, jws->payload_len);
	free(jws);
}

const uint8_t *jose_jws_payload(const struct jose_jws *jws, size_t *len)
{
	if (len != NULL)
		*len = 0;
	if (jws == NULL || !jws->verified || len == NULL)
		return NULL;
	*len = jws->payload_len;
	return jws->payload;
}

static CK_ULONG mac_len(const struct jose_alg_info *a)
{
	return a->key_len; /* the hash output: the minimum key length too */
}

static int parse_parts(const char *compact, const struct jose_segments *s, struct jose_jws *jws)
{
	const struct jose_alg_info *a;
	uint8_t mac[JWS_MAX_MAC + 3];
	long n;
	int rc = jose_parse_protected(s, JOSE_KIND_JWS, &jws->hdr);

	if (rc != JOSE_OK)
		return rc;
	a = jose_alg_info(jws->hdr.alg);
	if (s->len[2] != b64url_encoded_len(mac_len(a)))
		return JOSE_E_FORMAT;
	n = b64url_decode(s->seg[2], s->len[2], mac);
	if (n != (long)mac_len(a))
		return JOSE_E_FORMAT;
	memcpy(jws->mac, mac, (size_t)n);
	jws->mac_len = (size_t)n;
	rc = b64url_decode_alloc(s->seg[1], s->len[1], &jws->payload, &jws->payload_len);
	if (rc != JOSE_OK)
		return rc;
	jws->signing_len = s->len[0] + 1 + s->len[1];
	jws->signing_input = malloc(jws->signing_len + 1);
	if (jws->signing_input == NULL)
		return JOSE_E_MEMORY;
	memcpy(jws->signing_input, compact, jws->signing_len);
	jws->signing_input[jws->signing_len] = '\0';
	return JOSE_OK;
}

int jose_jws_parse(const char *compact, size_t len, struct jose_jws **out)
{
	struct jose_segments s;
	struct jose_jws *jws;
	int rc;

	if (out == NULL)
		return JOSE_E_ARGS;
	*out = NULL;
	rc = jose_split(compact, len, 3, &s);
	if (rc != JOSE_OK)
		return rc;
	jws = calloc(1, sizeof(*jws));
	if (jws == NULL)
		return JOSE_E_MEMORY;
	rc = parse_parts(compact, &s, jws);
	if (rc != JOSE_OK) {
		jose_jws_free(jws);
		return rc;
	}
	*out = jws;
	return JOSE_OK;
}

static int mac_key_check(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
			 const struct jose_alg_info **a)
{
	*a = jose_alg_info(h->alg);
	if (*a == NULL || (*a)->kind != JOSE_KIND_JWS)
		return JOSE_E_UNSUPPORTED;
	return jose_key_check(ctx, key, (*a)->key_type, (*a)->key_len, 1);
}

/* The signing input: the encoded header '.' the encoded payload. */
static int signing_input(const char *hdr_b64, const uint8_t *payload, size_t len, char **out)
{
	const uint8_t *part[] = { payload };
	const size_t part_len[] = { len };

	return jose_join(part, part_len, 1, hdr_b64, out);
}

static int append_mac(char **compact, const uint8_t *mac, size_t len)
{
	const uint8_t *part[] = { mac };
	const size_t part_len[] = { len };
	char *joined;
	int rc = jose_join(part, part_len, 1, *compact, &joined);

	free(*compact);
	*compact = joined;
	return rc;
}

int jose_jws_sign(struct jose_ctx *ctx, CK_OBJECT_HANDLE key, const struct jose_header *h,
		  const uint8_t *payload, size_t len, char **out)
{
	const struct jose_alg_info *a = NULL;
	char *hdr_b64 = NULL, *input = NULL;
	uint8_t mac[JWS_MAX_MAC];
	CK_ULONG mlen = sizeof(mac);
	CK_MECHANISM mech = { 0, NULL, 0 };
	CK_RV rv;
	int rc;

	if (ctx == NULL || ctx->p11 == NULL || h == NULL || out == NULL || (payload == NULL && len > 0))
		return JOSE_E_ARGS;
	*out = NULL;
	rc = jose_header_encode(h, JOSE_KIND_JWS, &hdr_b64);
	if (rc == JOSE_OK)
		rc = mac_key_check(ctx, key, h, &a);
	if (rc == JOSE_OK)
		rc = signing_input(hdr_b64, payload != NULL ? payload : (const uint8_t *)"", len, &input);
	free(hdr_b64);
	if (rc != JOSE_OK)
		return rc;
	mech.mechanism = a->mech;
	rv = ctx->p11->C_SignInit(ctx->session, &mech, key);
	if (rv == CKR_OK)
		rv = ctx->p11->C_Sign(ctx->session, (CK_BYTE_PTR)input, (CK_ULONG)strlen(input), mac, &mlen);
	if (rv == CKR_OK && mlen != mac_len(a))
		rv = CKR_GENERAL_ERROR;
	if (rv != CKR_OK) {
		free(input);
		return jose_token_fail(ctx, "C_Sign", rv);
	}
	rc = append_mac(&input, mac, mlen);
	*out = rc == JOSE_OK ? input : NULL;
	return rc;
}

int jose_jws_verify(struct jose_ctx *ctx, struct jose_jws *jws, CK_OBJECT_HANDLE key)
{
	const struct jose_alg_info *a;
	CK_MECHANISM mech = { 0, NULL, 0 };
	CK_RV rv;
	int rc;

	if (ctx == NULL || ctx->p11 == NULL || jws == NULL)
		return JOSE_E_ARGS;
	jws->verified = 0;
	rc = mac_key_check(ctx, key, &jws->hdr, &a);
	if (rc != JOSE_OK)
		return rc;
	mech.mechanism = a->mech;
	rv = ctx->p11->C_VerifyInit(ctx->session, &mech, key);
	if (rv == CKR_OK)
		rv = ctx->p11->C_Verify(ctx->session, (CK_BYTE_PTR)jws->signing_input,
					(CK_ULONG)jws->signing_len, jws->mac, (CK_ULONG)jws->mac_len);
	if (rv == CKR_SIGNATURE_INVALID || rv == CKR_SIGNATURE_LEN_RANGE) {
		ctx->rv = rv;
		ctx->call = "C_Verify";
		return JOSE_E_INTEGRITY;
	}
	if (rv != CKR_OK)
		return jose_token_fail(ctx, "C_Verify", rv);
	jws->verified = 1;
	return JOSE_OK;
}
