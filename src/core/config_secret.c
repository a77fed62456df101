/*
 * config_secret.c - the settings that name secret files: the store's secret
 * (store_key, default <store>.key) and an instance's SCP03 static keys
 * (instance.N.scp03_keyfile). The keys never sit in the main configuration
 * file, which is typically world-readable; a key file that group or others
 * can read is refused (util/secret_file.h), as ssh refuses a private key.
 *
 * SCP03 key file layout (docs/architecture.md): text; blank lines and lines
 * starting with '#' are ignored; exactly one line "kvn:enc:mac:dek" (hex:
 * one byte, then three 16-byte AES keys).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "scp03/scp03.h"
#include "util/log.h"
#include "util/secret_file.h"
#include "util/secure.h"

#define STORE_KEY_SUFFIX ".key"
#define KEYFILE_MAX 4096

const char *core_config_store_key(core_config *cfg)
{
	if (cfg->store_key_path == NULL && cfg->store_path != NULL) {
		size_t n = strlen(cfg->store_path);
		char *p = malloc(n + sizeof STORE_KEY_SUFFIX);
		if (p == NULL)
			return NULL;
		memcpy(p, cfg->store_path, n);
		memcpy(p + n, STORE_KEY_SUFFIX, sizeof STORE_KEY_SUFFIX);
		cfg->store_key_path = p;
	}
	return cfg->store_key_path;
}

void core_secret_str_free(char *s)
{
	if (s != NULL)
		pf_free_secret(s, strlen(s) + 1);
}

/* The one key line of text (NUL-terminated, modified in place), or NULL. */
static char *key_line(char *text)
{
	char *found = NULL;

	for (char *line = text, *next; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line += strspn(line, " \t");
		line[strcspn(line, " \t\r")] = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if (found != NULL)
			return NULL; /* two key lines: which one did the installer mean? */
		found = line;
	}
	return found;
}

CK_RV core_scp03_keyfile_load(const char *path, char **keys, const char *name, unsigned line)
{
	uint8_t buf[KEYFILE_MAX + 1];
	size_t len = 0;
	scp03_keys parsed;
	CK_RV rv = CKR_GENERAL_ERROR;

	pf_secret_rc rc = pf_secret_file_read(path, "SCP03 key file", buf, KEYFILE_MAX, &len);
	if (rc == PF_SECRET_MISSING)
		PF_ERROR("%s:%u: SCP03 key file %s does not exist", name, line, path);
	if (rc != PF_SECRET_OK)
		return CKR_GENERAL_ERROR;
	buf[len] = '\0';
	char *k = memchr(buf, '\0', len) == NULL ? key_line((char *)buf) : NULL;
	if (k == NULL || scp03_keys_parse(k, &parsed) != SCP03_OK) {
		PF_ERROR("%s:%u: SCP03 key file %s must hold one line kvn:enc:mac:dek (hex)", name, line,
		         path);
	} else {
		size_t n = strlen(k) + 1;
		char *copy = malloc(n);
		if (copy == NULL) {
			rv = CKR_HOST_MEMORY;
		} else {
			memcpy(copy, k, n);
			core_secret_str_free(*keys);
			*keys = copy;
			rv = CKR_OK;
		}
	}
	pf_wipe(&parsed, sizeof parsed);
	pf_wipe(buf, sizeof buf);
	return rv;
}
