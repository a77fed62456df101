/*
 * out.h - machine-readable results. With --json a command prints exactly one
 * JSON document on standard output, built with json-c (never by hand), and
 * its messages stay on standard error; the exit status is the same as without.
 */
#ifndef PORTFOLIO_TOOL_OUT_H
#define PORTFOLIO_TOOL_OUT_H

#include <json-c/json.h>
#include <stddef.h>

#include "tool/tool.h"

static inline int out_json(const struct tool *t)
{
	return options_has(&t->opts, OPT_JSON);
}

/* doc["key"] = value, for the common value kinds. A NULL doc is ignored, so
 * a builder can run unchanged when allocation failed (out_print reports it). */
void out_str(json_object *doc, const char *key, const char *value);
void out_ulong(json_object *doc, const char *key, unsigned long value);
void out_bool(json_object *doc, const char *key, int value);
void out_hex(json_object *doc, const char *key, const unsigned char *bytes, size_t len);
/* list[] += item (both may be NULL after a failed allocation). */
void out_append(json_object *list, json_object *item);
/* A PKCS#11 blank-padded text field, without the padding. */
void out_padded(json_object *doc, const char *key, const unsigned char *text, size_t len);

/* Prints doc on stdout and frees it. Returns rc, or TOOL_EXIT_FAILURE when
 * doc is NULL (out of memory: nothing printed). */
int out_print(json_object *doc, int rc);

#endif
