/*
 * cmd_auth.c - sign and verify: the Data Authentication service of
 * GetAuthData (argument 0 = 0).
 *
 *   device (sign):   Signature = SIG_Kn( provisioned Hash(Identity) || Challenge ),
 *                    the Identity taken from the token (CKP_PORTFOLIO_SOURCE_TOKEN);
 *   server (verify): the same computed from the Identity value the server
 *                    expects (SOURCE_DATA) or its hash (SOURCE_HASH).
 */
#include "tool/hex.h"
#include "tool/names.h"
#include "tool/out.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <stdio.h>
#include <string.h>

#define SIG_MAX 64
#define SHA256_LEN 32

/* --hmac, or the key says so: a generic secret can only be an HMAC key. */
static CK_MECHANISM_TYPE auth_mechanism(struct tool *t, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key)
{
	CK_KEY_TYPE type = CKK_AES;
	CK_ATTRIBUTE a = { CKA_KEY_TYPE, &type, sizeof(type) };

	if (options_has(&t->opts, OPT_HMAC))
		return CKM_PORTFOLIO_AUTH_HMAC;
	if (t->p11->C_GetAttributeValue(s, key, &a, 1) == CKR_OK && type == CKK_GENERIC_SECRET)
		return CKM_PORTFOLIO_AUTH_HMAC;
	return CKM_PORTFOLIO_AUTH_CMAC;
}

int cmd_sign(struct tool *t)
{
	CK_BYTE challenge[CK_PORTFOLIO_MAX_CHALLENGE];
	CK_PORTFOLIO_PARAMS params = { CKP_PORTFOLIO_SOURCE_TOKEN, 0, challenge, 0 };
	CK_MECHANISM mech = { 0, &params, sizeof(params) };
	CK_BYTE sig[SIG_MAX], no_data = 0;
	CK_ULONG sig_len = sizeof(sig);
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	unsigned long identity;
	CK_RV rv;
	int rc = options_ulong(&t->opts, OPT_IDENTITY, &identity);

	if (rc == TOOL_EXIT_OK)
		rc = tool_challenge(t, challenge, &params.ulChallengeLen);
	if (rc == TOOL_EXIT_OK)
		rc = session_for_key(t, CK_PORTFOLIO_SRV_AUTHENT, &s, &key);
	if (rc != TOOL_EXIT_OK)
		return rc;
	params.ulIdentityId = (CK_ULONG)identity;
	mech.mechanism = auth_mechanism(t, s, key);
	rv = t->p11->C_SignInit(s, &mech, key);
	if (rv != CKR_OK) {
		rc = identity_op_failed(t, s, "C_SignInit", rv, (CK_ULONG)identity);
	} else {
		/* SOURCE_TOKEN: the data is empty, the Identity is in the token. */
		rv = t->p11->C_Sign(s, &no_data, 0, sig, &sig_len);
		if (rv != CKR_OK)
			rc = identity_op_failed(t, s, "C_Sign", rv, (CK_ULONG)identity);
	}
	session_close(t, s);
	if (rc == TOOL_EXIT_OK && out_json(t)) {
		json_object *doc = json_object_new_object();

		out_hex(doc, "signature", sig, sig_len);
		out_str(doc, "mechanism", mechanism_name(mech.mechanism));
		return out_print(doc, rc);
	}
	if (rc == TOOL_EXIT_OK) {
		hex_print(stdout, sig, sig_len);
		putchar('\n');
	}
	return rc;
}

int cmd_verify(struct tool *t)
{
	CK_BYTE challenge[CK_PORTFOLIO_MAX_CHALLENGE];
	CK_PORTFOLIO_PARAMS params = { CKP_PORTFOLIO_SOURCE_DATA, 0, challenge, 0 };
	CK_MECHANISM mech = { 0, &params, sizeof(params) };
	CK_PORTFOLIO_DIV_PARAMS div;
	CK_BYTE sig[SIG_MAX], hash[SHA256_LEN];
	CK_BYTE_PTR data;
	CK_ULONG data_len;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE key;
	long sig_len;
	CK_RV rv;
	int rc;

	if (options_has(&t->opts, OPT_IDENTITY_VALUE) == options_has(&t->opts, OPT_IDENTITY_HASH))
		return usage_error("verify wants exactly one of --identity-value STR or --identity-hash HEX");
	if (options_has(&t->opts, OPT_IDENTITY_HASH)) {
		const char *hash_hex = t->opts.value[OPT_IDENTITY_HASH];
		const char *why = hex_problem(hash_hex, sizeof(hash));

		if (why != NULL)
			return usage_error("--identity-hash %s: it wants 64 hex digits (a SHA-256 hash)", why);
		if (hex_decode(hash_hex, hash, sizeof(hash)) != SHA256_LEN)
			return usage_error("--identity-hash wants 64 hex digits (a SHA-256 hash)");
		params.ulSource = CKP_PORTFOLIO_SOURCE_HASH;
		data = hash;
		data_len = SHA256_LEN;
	} else {
		data = (CK_BYTE_PTR)t->opts.value[OPT_IDENTITY_VALUE];
		data_len = (CK_ULONG)strlen(t->opts.value[OPT_IDENTITY_VALUE]);
	}
	sig_len = hex_decode(t->opts.value[OPT_SIGNATURE], sig, sizeof(sig));
	if (sig_len <= 0)
		return usage_error("--signature %s: it wants the signature in hex (at most %d bytes)",
				   hex_problem(t->opts.value[OPT_SIGNATURE], sizeof(sig)), SIG_MAX);
	rc = tool_challenge(t, challenge, &params.ulChallengeLen);
	if (rc == TOOL_EXIT_OK)
		rc = fleet_key_open(t, CK_PORTFOLIO_SRV_AUTHENT, &s, &key);
	if (rc != TOOL_EXIT_OK)
		return rc;
	mech.mechanism = auth_mechanism(t, s, key);
	rc = fleet_mechanism(t, s, key, &mech, &div);
	rv = rc == TOOL_EXIT_OK ? t->p11->C_VerifyInit(s, &mech, key) : CKR_OK;
	if (rc != TOOL_EXIT_OK) {
		rv = CKR_FUNCTION_FAILED;
	} else if (rv != CKR_OK) {
		rc = rv_fail("C_VerifyInit", rv);
	} else {
		rv = t->p11->C_Verify(s, data, data_len, sig, (CK_ULONG)sig_len);
		if (rv == CKR_SIGNATURE_INVALID || rv == CKR_SIGNATURE_LEN_RANGE)
			rc = TOOL_EXIT_INVALID;
		else if (rv != CKR_OK)
			rc = rv_fail("C_Verify", rv);
	}
	fleet_key_close(t, s, key);
	if (rc != TOOL_EXIT_OK && rc != TOOL_EXIT_INVALID)
		return rc;
	if (out_json(t)) {
		json_object *doc = json_object_new_object();

		out_bool(doc, "valid", rc == TOOL_EXIT_OK);
		out_str(doc, "result", pf_ckr_name_str(rv));
		out_str(doc, "mechanism", mechanism_name(mech.mechanism));
		return out_print(doc, rc);
	}
	printf(rc == TOOL_EXIT_OK ? "signature valid\n" : "signature INVALID\n");
	return rc;
}
