/* challenge.c - canonical challenge bytes from the server's text form. */
#include "tool/challenge.h"
#include "tool/hex.h"

#include <string.h>

static int parse_hex(const char *digits, unsigned char out[TOOL_CHALLENGE_MAX])
{
	size_t n = strlen(digits);
	size_t bytes = (n + 1) / 2;
	/* With an odd count the first byte holds a single (low) nibble. */
	size_t pos = n % 2;

	if (n == 0 || bytes > TOOL_CHALLENGE_MAX)
		return -1;
	memset(out, 0, TOOL_CHALLENGE_MAX);
	for (size_t i = 0; i < n; i++, pos++) {
		int v = hex_digit_value(digits[i]);

		if (v < 0)
			return -1;
		out[pos / 2] |= (unsigned char)(pos % 2 == 0 ? v << 4 : v);
	}
	return (int)bytes;
}

static int parse_decimal(const char *digits, unsigned char out[TOOL_CHALLENGE_MAX])
{
	/* Big-endian accumulator: acc = acc * 10 + digit, byte by byte. A carry
	 * out of the top byte means the number needs more than 64 bytes. */
	unsigned char acc[TOOL_CHALLENGE_MAX];
	size_t start = 0;

	if (digits[0] == '\0')
		return -1;
	memset(acc, 0, sizeof(acc));
	for (const char *p = digits; *p != '\0'; p++) {
		unsigned carry;

		if (*p < '0' || *p > '9')
			return -1;
		carry = (unsigned)(*p - '0');
		for (size_t i = TOOL_CHALLENGE_MAX; i-- > 0;) {
			unsigned v = acc[i] * 10u + carry;

			acc[i] = (unsigned char)(v & 0xff);
			carry = v >> 8;
		}
		if (carry != 0)
			return -1;
	}
	/* Minimal encoding: drop leading zero bytes but keep one for zero. */
	while (start < TOOL_CHALLENGE_MAX - 1 && acc[start] == 0)
		start++;
	memcpy(out, acc + start, TOOL_CHALLENGE_MAX - start);
	return (int)(TOOL_CHALLENGE_MAX - start);
}

int tool_challenge_parse(const char *text, unsigned char out[TOOL_CHALLENGE_MAX])
{
	if (text == NULL)
		return -1;
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		return parse_hex(text + 2, out);
	return parse_decimal(text, out);
}
