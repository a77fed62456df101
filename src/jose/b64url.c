/*
 * b64url.c - base64url without padding (RFC 7515 section 2, RFC 4648 section
 * 5). An encoding, not cryptography: OpenSSL's EVP_EncodeBlock /
 * EVP_DecodeBlock do the base64, this file only swaps the two alphabet
 * characters and the padding. Decoding is strict, so that one JWS has one
 * textual form: only the 64 URL characters, no padding, and the input must
 * be what encoding the decoded bytes gives back (unused bits zero).
 */
#include "jose/jose_local.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

size_t b64url_encoded_len(size_t n)
{
	return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

size_t b64url_decoded_max(size_t len)
{
	return len / 4 * 3 + 3;
}

/* One chunk at a time so that EVP's int lengths never overflow. */
#define B64_CHUNK 3072 /* bytes in, a multiple of 3: 4096 characters out */

/* EVP_EncodeBlock pads the last group with '=' and adds a NUL: whole
 * groups go straight to out (4k characters and the NUL fit in the caller's
 * b64url_encoded_len(n) + 1), the last partial group through a small buffer,
 * so nothing is ever written past what the caller sized. */
int b64url_encode(const uint8_t *in, size_t n, char *out)
{
	size_t whole = n - n % 3, done = 0, tail = n % 3;
	char *w = out;
	unsigned char last[5];

	while (done < whole) {
		size_t take = whole - done < B64_CHUNK ? whole - done : B64_CHUNK;

		if (EVP_EncodeBlock((unsigned char *)w, in + done, (int)take) != (int)(take / 3 * 4))
			return -1;
		w += take / 3 * 4;
		done += take;
	}
	if (tail != 0) {
		if (EVP_EncodeBlock(last, in + done, (int)tail) != 4)
			return -1;
		memcpy(w, last, tail + 1); /* 1 byte -> 2 characters, 2 -> 3 */
		w += tail + 1;
	}
	*w = '\0';
	for (char *p = out; p < w; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	}
	return 0;
}

static int url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_';
}

/* One group of at most 4 characters into up to 3 bytes. */
static long decode_group(const char *in, size_t len, uint8_t *out)
{
	unsigned char text[4] = { '=', '=', '=', '=' };
	unsigned char bytes[3];
	char check[5];
	long n = (long)len - 1; /* 2 chars -> 1 byte, 3 -> 2, 4 -> 3 */

	for (size_t i = 0; i < len; i++)
		text[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : (unsigned char)in[i];
	if (EVP_DecodeBlock(bytes, text, 4) != 3)
		return -1;
	/* canonical: the unused low bits of the last character are zero */
	if (b64url_encode(bytes, (size_t)n, check) != 0 || memcmp(check, in, len) != 0)
		return -1;
	memcpy(out, bytes, (size_t)n);
	return n;
}

long b64url_decode(const char *in, size_t len, uint8_t *out)
{
	size_t i, done = 0;

	if (len % 4 == 1 || len > (size_t)LONG_MAX / 2)
		return -1;
	for (i = 0; i < len; i++)
		if (!url_char(in[i]))
			return -1;
	for (i = 0; i < len; i += 4) {
		long got = decode_group(in + i, len - i < 4 ? len - i : 4, out + done);

		if (got < 0)
			return -1;
		done += (size_t)got;
	}
	return (long)done;
}

int b64url_decode_alloc(const char *in, size_t len, uint8_t **out, size_t *out_len)
{
	uint8_t *buf = malloc(b64url_decoded_max(len));
	long n;

	*out = NULL;
	*out_len = 0;
	if (buf == NULL)
		return JOSE_E_MEMORY;
	n = b64url_decode(in, len, buf);
	if (n < 0) {
		free(buf);
		return JOSE_E_FORMAT;
	}
	*out = buf;
	*out_len = (size_t)n;
	return JOSE_OK;
}
