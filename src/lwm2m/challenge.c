#include "config.h"
#include "lwm2m/challenge.h"

#include <string.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *digits, size_t n, uint8_t *out, size_t *out_len)
{
	if (n == 0 || n > 2 * PF_LWM2M_CHALLENGE_MAX)
		return -1;
	/* An odd count means the first byte holds a single (low) nibble. */
	size_t bytes = (n + 1) / 2;
	size_t di = 0;
	for (size_t bi = 0; bi < bytes; bi++) {
		int hi = 0;
		if (bi != 0 || n % 2 == 0) {
			hi = hex_value(digits[di++]);
			if (hi < 0)
				return -1;
		}
		int lo = hex_value(digits[di++]);
		if (lo < 0)
			return -1;
		out[bi] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = bytes;
	return 0;
}

static int parse_decimal(const char *digits, size_t n, uint8_t *out, size_t *out_len)
{
	/* Schoolbook base conversion into a fixed 64-byte big-endian
	 * accumulator: a carry out of the top byte means the value needs more
	 * than 64 bytes. */
	uint8_t acc[PF_LWM2M_CHALLENGE_MAX];
	memset(acc, 0, sizeof(acc));
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return -1;
		unsigned carry = (unsigned)(digits[i] - '0');
		for (size_t b = PF_LWM2M_CHALLENGE_MAX; b-- > 0;) {
			unsigned v = acc[b] * 10u + carry;
			acc[b] = (uint8_t)(v & 0xff);
			carry = v >> 8;
		}
		if (carry != 0)
			return -1;
	}
	size_t first = 0;
	while (first < PF_LWM2M_CHALLENGE_MAX - 1 && acc[first] == 0)
		first++;
	*out_len = PF_LWM2M_CHALLENGE_MAX - first;
	memcpy(out, acc + first, *out_len);
	return 0;
}

int pf_lwm2m_challenge_parse(const char *text, size_t len, uint8_t out[PF_LWM2M_CHALLENGE_MAX], size_t *out_len)
{
	if (text == NULL || out == NULL || out_len == NULL)
		return -1;
	*out_len = 0;
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return parse_hex(text + 2, len - 2, out, out_len);
	return parse_decimal(text, len, out, out_len);
}
