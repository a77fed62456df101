/* hex.c - hexadecimal digits to bytes (see hex.h). */
#include "util/hex.h"

int pf_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pf_hex_decode(const char *text, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = pf_hex_digit(text[2 * i]);
		/* A NUL high digit stops here, so the low one is never read past it. */
		int lo = hi < 0 ? -1 : pf_hex_digit(text[2 * i + 1]);

		if (lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
