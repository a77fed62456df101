/*
 * mech_msg.h - message-based operations (PKCS#11 3.0: C_MessageEncryptInit ...
 * C_MessageVerifyFinal). C_Message*Init binds the mechanism and the key once;
 * every message then brings its own parameter, which the family turns into
 * the backend's se_op_params (parse, or parse_message where the per-message
 * parameter differs: GCM, CCM), and runs as one single-part operation: the
 * backend's op_init decides from the key's sealed policy exactly as for
 * C_*Init, so a message can do nothing the ordinary operation would refuse.
 *
 * The operation lives in the session's mech_op of its plain kind (kind +
 * MECH_OP_MSG while it runs, mech.h). A failed message ends only itself
 * (PKCS#11 3.0: C_SignMessage "begins and terminates a message signing
 * operation" and "does not finish the message-based signing process"); only
 * C_Message*Final (or what ends every operation: logout, session close,
 * C_SessionCancel, a reload that lost the key) ends the process.
 */
#ifndef PORTFOLIO_MECH_MSG_H
#define PORTFOLIO_MECH_MSG_H

#include "mech/mech.h"

/* One message: kind is the plain kind (MECH_OP_ENCRYPT ... MECH_OP_VERIFY). */
typedef struct mech_msg_args {
	const void *param;        /* the per-message parameter (CK_GCM_MESSAGE_PARAMS, ...) */
	CK_ULONG param_len;
	const uint8_t *aad;       /* encrypt / decrypt: the associated data */
	CK_ULONG aad_len;
	const uint8_t *in;        /* plaintext, ciphertext, or the data signed / verified */
	CK_ULONG in_len;
	uint8_t *out;             /* ciphertext, plaintext, signature (length-query convention) */
	CK_ULONG *out_len;
	const uint8_t *sig;       /* verify: the signature */
	CK_ULONG sig_len;
} mech_msg_args;

/* C_Message*Init: as mech_op_init, but the mechanism's parameter must be
 * empty (each message brings one) and the row's family must allow the
 * message kind (mech_family.msg_flags). kind is the plain kind. */
CK_RV mech_msg_init(mech_op *op, mech_op_kind kind, const CK_MECHANISM *m, const mech_key *key,
                    const se_backend *be, se_token *tok, const mech_identity_resolver *res);
/* C_EncryptMessage, C_DecryptMessage, C_SignMessage, C_VerifyMessage. */
CK_RV mech_msg_run(mech_op *op, mech_op_kind kind, const mech_msg_args *a, const mech_identity_resolver *res);
/* C_Message*Final: ends the message-based operation of kind. */
CK_RV mech_msg_final(mech_op *op, mech_op_kind kind);

#endif /* PORTFOLIO_MECH_MSG_H */
