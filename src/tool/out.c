/* out.c - JSON results through json-c (out.h). */
#include "tool/out.h"

#include <stdio.h>
#include <stdlib.h>

static void put(json_object *doc, const char *key, json_object *value)
{
	if (doc != NULL && value != NULL)
		json_object_object_add(doc, key, value);
	else
		json_object_put(value);
}

void out_append(json_object *list, json_object *item)
{
	if (list != NULL && item != NULL)
		json_object_array_add(list, item);
	else
		json_object_put(item);
}

void out_str(json_object *doc, const char *key, const char *value)
{
	if (value != NULL) /* an unknown name is left out */
		put(doc, key, json_object_new_string(value));
}

void out_ulong(json_object *doc, const char *key, unsigned long value)
{
	put(doc, key, json_object_new_uint64(value));
}

void out_bool(json_object *doc, const char *key, int value)
{
	put(doc, key, json_object_new_boolean(value != 0));
}

void out_hex(json_object *doc, const char *key, const unsigned char *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *text = malloc(2 * len + 1);

	if (text == NULL)
		return;
	for (size_t i = 0; i < len; i++) {
		text[2 * i] = digits[bytes[i] >> 4];
		text[2 * i + 1] = digits[bytes[i] & 0x0f];
	}
	text[2 * len] = '\0';
	put(doc, key, json_object_new_string(text));
	free(text);
}

void out_padded(json_object *doc, const char *key, const unsigned char *text, size_t len)
{
	while (len > 0 && text[len - 1] == ' ')
		len--;
	put(doc, key, json_object_new_string_len((const char *)text, (int)len));
}

int out_print(json_object *doc, int rc)
{
	if (doc == NULL) {
		fprintf(stderr, "portfolio-tool: out of memory building the JSON result\n");
		return TOOL_EXIT_FAILURE;
	}
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return rc;
}
