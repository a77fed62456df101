/*
 * uri.h - choosing a token by RFC 7512 PKCS#11 URI, label or serial, through
 * p11-kit's URI API (p11_kit_uri_parse, p11_kit_uri_match_*): nothing here
 * parses a URI by hand. p11-kit's <p11-kit/pkcs11.h> and the project's
 * header cannot meet in one translation unit, so uri.c includes only
 * p11-kit's and this interface passes the (ABI-identical) CK_SLOT_INFO and
 * CK_TOKEN_INFO as untyped pointers.
 */
#ifndef PORTFOLIO_TOOL_URI_H
#define PORTFOLIO_TOOL_URI_H

#include <stddef.h>

struct tool_uri;

/* Parses a "pkcs11:" URI naming a token (and maybe a slot). Returns NULL and
 * sets *why (p11-kit's message) when it is not one. */
struct tool_uri *tool_uri_parse(const char *text, const char **why);
/* A filter on the token label and/or serial (either may be NULL). NULL and
 * *why when a value is longer than its CK_TOKEN_INFO field. */
struct tool_uri *tool_uri_from_token(const char *label, const char *serial, const char **why);
/* 1 when the slot (its id, CK_SLOT_INFO) and its token (CK_TOKEN_INFO) match. */
int tool_uri_match(const struct tool_uri *u, unsigned long slot_id, const void *slot_info,
		   const void *token_info);
/* 1 when the URI names an object (object= or id=), so it can choose a key. */
int tool_uri_names_object(const struct tool_uri *u);
/* 1 when a key with this class, CKA_ID and CKA_LABEL matches the URI's object
 * attributes (p11_kit_uri_match_attributes). */
int tool_uri_match_key(const struct tool_uri *u, unsigned long cls, const void *id, unsigned long id_len,
		       const void *label, unsigned long label_len);
void tool_uri_free(struct tool_uri *u);

#endif
