/* challenge.c - the tool's challenge argument (a C string) through the one
 * canonical encoding of the common library (util/challenge.h). */
#include "tool/challenge.h"

#include <string.h>

int tool_challenge_parse(const char *text, unsigned char out[TOOL_CHALLENGE_MAX])
{
	size_t len;

	if (text == NULL || pf_challenge_parse(text, strlen(text), out, &len) != 0)
		return -1;
	return (int)len;
}
