/*
 * jose_compact.c - the compact serialisation (RFC 7515 7.1, RFC 7516 7.1):
 * base64url segments joined by '.', split and joined here.
 */
#include "jose/jose_local.h"

#include <stdlib.h>
#include <string.h>

int jose_split(const char *compact, size_t len, size_t n, struct jose_segments *s)
{
	size_t k = 0, start = 0;

	memset(s, 0, sizeof(*s));
	if (compact == NULL || n == 0 || n > JOSE_MAX_SEGMENTS)
		return JOSE_E_ARGS;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && compact[i] != '.')
			continue;
		if (k == n) /* one segment too many */
			return JOSE_E_FORMAT;
		s->seg[k] = compact + start;
		s->len[k] = i - start;
		k++;
		start = i + 1;
	}
	return k == n ? JOSE_OK : JOSE_E_FORMAT;
}

int jose_parse_protected(const struct jose_segments *s, enum jose_kind kind, struct jose_header *h)
{
	uint8_t *json;
	size_t json_len;
	int rc;

	memset(h, 0, sizeof(*h));
	if (s->len[0] == 0)
		return JOSE_E_FORMAT;
	if (s->len[0] > JOSE_MAX_HEADER / 3 * 4 + 4)
		return JOSE_E_HEADER;
	rc = b64url_decode_alloc(s->seg[0], s->len[0], &json, &json_len);
	if (rc != JOSE_OK)
		return rc;
	rc = jose_header_parse((const char *)json, json_len, kind, h);
	free(json);
	return rc;
}

int jose_join(const uint8_t *const part[], const size_t part_len[], size_t n, const char *first_b64,
	      char **out)
{
	size_t total = strlen(first_b64) + 1;
	char *w;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (part_len[i] > (SIZE_MAX - total) / 2)
			return JOSE_E_ARGS;
		total += b64url_encoded_len(part_len[i]) + 1;
	}
	*out = malloc(total);
	if (*out == NULL)
		return JOSE_E_MEMORY;
	strcpy(*out, first_b64);
	w = *out + strlen(first_b64);
	for (size_t i = 0; i < n; i++) {
		*w++ = '.';
		if (b64url_encode(part[i], part_len[i], w) != 0) {
			free(*out);
			*out = NULL;
			return JOSE_E_ARGS;
		}
		w += strlen(w);
	}
	return JOSE_OK;
}
