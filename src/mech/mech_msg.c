/*
 * mech_msg.c - message-based operations (mech_msg.h): which message kinds a
 * mechanism offers, and one message from its parameter to its result. The
 * start of each message (its parameter into se_op_params, the backend's
 * op_init with the key bound at C_Message*Init) is mech_op_start_message in
 * mech_op.c, beside mech_op_init; the run is the single-part call of the
 * ordinary operation, so every length and data rule is the same one.
 */
#include "config.h"

#include "mech/mech_local.h"
#include "mech/mech_msg.h"

/* Each message kind needs its plain kind in the row (what the key may do). */
static const struct {
	CK_FLAGS plain, msg;
} kind_pairs[] = {
	{ CKF_ENCRYPT, CKF_MESSAGE_ENCRYPT },
	{ CKF_DECRYPT, CKF_MESSAGE_DECRYPT },
	{ CKF_SIGN, CKF_MESSAGE_SIGN },
	{ CKF_VERIFY, CKF_MESSAGE_VERIFY },
};

CK_FLAGS mech_msg_flags(const mech_desc *d)
{
	CK_FLAGS flags = 0;

	for (size_t i = 0; i < sizeof kind_pairs / sizeof *kind_pairs; i++)
		if ((d->flags & kind_pairs[i].plain) != 0)
			flags |= d->fam->msg_flags & kind_pairs[i].msg;
	if (flags != 0)
		flags |= d->fam->msg_flags & CKF_MULTI_MESSAGE;
	return flags;
}

/* The pointers the standard requires, checked before the state. */
static int args_ok(mech_op_kind kind, const mech_msg_args *a)
{
	if ((a->param == NULL && a->param_len != 0) || (a->aad == NULL && a->aad_len != 0) ||
	    (a->in == NULL && a->in_len != 0))
		return 0;
	return kind == MECH_OP_VERIFY ? a->sig != NULL : a->out_len != NULL;
}

/* The single-part call of the ordinary operation, on the started message. */
static CK_RV run(mech_op *op, mech_op_kind kind, const mech_msg_args *a, const mech_msg_data *md)
{
	if (kind == MECH_OP_VERIFY)
		return mech_op_verify(op, a->in, a->in_len, a->sig, a->sig_len);
	if (kind == MECH_OP_DECRYPT && md->tag_in != NULL)
		return mech_op_single_tagged(op, a->in, a->in_len, md->tag_in, md->tag_len, a->out, a->out_len);
	return mech_op_single(op, kind, a->in, a->in_len, a->out, a->out_len);
}

CK_RV mech_msg_run(mech_op *op, mech_op_kind kind, const mech_msg_args *a, const mech_identity_resolver *res)
{
	const mech_family *f;
	mech_msg_data md = { .aad = NULL };
	CK_MECHANISM m;
	CK_RV rv;

	if (op == NULL || a == NULL || !args_ok(kind, a))
		return CKR_ARGUMENTS_BAD;
	if (!op->active || op->kind != (mech_op_kind)(kind + MECH_OP_MSG))
		return CKR_OPERATION_NOT_INITIALIZED;
	f = op->desc->fam;
	if (f->parse_message == NULL && a->aad_len != 0)
		return CKR_ARGUMENTS_BAD; /* a family without associated data (docs/architecture.md) */
	/* AEAD (GCM, CCM): the output is as long as the input; a length query
	 * returns before any IV is generated or any counter moves. */
	if (f->parse_message != NULL && kind != MECH_OP_VERIFY &&
	    mech_length_query(a->in_len, a->out, a->out_len, &rv))
		return rv;
	md.aad = a->aad;
	md.aad_len = a->aad_len;
	m.mechanism = op->mech;
	m.pParameter = (CK_VOID_PTR)a->param;
	m.ulParameterLen = a->param_len;
	rv = mech_op_start_message(op, kind, &m, &md, res);
	if (rv == CKR_OK) {
		rv = run(op, kind, a, &md);
		if (op->active) /* a length query kept it: nothing of this message stays */
			op->be->op_abort(op->se);
	}
	/* Whatever this message did, the message-based operation goes on. */
	op->kind = (mech_op_kind)(kind + MECH_OP_MSG);
	op->active = 1;
	op->multipart_started = 0;
	return rv;
}

CK_RV mech_msg_final(mech_op *op, mech_op_kind kind)
{
	if (op == NULL)
		return CKR_ARGUMENTS_BAD;
	if (!op->active || op->kind != (mech_op_kind)(kind + MECH_OP_MSG))
		return CKR_OPERATION_NOT_INITIALIZED;
	mech_op_abort(op);
	op->msg_counter = 0;
	op->msg_counter_spent = 0;
	return CKR_OK;
}
