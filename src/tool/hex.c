/* hex.c - hexadecimal text <-> bytes for the command line; the digits are
 * decoded by the common library (util/hex.h). */
#include "tool/hex.h"
#include "util/hex.h"

#include <string.h>

long hex_decode(const char *text, unsigned char *out, size_t cap)
{
	size_t len = strlen(text);

	if (len % 2 != 0 || len / 2 > cap || pf_hex_decode(text, out, len / 2) != 0)
		return -1;
	return (long)(len / 2);
}

const char *hex_problem(const char *text, size_t cap)
{
	size_t len = strlen(text);

	/* The order matters: a stray letter is the likelier mistake, and
	 * "odd number of digits" would send the user looking in the wrong place. */
	for (size_t i = 0; i < len; i++)
		if (pf_hex_digit(text[i]) < 0)
			return "is not hex (a character other than 0-9, a-f, A-F)";
	if (len == 0)
		return "is empty";
	if (len % 2 != 0)
		return "has an odd number of hex digits (two per byte)";
	if (len / 2 > cap)
		return "is too long";
	return NULL;
}

void hex_print(FILE *f, const unsigned char *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		fputc(digits[bytes[i] >> 4], f);
		fputc(digits[bytes[i] & 0x0f], f);
	}
}
