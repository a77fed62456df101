/*
 * conf.h - the module configuration file (docs/architecture.md).
 */
#ifndef PORTFOLIO_CORE_CONF_H
#define PORTFOLIO_CORE_CONF_H

#include "pkcs11/pkcs11.h"
#include "se/se.h"

#define CORE_CONF_ENV "PORTFOLIO_PKCS11_CONF"
#define CORE_LOG_ENV "PORTFOLIO_LOG"
#define CORE_DEFAULT_CONF PORTFOLIO_SYSCONFDIR "/portfolio-pkcs11.conf"
#define CORE_DEFAULT_STORE PORTFOLIO_LOCALSTATEDIR "/lib/portfolio-pkcs11/store.db"
#define CORE_DEFAULT_MAX_INSTANCES 64UL
#define CORE_LIMIT_MAX_INSTANCES 65536UL
#define CORE_CONF_UNSET (-1)

typedef struct core_instance_conf {
	CK_ULONG iid;
	char *backend;
	char *reader;
	char *aid;
	char *scp03;
	int enc_cbc;              /* CORE_CONF_UNSET, or 0/1 from "instance.<iid>.enc_cbc" */
} core_instance_conf;

typedef struct core_config {
	char *store_path;
	char *backend;            /* default backend of every instance */
	int log_level;            /* -1: not set in the file */
	CK_ULONG max_instances;
	int enc_cbc;              /* "enc_cbc": every instance's default, 0 (off) unless set */
	core_instance_conf *inst;
	size_t n_inst;
} core_config;

/* Reads the file named by PORTFOLIO_PKCS11_CONF, else the default path. A
 * missing file gives the defaults; a malformed one fails with
 * CKR_GENERAL_ERROR after logging the offending line number. */
CK_RV core_config_load(core_config *cfg);
/* Parses text (for tests and for core_config_load); name is used in messages. */
CK_RV core_config_parse(core_config *cfg, const char *text, const char *name);
void core_config_free(core_config *cfg);
/* The secure-component settings of instance iid (strings borrowed from cfg). */
void core_config_se(const core_config *cfg, CK_ULONG iid, se_config *out);
/* 1 if instance iid may use CKM_PORTFOLIO_ENC_CBC: "instance.<iid>.enc_cbc"
 * if given, else the global "enc_cbc", else no (docs/mechanisms.md 5.1). */
int core_config_enc_cbc(const core_config *cfg, CK_ULONG iid);

#endif
