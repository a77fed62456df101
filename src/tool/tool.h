/*
 * tool.h - what every portfolio-tool command gets: the parsed command line
 * and the module's function list. Commands are grouped one file per group
 * (cmd_*.c) and listed in main.c.
 */
#ifndef PORTFOLIO_TOOL_TOOL_H
#define PORTFOLIO_TOOL_TOOL_H

#include "pkcs11/portfolio.h"
#include "tool/options.h"

struct tool {
	struct tool_options opts;
	CK_FUNCTION_LIST_PTR p11;
};

/* cmd_list.c */
int cmd_list_slots(struct tool *t);
int cmd_list_mechanisms(struct tool *t);
int cmd_list_objects(struct tool *t);
/* cmd_token.c */
int cmd_init_instance(struct tool *t);
int cmd_set_pin(struct tool *t);
int cmd_init_pin(struct tool *t);
/* cmd_key.c */
int cmd_gen_key(struct tool *t);
int cmd_import_key(struct tool *t);
/* cmd_delete.c */
int cmd_delete_key(struct tool *t);
int cmd_delete_identity(struct tool *t);
int cmd_delete_instance(struct tool *t);
/* cmd_identity.c */
int cmd_set_identity(struct tool *t);
int cmd_get_identity(struct tool *t);
/* cmd_auth.c */
int cmd_sign(struct tool *t);
int cmd_verify(struct tool *t);
/* cmd_enc.c */
int cmd_encrypt(struct tool *t);
int cmd_decrypt(struct tool *t);
/* cmd_jose.c */
int cmd_jwe_encrypt(struct tool *t);
int cmd_jwe_decrypt(struct tool *t);
int cmd_jws_sign(struct tool *t);
int cmd_jws_verify(struct tool *t);
/* cmd_jose_key.c */
int cmd_import_jose_key(struct tool *t);

/* cmd_backup.c */
int cmd_import_kek(struct tool *t);
int cmd_backup(struct tool *t);
int cmd_restore(struct tool *t);
int cmd_export_key(struct tool *t);
int cmd_import_wrapped_key(struct tool *t);
/* Names (and may make) the one key export_wrapped_key writes, in session s. */
typedef int (*export_choice)(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *key);
/* export-key's file for the key choose names (a session key it made is
 * destroyed after); land_unextractable: the key lands with CKA_EXTRACTABLE FALSE. */
int export_wrapped_key(struct tool *t, export_choice choose, int land_unextractable);
/* cmd_fleet.c: master keys and diversified device keys (docs/fleet.md) */
int cmd_gen_master(struct tool *t);
int cmd_import_master(struct tool *t);
int cmd_derive_device(struct tool *t);
int cmd_import_onem2m_ke(struct tool *t);
int cmd_onem2m_derive(struct tool *t);
/* verify / decrypt: the key of --index, or with --master the master of the
 * service (fleet_mechanism then turns the device's mechanism into its
 * CKM_PORTFOLIO_DIV_* form for --device-id / --instance / --index, the
 * parameter in div; without --master it changes nothing). */
int fleet_key_open(struct tool *t, CK_ULONG service, CK_SESSION_HANDLE *s, CK_OBJECT_HANDLE *key);
int fleet_mechanism(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, CK_MECHANISM *mech,
                    CK_PORTFOLIO_DIV_PARAMS *div);
void fleet_key_close(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key);
/* cmd_sms.c */
int cmd_sms_provision(struct tool *t);
int cmd_sms_wrap(struct tool *t);
int cmd_sms_unwrap(struct tool *t);
int cmd_sms_por(struct tool *t);

#endif
