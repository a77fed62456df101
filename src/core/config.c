#include "config.h"
#include "core/conf.h"
#include "util/log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONF_MAX_BYTES (1024 * 1024)

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

/* Trims leading and trailing blanks in place. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Strict decimal: digits only, no sign, no overflow. */
static int parse_ulong(const char *s, CK_ULONG *out)
{
	unsigned long long v = 0;
	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		if (v > (0xFFFFFFFFULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = (CK_ULONG)v;
	return 0;
}

/* "yes" or "no", nothing else: a typo must not silently keep a risky default. */
static CK_RV parse_yes_no(const char *v, int *out, const char *name, unsigned line)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
		*out = strcmp(v, "yes") == 0;
		return CKR_OK;
	}
	PF_ERROR("%s:%u: expected yes or no", name, line);
	return CKR_GENERAL_ERROR;
}

static int set_str(char **slot, const char *v)
{
	char *d = dup_str(v);
	if (d == NULL)
		return -1;
	free(*slot);
	*slot = d;
	return 0;
}

static core_instance_conf *instance_conf(core_config *cfg, CK_ULONG iid)
{
	for (size_t i = 0; i < cfg->n_inst; i++)
		if (cfg->inst[i].iid == iid)
			return &cfg->inst[i];
	core_instance_conf *n = realloc(cfg->inst, (cfg->n_inst + 1) * sizeof *n);
	if (n == NULL)
		return NULL;
	cfg->inst = n;
	memset(&n[cfg->n_inst], 0, sizeof *n);
	n[cfg->n_inst].iid = iid;
	n[cfg->n_inst].enc_cbc = CORE_CONF_UNSET;
	return &n[cfg->n_inst++];
}

static int known_backend(const char *v)
{
	return strcmp(v, "emulator") == 0 || strcmp(v, "pcsc") == 0;
}

/* "instance.<iid>.<field>" */
static CK_RV parse_instance_key(core_config *cfg, const char *key, const char *val,
                                const char *name, unsigned line)
{
	char num[16];
	const char *p = key + strlen("instance.");
	const char *dot = strchr(p, '.');
	CK_ULONG iid;

	if (dot == NULL || dot == p || (size_t)(dot - p) >= sizeof num) {
		PF_ERROR("%s:%u: malformed instance key", name, line);
		return CKR_GENERAL_ERROR;
	}
	memcpy(num, p, (size_t)(dot - p));
	num[dot - p] = '\0';
	if (parse_ulong(num, &iid) != 0 || iid >= CORE_LIMIT_MAX_INSTANCES) {
		PF_ERROR("%s:%u: bad instance id", name, line);
		return CKR_GENERAL_ERROR;
	}
	const char *field = dot + 1;
	core_instance_conf *ic = instance_conf(cfg, iid);
	if (ic == NULL)
		return CKR_HOST_MEMORY;
	char **slot;
	if (strcmp(field, "backend") == 0) {
		if (!known_backend(val)) {
			PF_ERROR("%s:%u: unknown backend (emulator|pcsc)", name, line);
			return CKR_GENERAL_ERROR;
		}
		slot = &ic->backend;
	} else if (strcmp(field, "reader") == 0) {
		slot = &ic->reader;
	} else if (strcmp(field, "aid") == 0) {
		slot = &ic->aid;
	} else if (strcmp(field, "scp03_keyfile") == 0) {
		return core_scp03_keyfile_load(val, &ic->scp03, name, line);
	} else if (strcmp(field, "scp03") == 0) {
		PF_ERROR("%s:%u: SCP03 keys are no longer accepted in the configuration file: put them in "
		         "a key file readable only by its owner and name it with instance.%lu.scp03_keyfile",
		         name, line, (unsigned long)iid);
		return CKR_GENERAL_ERROR;
	} else if (strcmp(field, "enc_cbc") == 0) {
		return parse_yes_no(val, &ic->enc_cbc, name, line);
	} else {
		PF_ERROR("%s:%u: unknown instance setting", name, line);
		return CKR_GENERAL_ERROR;
	}
	return set_str(slot, val) == 0 ? CKR_OK : CKR_HOST_MEMORY;
}

static CK_RV parse_line(core_config *cfg, char *text, const char *name, unsigned line)
{
	char *hash = strchr(text, '#');
	if (hash != NULL)
		*hash = '\0';
	char *s = trim(text);
	if (*s == '\0')
		return CKR_OK;
	char *eq = strchr(s, '=');
	if (eq == NULL) {
		PF_ERROR("%s:%u: expected 'key = value'", name, line);
		return CKR_GENERAL_ERROR;
	}
	*eq = '\0';
	char *key = trim(s);
	char *val = trim(eq + 1);
	if (*key == '\0' || *val == '\0') {
		PF_ERROR("%s:%u: empty key or value", name, line);
		return CKR_GENERAL_ERROR;
	}
	if (strcmp(key, "store") == 0)
		return set_str(&cfg->store_path, val) == 0 ? CKR_OK : CKR_HOST_MEMORY;
	if (strcmp(key, "store_key") == 0)
		return set_str(&cfg->store_key_path, val) == 0 ? CKR_OK : CKR_HOST_MEMORY;
	if (strcmp(key, "backend") == 0) {
		if (!known_backend(val)) {
			PF_ERROR("%s:%u: unknown backend (emulator|pcsc)", name, line);
			return CKR_GENERAL_ERROR;
		}
		return set_str(&cfg->backend, val) == 0 ? CKR_OK : CKR_HOST_MEMORY;
	}
	if (strcmp(key, "log_level") == 0) {
		int lvl = pf_log_parse_level(val);
		if (lvl < 0) {
			PF_ERROR("%s:%u: log_level must be none|error|warning|info|debug", name, line);
			return CKR_GENERAL_ERROR;
		}
		cfg->log_level = lvl;
		return CKR_OK;
	}
	if (strcmp(key, "log_file") == 0)
		return set_str(&cfg->log_file, val) == 0 ? CKR_OK : CKR_HOST_MEMORY;
	if (strcmp(key, "syslog") == 0) {
		if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0) {
			PF_ERROR("%s:%u: syslog must be yes or no", name, line);
			return CKR_GENERAL_ERROR;
		}
		cfg->syslog = strcmp(val, "yes") == 0;
		return CKR_OK;
	}
	if (strcmp(key, "max_instances") == 0) {
		CK_ULONG v;
		if (parse_ulong(val, &v) != 0 || v < 1 || v > CORE_LIMIT_MAX_INSTANCES) {
			PF_ERROR("%s:%u: max_instances must be 1..%lu", name, line,
			         (unsigned long)CORE_LIMIT_MAX_INSTANCES);
			return CKR_GENERAL_ERROR;
		}
		cfg->max_instances = v;
		return CKR_OK;
	}
	if (strcmp(key, "enc_cbc") == 0)
		return parse_yes_no(val, &cfg->enc_cbc, name, line);
	if (strncmp(key, "instance.", 9) == 0)
		return parse_instance_key(cfg, key, val, name, line);
	PF_ERROR("%s:%u: unknown setting", name, line);
	return CKR_GENERAL_ERROR;
}

static CK_RV set_defaults(core_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->log_level = -1;
	cfg->max_instances = CORE_DEFAULT_MAX_INSTANCES;
	if (set_str(&cfg->store_path, CORE_DEFAULT_STORE) != 0 || set_str(&cfg->backend, "emulator") != 0) {
		core_config_free(cfg);
		return CKR_HOST_MEMORY;
	}
	return CKR_OK;
}

CK_RV core_config_parse(core_config *cfg, const char *text, const char *name)
{
	CK_RV rv = set_defaults(cfg);
	if (rv != CKR_OK)
		return rv;
	char *copy = dup_str(text);
	if (copy == NULL) {
		core_config_free(cfg);
		return CKR_HOST_MEMORY;
	}
	unsigned line = 1;
	char *p = copy;
	while (p != NULL && rv == CKR_OK) {
		char *nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (strlen(p) > 4096) {
			PF_ERROR("%s:%u: line too long", name, line);
			rv = CKR_GENERAL_ERROR;
			break;
		}
		rv = parse_line(cfg, p, name, line);
		p = nl != NULL ? nl + 1 : NULL;
		line++;
	}
	free(copy);
	if (rv != CKR_OK)
		core_config_free(cfg);
	return rv;
}

CK_RV core_config_load(core_config *cfg)
{
	const char *path = getenv(CORE_CONF_ENV);
	int named = path != NULL && *path != '\0';
	if (!named)
		path = CORE_DEFAULT_CONF;
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		/* Only the default file may be absent: a file someone named and
		 * mistyped must not silently select the default store. */
		if (errno != ENOENT || named) {
			PF_ERROR("cannot read configuration %s (named by %s): %s", path,
			         named ? CORE_CONF_ENV : "default", strerror(errno));
			return CKR_GENERAL_ERROR;
		}
		PF_INFO("no configuration at %s: using defaults", path);
		return set_defaults(cfg);
	}
	char *buf = malloc(CONF_MAX_BYTES + 1);
	if (buf == NULL) {
		fclose(f);
		return CKR_HOST_MEMORY;
	}
	size_t n = fread(buf, 1, CONF_MAX_BYTES + 1, f);
	int err = ferror(f);
	fclose(f);
	if (err || n > CONF_MAX_BYTES || memchr(buf, '\0', n) != NULL) {
		PF_ERROR("%s: unreadable, too large or not text", path);
		free(buf);
		return CKR_GENERAL_ERROR;
	}
	buf[n] = '\0';
	CK_RV rv = core_config_parse(cfg, buf, path);
	free(buf);
	return rv;
}

/* Whether this process may open (and, WAL needing -wal/-shm files next to
 * it, write beside) the store file; says why not in *why. Effective ids, as
 * the open itself would use. */
static int store_reachable(const char *path, const char **why)
{
	struct stat st;
	char dir[4096];
	if (strlen(path) >= sizeof dir) {
		*why = "path too long";
		return 0;
	}
	strcpy(dir, path);
	const char *d = dirname(dir);
	if (faccessat(AT_FDCWD, d, W_OK | X_OK, AT_EACCESS) != 0) {
		*why = errno == ENOENT ? "its directory does not exist" : strerror(errno);
		return 0;
	}
	if (stat(path, &st) != 0)
		return errno == ENOENT; /* created on first use */
	if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) != 0) {
		*why = strerror(errno);
		return 0;
	}
	return 1;
}

int core_config_store_usable(const core_config *cfg)
{
	const char *why = "unknown";
	if (store_reachable(cfg->store_path, &why))
		return 1;
	PF_WARN("store %s is not usable by this user (%s): no slots", cfg->store_path, why);
	return 0;
}

void core_config_free(core_config *cfg)
{
	free(cfg->store_path);
	free(cfg->store_key_path);
	free(cfg->backend);
	free(cfg->log_file);
	for (size_t i = 0; i < cfg->n_inst; i++) {
		free(cfg->inst[i].backend);
		free(cfg->inst[i].reader);
		free(cfg->inst[i].aid);
		core_secret_str_free(cfg->inst[i].scp03);
	}
	free(cfg->inst);
	memset(cfg, 0, sizeof *cfg);
}

void core_config_se(const core_config *cfg, CK_ULONG iid, se_config *out)
{
	memset(out, 0, sizeof *out);
	out->backend = cfg->backend;
	for (size_t i = 0; i < cfg->n_inst; i++) {
		const core_instance_conf *ic = &cfg->inst[i];
		if (ic->iid != iid)
			continue;
		if (ic->backend != NULL)
			out->backend = ic->backend;
		out->pcsc = (se_pcsc_config){ic->reader, ic->aid, ic->scp03};
	}
}

int core_config_enc_cbc(const core_config *cfg, CK_ULONG iid)
{
	for (size_t i = 0; i < cfg->n_inst; i++)
		if (cfg->inst[i].iid == iid && cfg->inst[i].enc_cbc != CORE_CONF_UNSET)
			return cfg->inst[i].enc_cbc;
	return cfg->enc_cbc;
}
