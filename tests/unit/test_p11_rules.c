/* test_p11_rules.c - PKCS#11 3.0 rules that independent test programs found
 * broken (issue 8, item 11), through the function list:
 *   - every error of a data call ends the operation, except CKR_BUFFER_TOO_SMALL
 *     and a successful length query (section 5), one table row per entry point
 *     and error path;
 *   - CKA_PRIVATE = FALSE is refused, never silently made TRUE;
 *   - a template may repeat an attribute with the same value;
 *   - C_SessionCancel cancels the operations its flags name. */
#include "config.h"
#include "core_test_util.h"

#include <stdlib.h>
#include <time.h>

static const uint8_t K16[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t K16B[16] = {0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe,
                                 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81};

/* Template values (attributes point at them; never written). */
static CK_OBJECT_CLASS SECRET = CKO_SECRET_KEY;
static CK_KEY_TYPE AES = CKK_AES;
static CK_BBOOL TR = CK_TRUE, FA = CK_FALSE;

static CK_OBJECT_HANDLE create(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n, CK_RV want)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, n, &h), want);
	return h;
}

/* A session key without a service that every standard mechanism of the table accepts. */
static CK_OBJECT_HANDLE any_use_key(CK_SESSION_HANDLE s)
{
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &SECRET, sizeof SECRET}, {CKA_KEY_TYPE, &AES, sizeof AES}, {CKA_VALUE, (void *)K16, 16},
		{CKA_ENCRYPT, &TR, 1},         {CKA_DECRYPT, &TR, 1},           {CKA_SIGN, &TR, 1},
		{CKA_VERIFY, &TR, 1},
	};
	return create(s, t, 7, CKR_OK);
}

static CK_BBOOL get_bool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL v = 0xAA;
	CK_ATTRIBUTE a = {type, &v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	return v;
}

static void assert_label(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, const char *want)
{
	char buf[32];
	CK_ATTRIBUTE a = {CKA_LABEL, buf, sizeof buf};
	assert_int_equal(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, strlen(want));
	assert_memory_equal(buf, want, strlen(want));
}

/* ---- every error ends the operation ----------------------------------------- */

typedef enum { OP_ENC, OP_DEC, OP_SIGN, OP_VERIFY, OP_DIGEST } op_kind;
typedef enum { STEP_SINGLE, STEP_UPDATE, STEP_FINAL } op_step;
typedef enum {
	NULL_LEN,     /* the output length pointer is NULL */
	NULL_IN,      /* NULL data with a non-zero length */
	NULL_SIG,     /* verify: NULL signature */
	AFTER_UPDATE, /* a single-part call after an update */
	BAD_LEN,      /* data (or signature) of a length the mechanism refuses */
	BAD_SIG,      /* verify: a wrong signature */
	LEN_QUERY,    /* NULL output: the length is returned, the operation kept */
	SMALL_BUF,    /* a buffer too small: the length is returned, the operation kept */
} op_error;

typedef struct ending_case {
	op_kind kind;
	op_step step;
	op_error err;
	CK_RV want;
	int keeps; /* the operation survives the call */
} ending_case;

static const ending_case endings[] = {
	/* C_Encrypt / C_EncryptUpdate / C_EncryptFinal (CKM_AES_ECB) */
	{OP_ENC, STEP_SINGLE, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_ENC, STEP_SINGLE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_ENC, STEP_SINGLE, AFTER_UPDATE, CKR_OPERATION_ACTIVE, 0},
	{OP_ENC, STEP_SINGLE, BAD_LEN, CKR_DATA_LEN_RANGE, 0},
	{OP_ENC, STEP_SINGLE, LEN_QUERY, CKR_OK, 1},
	{OP_ENC, STEP_SINGLE, SMALL_BUF, CKR_BUFFER_TOO_SMALL, 1},
	{OP_ENC, STEP_UPDATE, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_ENC, STEP_UPDATE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_ENC, STEP_UPDATE, LEN_QUERY, CKR_OK, 1},
	{OP_ENC, STEP_UPDATE, SMALL_BUF, CKR_BUFFER_TOO_SMALL, 1},
	{OP_ENC, STEP_FINAL, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_ENC, STEP_FINAL, BAD_LEN, CKR_DATA_LEN_RANGE, 0},
	{OP_ENC, STEP_FINAL, LEN_QUERY, CKR_OK, 1},
	/* C_Decrypt / C_DecryptUpdate / C_DecryptFinal (CKM_AES_ECB) */
	{OP_DEC, STEP_SINGLE, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_DEC, STEP_SINGLE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_DEC, STEP_SINGLE, AFTER_UPDATE, CKR_OPERATION_ACTIVE, 0},
	{OP_DEC, STEP_SINGLE, BAD_LEN, CKR_ENCRYPTED_DATA_LEN_RANGE, 0},
	{OP_DEC, STEP_SINGLE, LEN_QUERY, CKR_OK, 1},
	{OP_DEC, STEP_SINGLE, SMALL_BUF, CKR_BUFFER_TOO_SMALL, 1},
	{OP_DEC, STEP_UPDATE, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_DEC, STEP_UPDATE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_DEC, STEP_UPDATE, LEN_QUERY, CKR_OK, 1},
	{OP_DEC, STEP_UPDATE, SMALL_BUF, CKR_BUFFER_TOO_SMALL, 1},
	{OP_DEC, STEP_FINAL, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_DEC, STEP_FINAL, BAD_LEN, CKR_ENCRYPTED_DATA_LEN_RANGE, 0},
	{OP_DEC, STEP_FINAL, LEN_QUERY, CKR_OK, 1},
	/* C_Sign / C_SignUpdate / C_SignFinal (CKM_AES_CMAC) */
	{OP_SIGN, STEP_SINGLE, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_SIGN, STEP_SINGLE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_SIGN, STEP_SINGLE, AFTER_UPDATE, CKR_OPERATION_ACTIVE, 0},
	{OP_SIGN, STEP_SINGLE, LEN_QUERY, CKR_OK, 1},
	{OP_SIGN, STEP_SINGLE, SMALL_BUF, CKR_BUFFER_TOO_SMALL, 1},
	{OP_SIGN, STEP_UPDATE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_SIGN, STEP_FINAL, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_SIGN, STEP_FINAL, LEN_QUERY, CKR_OK, 1},
	{OP_SIGN, STEP_FINAL, SMALL_BUF, CKR_BUFFER_TOO_SMALL, 1},
	/* C_Verify / C_VerifyUpdate / C_VerifyFinal (CKM_AES_CMAC) */
	{OP_VERIFY, STEP_SINGLE, NULL_SIG, CKR_ARGUMENTS_BAD, 0},
	{OP_VERIFY, STEP_SINGLE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_VERIFY, STEP_SINGLE, AFTER_UPDATE, CKR_OPERATION_ACTIVE, 0},
	{OP_VERIFY, STEP_SINGLE, BAD_LEN, CKR_SIGNATURE_LEN_RANGE, 0},
	{OP_VERIFY, STEP_SINGLE, BAD_SIG, CKR_SIGNATURE_INVALID, 0},
	{OP_VERIFY, STEP_UPDATE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_VERIFY, STEP_FINAL, NULL_SIG, CKR_ARGUMENTS_BAD, 0},
	{OP_VERIFY, STEP_FINAL, BAD_LEN, CKR_SIGNATURE_LEN_RANGE, 0},
	{OP_VERIFY, STEP_FINAL, BAD_SIG, CKR_SIGNATURE_INVALID, 0},
	/* C_Digest / C_DigestUpdate / C_DigestFinal (CKM_SHA256) */
	{OP_DIGEST, STEP_SINGLE, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_DIGEST, STEP_SINGLE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_DIGEST, STEP_SINGLE, AFTER_UPDATE, CKR_OPERATION_ACTIVE, 0},
	{OP_DIGEST, STEP_SINGLE, LEN_QUERY, CKR_OK, 1},
	{OP_DIGEST, STEP_SINGLE, SMALL_BUF, CKR_BUFFER_TOO_SMALL, 1},
	{OP_DIGEST, STEP_UPDATE, NULL_IN, CKR_ARGUMENTS_BAD, 0},
	{OP_DIGEST, STEP_FINAL, NULL_LEN, CKR_ARGUMENTS_BAD, 0},
	{OP_DIGEST, STEP_FINAL, LEN_QUERY, CKR_OK, 1},
	{OP_DIGEST, STEP_FINAL, SMALL_BUF, CKR_BUFFER_TOO_SMALL, 1},
};

static const char *const kind_names[] = {"encrypt", "decrypt", "sign", "verify", "digest"};
static const char *const step_names[] = {"single", "update", "final"};

static CK_RV op_init(op_kind kind, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
{
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0}, cmac = {CKM_AES_CMAC, NULL, 0}, sha = {CKM_SHA256, NULL, 0};
	switch (kind) {
	case OP_ENC: return f->C_EncryptInit(s, &ecb, k);
	case OP_DEC: return f->C_DecryptInit(s, &ecb, k);
	case OP_SIGN: return f->C_SignInit(s, &cmac, k);
	case OP_VERIFY: return f->C_VerifyInit(s, &cmac, k);
	default: return f->C_DigestInit(s, &sha);
	}
}

/* The arguments of one call: data, output (or signature) and its length. */
typedef struct op_args {
	CK_BYTE_PTR in;
	CK_ULONG in_len;
	CK_BYTE_PTR out;
	CK_ULONG_PTR out_len;
	CK_ULONG sig_len;
} op_args;

static CK_RV op_single(op_kind kind, CK_SESSION_HANDLE s, const op_args *a)
{
	switch (kind) {
	case OP_ENC: return f->C_Encrypt(s, a->in, a->in_len, a->out, a->out_len);
	case OP_DEC: return f->C_Decrypt(s, a->in, a->in_len, a->out, a->out_len);
	case OP_SIGN: return f->C_Sign(s, a->in, a->in_len, a->out, a->out_len);
	case OP_VERIFY: return f->C_Verify(s, a->in, a->in_len, a->out, a->sig_len);
	default: return f->C_Digest(s, a->in, a->in_len, a->out, a->out_len);
	}
}

static CK_RV op_update(op_kind kind, CK_SESSION_HANDLE s, const op_args *a)
{
	switch (kind) {
	case OP_ENC: return f->C_EncryptUpdate(s, a->in, a->in_len, a->out, a->out_len);
	case OP_DEC: return f->C_DecryptUpdate(s, a->in, a->in_len, a->out, a->out_len);
	case OP_SIGN: return f->C_SignUpdate(s, a->in, a->in_len);
	case OP_VERIFY: return f->C_VerifyUpdate(s, a->in, a->in_len);
	default: return f->C_DigestUpdate(s, a->in, a->in_len);
	}
}

static CK_RV op_final(op_kind kind, CK_SESSION_HANDLE s, const op_args *a)
{
	switch (kind) {
	case OP_ENC: return f->C_EncryptFinal(s, a->out, a->out_len);
	case OP_DEC: return f->C_DecryptFinal(s, a->out, a->out_len);
	case OP_SIGN: return f->C_SignFinal(s, a->out, a->out_len);
	case OP_VERIFY: return f->C_VerifyFinal(s, a->out, a->sig_len);
	default: return f->C_DigestFinal(s, a->out, a->out_len);
	}
}

static void run_ending_case(CK_SLOT_ID slot, CK_OBJECT_HANDLE k, const ending_case *c)
{
	uint8_t data[16], out[64];
	CK_ULONG out_len = sizeof out;
	memset(data, 0x11, sizeof data);
	memset(out, 0, sizeof out); /* as a signature: wrong */
	/* a final's BAD_LEN comes from 15 bytes given to the update before it */
	CK_ULONG good_len = c->err == BAD_LEN && c->step == STEP_FINAL ? 15 : 16;
	op_args good = {data, good_len, out, &out_len, 16};
	op_args a = {data, c->err == BAD_LEN ? 15 : 16, out, &out_len, c->err == BAD_LEN ? 15 : 16};
	switch (c->err) {
	case NULL_LEN: a.out_len = NULL; break;
	case NULL_IN: a.in = NULL; break;
	case NULL_SIG: a.out = NULL; break;
	case LEN_QUERY: a.out = NULL; break;
	default: break; /* SMALL_BUF: out_len is set just before the call */
	}
	print_message("  %s %s, case %d: want 0x%lx%s\n", kind_names[c->kind], step_names[c->step], (int)c->err,
	              (unsigned long)c->want, c->keeps ? ", operation kept" : ", operation ended");

	CK_SESSION_HANDLE s = ct_session(slot, (CK_USER_TYPE)-1); /* the token's login covers it */
	assert_int_equal(op_init(c->kind, s, k), CKR_OK);
	if (c->step != STEP_SINGLE || c->err == AFTER_UPDATE)
		assert_int_equal(op_update(c->kind, s, &good), CKR_OK);
	out_len = c->err == SMALL_BUF ? 1 : sizeof out;
	CK_RV rv = c->step == STEP_SINGLE ? op_single(c->kind, s, &a)
	         : c->step == STEP_UPDATE ? op_update(c->kind, s, &a)
	                                  : op_final(c->kind, s, &a);
	assert_int_equal(rv, c->want);
	/* The proof: a new C_*Init is refused only while the operation is alive. */
	assert_int_equal(op_init(c->kind, s, k), c->keeps ? CKR_OPERATION_ACTIVE : CKR_OK);
	assert_int_equal(f->C_CloseSession(s), CKR_OK);
}

static void test_errors_end_the_operation(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_OBJECT_HANDLE k = any_use_key(s);
	for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++)
		run_ending_case(slot, k, &endings[i]);
	/* C_*Init on a running operation is refused and leaves it running. */
	assert_int_equal(op_init(OP_SIGN, s, k), CKR_OK);
	assert_int_equal(op_init(OP_SIGN, s, k), CKR_OPERATION_ACTIVE);
	uint8_t tag[16];
	CK_ULONG n = sizeof tag;
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR) "x", 1, tag, &n), CKR_OK);
	/* A bad pointer with no operation running is still a bad pointer. */
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR) "x", 1, tag, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_Verify(s, (CK_BYTE_PTR) "x", 1, NULL, 16), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_Sign(s, (CK_BYTE_PTR) "x", 1, tag, &n), CKR_OPERATION_NOT_INITIALIZED);
	/* An error of one kind leaves the operations of other kinds alone. */
	assert_int_equal(op_init(OP_DIGEST, s, k), CKR_OK);
	assert_int_equal(op_init(OP_SIGN, s, k), CKR_OK);
	assert_int_equal(f->C_Sign(s, NULL, 4, tag, &n), CKR_ARGUMENTS_BAD);
	assert_int_equal(op_init(OP_DIGEST, s, k), CKR_OPERATION_ACTIVE);
}

/* ---- CKA_PRIVATE = FALSE ------------------------------------------------------ */

static void test_private_false_refused(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_ULONG len = 16;
	/* C_CreateObject: FALSE refused, TRUE (or nothing) gives a private key */
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &SECRET, sizeof SECRET}, {CKA_KEY_TYPE, &AES, sizeof AES}, {CKA_VALUE, (void *)K16, 16},
		{CKA_SENSITIVE, &FA, 1},       {CKA_EXTRACTABLE, &TR, 1},      {CKA_SIGN, &FA, 1},
		{CKA_ENCRYPT, &FA, 1},         {CKA_PRIVATE, &FA, 1},
	};
	create(s, t, 8, CKR_ATTRIBUTE_VALUE_INVALID);
	t[7].pValue = &TR;
	CK_OBJECT_HANDLE k = create(s, t, 8, CKR_OK);
	assert_int_equal(get_bool(s, k, CKA_PRIVATE), CK_TRUE);
	/* C_GenerateKey */
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE g[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_PRIVATE, &FA, 1}};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_GenerateKey(s, &gen, g, 2, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(h, CK_INVALID_HANDLE);
	g[1].pValue = &TR;
	assert_int_equal(f->C_GenerateKey(s, &gen, g, 2, &h), CKR_OK);
	assert_int_equal(get_bool(s, h, CKA_PRIVATE), CK_TRUE);
	/* C_CopyObject (the key above is copyable: extractable, not sensitive, no device use) */
	CK_ATTRIBUTE c[] = {{CKA_PRIVATE, &FA, 1}};
	CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CopyObject(s, k, c, 1, &copy), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(copy, CK_INVALID_HANDLE);
	c[0].pValue = &TR;
	assert_int_equal(f->C_CopyObject(s, k, c, 1, &copy), CKR_OK);
	assert_int_equal(get_bool(s, copy, CKA_PRIVATE), CK_TRUE);
	/* C_SetAttributeValue: FALSE is the bad value; the key stays private */
	assert_int_equal(f->C_SetAttributeValue(s, k, c, 1), CKR_ATTRIBUTE_READ_ONLY);
	c[0].pValue = &FA;
	assert_int_equal(f->C_SetAttributeValue(s, k, c, 1), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(get_bool(s, k, CKA_PRIVATE), CK_TRUE);
	/* Identities follow the same rule. */
	CK_OBJECT_CLASS icls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id = 4;
	CK_ATTRIBUTE it[] = {{CKA_CLASS, &icls, sizeof icls}, {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id},
	                     {CKA_VALUE, "ident", 5}, {CKA_PRIVATE, &FA, 1}};
	create(s, it, 4, CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(get_bool(s, create(s, it, 3, CKR_OK), CKA_PRIVATE), CK_TRUE);
}

/* ---- repeated attributes ------------------------------------------------------- */

static void test_template_repeats(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	/* The same value twice, secret or not: accepted, as if given once. */
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &SECRET, sizeof SECRET}, {CKA_KEY_TYPE, &AES, sizeof AES}, {CKA_VALUE, (void *)K16, 16},
		{CKA_LABEL, "dup", 3},         {CKA_SENSITIVE, &FA, 1},         {CKA_EXTRACTABLE, &TR, 1},
		{CKA_LABEL, "dup", 3},         {CKA_VALUE, (void *)K16, 16},    {CKA_CLASS, &SECRET, sizeof SECRET},
		{CKA_SIGN, &FA, 1},            {CKA_ENCRYPT, &FA, 1},           {CKA_SIGN, &FA, 1},
	};
	CK_OBJECT_HANDLE k = create(s, t, 12, CKR_OK);
	assert_label(s, k, "dup");
	uint8_t v[16];
	CK_ATTRIBUTE va = {CKA_VALUE, v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(s, k, &va, 1), CKR_OK);
	assert_memory_equal(v, K16, 16);
	/* Two different values: inconsistent, for plain and secret attributes. */
	t[6].pValue = "dUp";
	create(s, t, 12, CKR_TEMPLATE_INCONSISTENT);
	t[6].pValue = "dup";
	t[7].pValue = (void *)K16B;
	create(s, t, 12, CKR_TEMPLATE_INCONSISTENT);
	t[7].ulValueLen = 15; /* same prefix, other length */
	t[7].pValue = (void *)K16;
	create(s, t, 12, CKR_TEMPLATE_INCONSISTENT);
	/* A long template of repeats costs linear time (each is compared with the
	 * first of its type only): 200000 labels take well under a second; a
	 * pairwise check would take minutes. */
	enum { LONG_N = 200000 };
	CK_ATTRIBUTE *lt = calloc(LONG_N, sizeof *lt);
	assert_non_null(lt);
	memcpy(lt, t, 3 * sizeof *t);
	for (size_t i = 3; i < LONG_N; i++)
		lt[i] = (CK_ATTRIBUTE){CKA_LABEL, "dup", 3};
	time_t started = time(NULL);
	create(s, lt, LONG_N, CKR_OK);
	lt[LONG_N - 1].pValue = "DUP";
	create(s, lt, LONG_N, CKR_TEMPLATE_INCONSISTENT);
	assert_true(time(NULL) - started < 10);
	free(lt);
	/* C_GenerateKey */
	CK_ULONG len = 16, len2 = 32;
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE g[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_VALUE_LEN, &len, sizeof len}};
	CK_OBJECT_HANDLE h;
	assert_int_equal(f->C_GenerateKey(s, &gen, g, 2, &h), CKR_OK);
	g[1].pValue = &len2;
	assert_int_equal(f->C_GenerateKey(s, &gen, g, 2, &h), CKR_TEMPLATE_INCONSISTENT);
	/* C_CopyObject */
	CK_ATTRIBUTE c[] = {{CKA_LABEL, "copy", 4}, {CKA_LABEL, "copy", 4}};
	assert_int_equal(f->C_CopyObject(s, k, c, 2, &h), CKR_OK);
	assert_label(s, h, "copy");
	c[1].pValue = "COPY";
	assert_int_equal(f->C_CopyObject(s, k, c, 2, &h), CKR_TEMPLATE_INCONSISTENT);
	/* C_SetAttributeValue: a refused template changes nothing */
	CK_ATTRIBUTE set[] = {{CKA_LABEL, "new", 3}, {CKA_LABEL, "new", 3}};
	assert_int_equal(f->C_SetAttributeValue(s, k, set, 2), CKR_OK);
	assert_label(s, k, "new");
	set[0].pValue = "old";
	assert_int_equal(f->C_SetAttributeValue(s, k, set, 2), CKR_TEMPLATE_INCONSISTENT);
	assert_label(s, k, "new");
	/* ... and a secret (an Identity value) given twice is written once */
	CK_OBJECT_CLASS icls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id = 7;
	CK_ATTRIBUTE it[] = {{CKA_CLASS, &icls, sizeof icls}, {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id},
	                     {CKA_VALUE, "first", 5}};
	CK_OBJECT_HANDLE ih = create(s, it, 3, CKR_OK);
	CK_ATTRIBUTE iv[] = {{CKA_VALUE, "second", 6}, {CKA_VALUE, "second", 6}};
	assert_int_equal(f->C_SetAttributeValue(s, ih, iv, 2), CKR_OK);
	char got[16];
	CK_ATTRIBUTE ga = {CKA_VALUE, got, sizeof got};
	assert_int_equal(f->C_GetAttributeValue(s, ih, &ga, 1), CKR_OK);
	assert_int_equal(ga.ulValueLen, 6);
	assert_memory_equal(got, "second", 6);
}

/* ---- C_SessionCancel ------------------------------------------------------------ */

static CK_FUNCTION_LIST_3_0_PTR list_3_0(void)
{
	CK_INTERFACE_PTR ip;
	assert_int_equal(C_GetInterface((CK_UTF8CHAR_PTR) "PKCS 11", NULL, &ip, 0), CKR_OK);
	return ip->pFunctionList;
}

static void start_all(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k)
{
	for (op_kind kind = OP_ENC; kind <= OP_DIGEST; kind++)
		assert_int_equal(op_init(kind, s, k), CKR_OK);
}

/* Which operations run: a C_*Init is refused exactly while one does. */
static void assert_running(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, const int running[5])
{
	for (op_kind kind = OP_ENC; kind <= OP_DIGEST; kind++)
		assert_int_equal(op_init(kind, s, k), running[kind] ? CKR_OPERATION_ACTIVE : CKR_OK);
}

static void test_session_cancel(void **state)
{
	(void)state;
	if (!ct_have_mech())
		skip();
	CK_FUNCTION_LIST_3_0_PTR f3 = list_3_0();
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_SESSION_HANDLE other = ct_session(slot, (CK_USER_TYPE)-1);
	CK_OBJECT_HANDLE k = any_use_key(s);
	static const int all[5] = {1, 1, 1, 1, 1};

	start_all(s, k);
	start_all(other, k);
	/* No flags: nothing cancelled. */
	assert_int_equal(f3->C_SessionCancel(s, 0), CKR_OK);
	/* Encrypt and digest only; the others, and the other session, keep running. */
	assert_int_equal(f3->C_SessionCancel(s, CKF_ENCRYPT | CKF_DIGEST), CKR_OK);
	static const int after_first[5] = {0, 1, 1, 1, 0};
	assert_running(s, k, after_first); /* re-starts encrypt and digest */
	assert_running(s, k, all);
	/* The rest, with flags of operations this module never runs: accepted. */
	assert_int_equal(f3->C_SessionCancel(s, CKF_DECRYPT | CKF_SIGN | CKF_VERIFY | CKF_MESSAGE_ENCRYPT |
	                                           CKF_SIGN_RECOVER | CKF_GENERATE | CKF_WRAP | CKF_DERIVE),
	                 CKR_OK);
	static const int after_second[5] = {1, 0, 0, 0, 1};
	assert_running(s, k, after_second);
	assert_running(other, k, all);
	/* Everything, twice (the second time nothing runs). */
	assert_int_equal(f3->C_SessionCancel(s, ~(CK_FLAGS)0), CKR_OK);
	assert_int_equal(f3->C_SessionCancel(s, ~(CK_FLAGS)0), CKR_OK);
	static const int none[5] = {0, 0, 0, 0, 0};
	assert_running(s, k, none);
	/* A cancelled operation can be used again from its new C_*Init. */
	uint8_t md[32];
	CK_ULONG n = sizeof md;
	assert_int_equal(f3->C_SessionCancel(s, CKF_DIGEST), CKR_OK);
	assert_int_equal(op_init(OP_DIGEST, s, k), CKR_OK);
	assert_int_equal(f->C_Digest(s, (CK_BYTE_PTR) "abc", 3, md, &n), CKR_OK);
	assert_int_equal(md[0], 0xba); /* SHA-256("abc") = ba7816bf... */
	/* Session and library errors. */
	assert_int_equal(f3->C_SessionCancel(s ^ 0x1000, CKF_SIGN), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(f3->C_SessionCancel(CK_INVALID_HANDLE, CKF_SIGN), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(f->C_CloseSession(other), CKR_OK);
	assert_int_equal(f3->C_SessionCancel(other, CKF_SIGN), CKR_SESSION_HANDLE_INVALID);
}

static void test_session_cancel_not_initialized(void **state)
{
	(void)state;
	CK_FUNCTION_LIST_3_0_PTR f3 = list_3_0();
	assert_int_equal(f3->C_SessionCancel(1, CKF_SIGN), CKR_CRYPTOKI_NOT_INITIALIZED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_errors_end_the_operation, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_private_false_refused, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_template_repeats, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_session_cancel, ct_setup, ct_teardown),
		cmocka_unit_test(test_session_cancel_not_initialized),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
