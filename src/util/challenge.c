/*
 * challenge.c - text challenge -> canonical bytes (see challenge.h).
 */
#include <string.h>

#include "util/challenge.h"
#include "util/hex.h"

static int parse_hex(const char *d, size_t n, uint8_t *out, size_t *out_len)
{
	size_t bytes = (n + 1) / 2;
	size_t pos = 0;

	if (n == 0 || bytes > PF_CHALLENGE_MAX)
		return -1;
	/* An odd count: the first digit is the low nibble of the first byte. */
	if (n % 2 == 1) {
		int v = pf_hex_digit(d[0]);
		if (v < 0)
			return -1;
		out[pos++] = (uint8_t)v;
		d++;
		n--;
	}
	if (pf_hex_decode(d, out + pos, n / 2) != 0)
		return -1;
	*out_len = bytes;
	return 0;
}

static int parse_decimal(const char *d, size_t n, uint8_t *out, size_t *out_len)
{
	/* Big-endian accumulator one byte wider than the limit, to see overflow. */
	uint8_t acc[PF_CHALLENGE_MAX + 1];
	size_t start;

	if (n == 0)
		return -1;
	memset(acc, 0, sizeof(acc));
	for (size_t i = 0; i < n; i++) {
		unsigned carry;
		if (d[i] < '0' || d[i] > '9')
			return -1;
		carry = (unsigned)(d[i] - '0');
		for (size_t j = sizeof(acc); j-- > 0;) {
			unsigned v = acc[j] * 10u + carry;
			acc[j] = (uint8_t)v;
			carry = v >> 8;
		}
		if (carry != 0 || acc[0] != 0)
			return -1; /* >= 2^512: does not fit in 64 bytes */
	}
	for (start = 1; start < sizeof(acc) - 1 && acc[start] == 0; start++)
		;
	*out_len = sizeof(acc) - start; /* the value 0 keeps one 00 byte */
	memcpy(out, acc + start, *out_len);
	return 0;
}

int pf_challenge_parse(const char *text, size_t len, uint8_t out[PF_CHALLENGE_MAX],
                       size_t *out_len)
{
	int rc;

	if (out_len == NULL)
		return -1;
	*out_len = 0;
	if (text == NULL || out == NULL || len == 0)
		return -1;
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		rc = parse_hex(text + 2, len - 2, out, out_len);
	else
		rc = parse_decimal(text, len, out, out_len);
	if (rc != 0)
		*out_len = 0;
	return rc;
}
