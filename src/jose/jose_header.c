/*
 * jose_header.c - the JOSE protected header as JSON, through json-c (strict
 * mode, UTF-8 checked): never parsed or printed by hand. Members this library
 * does not know are ignored (RFC 7515 4), except crit (no extension is
 * understood here, so any is refused, 4.1.11) and zip (not supported).
 */
#include "jose/jose_local.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static int add_string(json_object *doc, const char *key, const char *value)
{
	json_object *v = json_object_new_string(value);

	if (v == NULL || json_object_object_add(doc, key, v) != 0) {
		json_object_put(v);
		return JOSE_E_MEMORY;
	}
	return JOSE_OK;
}

static int add_nonce(json_object *doc, const struct jose_header *h)
{
	char text[JOSE_MAX_NONCE / 3 * 4 + 8];

	if (h->nonce_len > JOSE_MAX_NONCE || b64url_encode(h->nonce, h->nonce_len, text) != 0)
		return JOSE_E_ARGS;
	return add_string(doc, "nonce", text);
}

static int build(json_object *doc, const struct jose_header *h, enum jose_kind kind)
{
	const struct jose_alg_info *a = jose_alg_info(h->alg);
	int rc;

	if (a == NULL || a->kind != kind || (kind == JOSE_KIND_JWE && jose_enc_info(h->enc) == NULL))
		return JOSE_E_UNSUPPORTED;
	if (memchr(h->kid, '\0', sizeof(h->kid)) == NULL || memchr(h->cty, '\0', sizeof(h->cty)) == NULL)
		return JOSE_E_ARGS;
	rc = add_string(doc, "alg", a->name);
	if (rc == JOSE_OK && kind == JOSE_KIND_JWE)
		rc = add_string(doc, "enc", jose_enc_name(h->enc));
	if (rc == JOSE_OK && h->kid[0] != '\0')
		rc = add_string(doc, "kid", h->kid);
	if (rc == JOSE_OK && h->cty[0] != '\0')
		rc = add_string(doc, "cty", h->cty);
	if (rc == JOSE_OK && h->nonce_len > 0)
		rc = add_nonce(doc, h);
	return rc;
}

int jose_header_encode(const struct jose_header *h, enum jose_kind kind, char **b64)
{
	json_object *doc = json_object_new_object();
	const char *json;
	size_t len;
	int rc;

	*b64 = NULL;
	if (doc == NULL)
		return JOSE_E_MEMORY;
	rc = build(doc, h, kind);
	json = rc == JOSE_OK ? json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
								     JSON_C_TO_STRING_NOSLASHESCAPE)
			     : NULL;
	if (rc == JOSE_OK && json == NULL)
		rc = JOSE_E_MEMORY;
	if (rc == JOSE_OK) {
		len = strlen(json);
		*b64 = malloc(b64url_encoded_len(len) + 1);
		if (*b64 == NULL)
			rc = JOSE_E_MEMORY;
		else if (b64url_encode((const uint8_t *)json, len, *b64) != 0) {
			free(*b64);
			*b64 = NULL;
			rc = JOSE_E_ARGS;
		}
	}
	json_object_put(doc);
	return rc;
}

/* A member that must be a string of at most max bytes without NUL. Absent:
 * *out NULL and JOSE_OK. */
static int get_string(json_object *doc, const char *key, size_t max, const char **out)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(doc, key, &v))
		return JOSE_OK;
	if (!json_object_is_type(v, json_type_string))
		return JOSE_E_HEADER;
	*out = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) > max || strlen(*out) != (size_t)json_object_get_string_len(v))
		return JOSE_E_HEADER;
	return JOSE_OK;
}

static int read_algorithms(json_object *doc, enum jose_kind kind, struct jose_header *h)
{
	const char *alg, *enc;
	const struct jose_alg_info *a;
	int rc = get_string(doc, "alg", 32, &alg);

	if (rc == JOSE_OK)
		rc = get_string(doc, "enc", 32, &enc);
	if (rc != JOSE_OK)
		return rc;
	if (alg == NULL) /* required in both (RFC 7515 4.1.1, RFC 7516 4.1.1) */
		return JOSE_E_HEADER;
	if (jose_alg_from_name(alg, &h->alg) != JOSE_OK)
		return JOSE_E_UNSUPPORTED;
	a = jose_alg_info(h->alg);
	if (a->kind != kind)
		return JOSE_E_UNSUPPORTED;
	if (kind == JOSE_KIND_JWE) {
		if (enc == NULL)
			return JOSE_E_HEADER;
		if (jose_enc_from_name(enc, &h->enc) != JOSE_OK)
			return JOSE_E_UNSUPPORTED;
	}
	return JOSE_OK;
}

static int read_onem2m(json_object *doc, struct jose_header *h)
{
	const char *kid, *cty, *nonce;
	int rc = get_string(doc, "kid", JOSE_MAX_KID, &kid);
	long n;

	if (rc == JOSE_OK)
		rc = get_string(doc, "cty", JOSE_MAX_CTY, &cty);
	if (rc == JOSE_OK)
		rc = get_string(doc, "nonce", JOSE_MAX_NONCE / 3 * 4 + 3, &nonce);
	if (rc != JOSE_OK)
		return rc;
	if (kid != NULL)
		strcpy(h->kid, kid);
	if (cty != NULL)
		strcpy(h->cty, cty);
	if (nonce != NULL) {
		uint8_t buf[JOSE_MAX_NONCE + 3];

		n = b64url_decode(nonce, strlen(nonce), buf);
		if (n <= 0 || n > JOSE_MAX_NONCE)
			return JOSE_E_HEADER;
		memcpy(h->nonce, buf, (size_t)n);
		h->nonce_len = (size_t)n;
	}
	return JOSE_OK;
}

static json_object *parse_object(const char *json, size_t len)
{
	json_tokener *tok = json_tokener_new();
	json_object *doc = NULL;

	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, json, (int)len);
	/* the whole segment, one object, nothing after it */
	if (doc != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
			    json_tokener_get_parse_end(tok) != len || !json_object_is_type(doc, json_type_object))) {
		json_object_put(doc);
		doc = NULL;
	}
	json_tokener_free(tok);
	return doc;
}

int jose_header_parse(const char *json, size_t len, enum jose_kind kind, struct jose_header *h)
{
	json_object *doc, *ignored;
	int rc;

	memset(h, 0, sizeof(*h));
	if (len == 0 || len > JOSE_MAX_HEADER || memchr(json, '\0', len) != NULL)
		return JOSE_E_HEADER;
	doc = parse_object(json, len);
	if (doc == NULL)
		return JOSE_E_HEADER;
	rc = read_algorithms(doc, kind, h);
	if (rc == JOSE_OK && (json_object_object_get_ex(doc, "crit", &ignored) ||
			      json_object_object_get_ex(doc, "zip", &ignored)))
		rc = JOSE_E_UNSUPPORTED;
	if (rc == JOSE_OK)
		rc = read_onem2m(doc, h);
	json_object_put(doc);
	if (rc != JOSE_OK)
		memset(h, 0, sizeof(*h));
	return rc;
}
