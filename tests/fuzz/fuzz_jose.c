/*
 * fuzz_jose.c - the compact JWE / JWS parsers of src/jose (segments,
 * base64url, the protected header through json-c), which take bytes from the
 * network before any key is involved. The first byte picks JWE, JWS or the
 * base64url codec; the rest is the input, in a buffer of exactly its length.
 *
 * Properties besides memory safety: a parsed JWE has a JWE alg and an enc,
 * a parsed JWS a JWS alg and no payload before verification, header strings
 * are NUL-terminated within their bounds; base64url that decodes re-encodes
 * to the same text (one textual form per byte string).
 */
#include "config.h"
#include "fuzz_input.h"

#include "jose/jose.h"
#include "jose/jose_local.h"

static void check_header(const struct jose_header *h)
{
	FZ_CHECK(memchr(h->kid, '\0', sizeof(h->kid)) != NULL);
	FZ_CHECK(memchr(h->cty, '\0', sizeof(h->cty)) != NULL);
	FZ_CHECK(h->nonce_len <= JOSE_MAX_NONCE);
}

static void jwe(const char *d, size_t n)
{
	struct jose_jwe *j = NULL;

	if (jose_jwe_parse(d, n, &j) != JOSE_OK) {
		FZ_CHECK(j == NULL);
		return;
	}
	const struct jose_header *h = jose_jwe_header(j);
	const struct jose_alg_info *a = jose_alg_info(h->alg);
	FZ_CHECK(a != NULL && a->kind == JOSE_KIND_JWE);
	FZ_CHECK(jose_enc_info(h->enc) != NULL);
	check_header(h);
	jose_jwe_free(j);
}

static void jws(const char *d, size_t n)
{
	struct jose_jws *j = NULL;
	size_t len = 1;

	if (jose_jws_parse(d, n, &j) != JOSE_OK) {
		FZ_CHECK(j == NULL);
		return;
	}
	const struct jose_header *h = jose_jws_header(j);
	const struct jose_alg_info *a = jose_alg_info(h->alg);
	FZ_CHECK(a != NULL && a->kind == JOSE_KIND_JWS);
	FZ_CHECK(jose_jws_payload(j, &len) == NULL && len == 0);
	check_header(h);
	jose_jws_free(j);
}

static void codec(const char *d, size_t n)
{
	uint8_t *bytes = malloc(b64url_decoded_max(n));
	FZ_CHECK(bytes != NULL);
	long got = b64url_decode(d, n, bytes);
	if (got >= 0) {
		char *text = malloc(b64url_encoded_len((size_t)got) + 1);
		FZ_CHECK(text != NULL);
		FZ_CHECK(b64url_encode(bytes, (size_t)got, text) == 0);
		FZ_CHECK(strlen(text) == n && memcmp(text, d, n) == 0);
		free(text);
	}
	free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *d = malloc(size - 1 + 1); /* exactly the input (never 0 bytes) */
	FZ_CHECK(d != NULL);
	memcpy(d, data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		jwe(d, size - 1);
		break;
	case 1:
		jws(d, size - 1);
		break;
	default:
		codec(d, size - 1);
		break;
	}
	free(d);
	return 0;
}
