/* uri.c - token selection through p11-kit's URI API (uri.h). */
#include "tool/uri.h"

#include <p11-kit/uri.h>
#include <stdlib.h>
#include <string.h>

struct tool_uri {
	P11KitUri *uri;
};

static struct tool_uri *wrap(P11KitUri *uri)
{
	struct tool_uri *u = malloc(sizeof(*u));

	if (u == NULL) {
		p11_kit_uri_free(uri);
		return NULL;
	}
	u->uri = uri;
	return u;
}

struct tool_uri *tool_uri_parse(const char *text, const char **why)
{
	P11KitUri *uri = p11_kit_uri_new();
	int rc;

	if (uri == NULL) {
		*why = "out of memory";
		return NULL;
	}
	rc = p11_kit_uri_parse(text, P11_KIT_URI_FOR_OBJECT_ON_TOKEN | P11_KIT_URI_FOR_SLOT, uri);
	if (rc != P11_KIT_URI_OK) {
		*why = p11_kit_uri_message(rc);
		p11_kit_uri_free(uri);
		return NULL;
	}
	return wrap(uri);
}

/* A CK_TOKEN_INFO text field: blank-padded, not NUL-terminated. */
static int set_field(CK_UTF8CHAR *field, size_t size, const char *value)
{
	size_t len = strlen(value);

	if (len > size)
		return -1;
	memset(field, ' ', size);
	memcpy(field, value, len);
	return 0;
}

struct tool_uri *tool_uri_from_token(const char *label, const char *serial, const char **why)
{
	P11KitUri *uri = p11_kit_uri_new();
	CK_TOKEN_INFO_PTR ti;

	if (uri == NULL) {
		*why = "out of memory";
		return NULL;
	}
	ti = p11_kit_uri_get_token_info(uri);
	if ((label != NULL && set_field(ti->label, sizeof(ti->label), label) != 0) ||
	    (serial != NULL && set_field(ti->serialNumber, sizeof(ti->serialNumber), serial) != 0)) {
		*why = "a token label has at most 32 bytes, a serial at most 16";
		p11_kit_uri_free(uri);
		return NULL;
	}
	return wrap(uri);
}

int tool_uri_match(const struct tool_uri *u, unsigned long slot_id, const void *slot_info,
		   const void *token_info)
{
	/* p11_kit_uri_get_slot_id takes a non-const URI but only reads it. */
	CK_SLOT_ID wanted = p11_kit_uri_get_slot_id((P11KitUri *)u->uri);

	if (wanted != (CK_SLOT_ID)-1 && wanted != (CK_SLOT_ID)slot_id)
		return 0;
	return p11_kit_uri_match_slot_info(u->uri, (const CK_SLOT_INFO *)slot_info) &&
	       p11_kit_uri_match_token_info(u->uri, (const CK_TOKEN_INFO *)token_info);
}

int tool_uri_names_object(const struct tool_uri *u)
{
	/* p11_kit_uri_get_attribute takes a non-const URI but only reads it. */
	P11KitUri *uri = (P11KitUri *)u->uri;

	return p11_kit_uri_get_attribute(uri, CKA_ID) != NULL || p11_kit_uri_get_attribute(uri, CKA_LABEL) != NULL;
}

int tool_uri_match_key(const struct tool_uri *u, unsigned long cls, const void *id, unsigned long id_len,
		       const void *label, unsigned long label_len)
{
	CK_OBJECT_CLASS c = cls;
	CK_ATTRIBUTE attrs[] = {
		{ CKA_CLASS, &c, sizeof(c) },
		{ CKA_ID, (void *)id, id_len },
		{ CKA_LABEL, (void *)label, label_len },
	};

	return p11_kit_uri_match_attributes(u->uri, attrs, sizeof(attrs) / sizeof(attrs[0]));
}

void tool_uri_free(struct tool_uri *u)
{
	if (u == NULL)
		return;
	p11_kit_uri_free(u->uri);
	free(u);
}
