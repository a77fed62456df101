#include "config.h"
#include "demo/narrate.h"

#include <stdarg.h>
#include <stdio.h>

static int failures;

void demo_section(const char *title)
{
	printf("\n== %s ==\n", title);
}

void demo_say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

const char *demo_coap(pf_obj16_result result, pf_obj16_op op)
{
	switch (pf_obj16_coap_code(result, op)) {
	case 0x42: return "2.02 Deleted";
	case 0x44: return "2.04 Changed";
	case 0x45: return "2.05 Content";
	case 0x80: return "4.00 Bad Request";
	case 0x84: return "4.04 Not Found";
	case 0x85: return "4.05 Method Not Allowed";
	case 0xA0: return "5.00 Internal Server Error";
	default: return "(other)";
	}
}

const char *demo_status_name(pf_obj16_status status)
{
	switch (status) {
	case PF_OBJ16_IDLE: return "0 (IDLE)";
	case PF_OBJ16_DATA_AVAIL: return "1 (DATA_AVAIL)";
	case PF_OBJ16_ERROR: return "2 (ERROR)";
	}
	return "?";
}

void demo_hex(const char *label, const uint8_t *data, size_t len)
{
	printf("%s", label);
	for (size_t i = 0; i < len; i++)
		printf("%02x", data[i]);
	putchar('\n');
}

void demo_expect(int ok, const char *fmt, ...)
{
	va_list ap;
	if (ok)
		return;
	failures++;
	printf("   !! UNEXPECTED: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int demo_failures(void)
{
	return failures;
}
