/*
 * test_crypto_util.h - hex helpers shared by the engine's unit tests
 * (test_crypto_*, test_mech_*, test_emu_ops*). Header-only on purpose.
 */
#ifndef PORTFOLIO_TEST_CRYPTO_UTIL_H
#define PORTFOLIO_TEST_CRYPTO_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decode hex (spaces ignored) into out; returns the byte count, aborts on bad input. */
static inline size_t unhex(const char *hex, uint8_t *out, size_t room)
{
	size_t n = 0;
	int hi = -1;

	for (const char *p = hex; *p; p++) {
		int v;
		if (*p == ' ')
			continue;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			abort();
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= room)
				abort();
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		abort();
	return n;
}

/* Lower-case hex of data into a static buffer (tests only; not reentrant). */
static inline const char *tohex(const uint8_t *data, size_t len)
{
	static char buf[4096];
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len && 2 * i + 2 < sizeof(buf); i++) {
		buf[2 * i] = digits[data[i] >> 4];
		buf[2 * i + 1] = digits[data[i] & 15];
	}
	buf[2 * i] = '\0';
	return buf;
}

#define assert_hex_equal(data, len, hex) assert_string_equal(tohex((data), (len)), (hex))

#endif
