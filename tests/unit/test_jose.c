/*
 * test_jose.c - src/jose against the real module (dlopen'ed from the build
 * tree, a private store): JWE and JWS round trips with the oneM2M header
 * parameters, the base64url codec on RFC 4648's vectors, and every bad input
 * of issue 12 item 6: wrong tag, truncated segment, header not JSON, alg/enc
 * not supported, a kid the token does not hold, alg "none", wrong signature.
 * Each failure must come with no plaintext or payload released.
 * Interop with another implementation: tests/interop/jose_jwcrypto*.py.
 */
#include "jose/jose.h"
#include "jose/jose_local.h"

#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define SO_PIN "so-pin-4711"
#define USER_PIN "user-pin-0815"

static void *module;
static CK_FUNCTION_LIST_PTR p11;
static char dir[64];
static struct jose_ctx ctx;
static CK_OBJECT_HANDLE k128, k256, kek128, hs256, hs512, hs_short;

static const uint8_t CONTENT[] = "{\"m2m:cin\":{\"con\":\"21.5 C\"}}";

static CK_OBJECT_HANDLE create_key(const char *label, CK_KEY_TYPE type, CK_ATTRIBUTE_TYPE use1,
				   CK_ATTRIBUTE_TYPE use2, uint8_t first, size_t len)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL yes = CK_TRUE;
	uint8_t value[64];
	CK_ATTRIBUTE t[] = {
		{ CKA_CLASS, &cls, sizeof(cls) },   { CKA_KEY_TYPE, &type, sizeof(type) },
		{ CKA_TOKEN, &yes, sizeof(yes) },   { CKA_PRIVATE, &yes, sizeof(yes) },
		{ CKA_LABEL, (void *)label, (CK_ULONG)strlen(label) },
		{ use1, &yes, sizeof(yes) },        { use2, &yes, sizeof(yes) },
		{ CKA_VALUE, value, (CK_ULONG)len },
	};
	CK_OBJECT_HANDLE h;

	for (size_t i = 0; i < len; i++)
		value[i] = (uint8_t)(first + i);
	assert_int_equal(p11->C_CreateObject(ctx.session, t, 8, &h), CKR_OK);
	return h;
}

static void open_module(void)
{
	const char *top = getenv("top_builddir");
	char path[512];
	CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR);

	snprintf(path, sizeof(path), "%s/.libs/libportfolio-pkcs11.so", top ? top : ".");
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "SKIP: %s not built yet\n", path);
		exit(77);
	}
	module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	assert_non_null(module);
	*(void **)&get = dlsym(module, "C_GetFunctionList");
	assert_non_null(get);
	assert_int_equal(get(&p11), CKR_OK);
}

static void write_conf(void)
{
	char conf[128];
	FILE *f;

	strcpy(dir, "/tmp/pf-jose-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/portfolio.conf", dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "store = %s/store.db\nlog_level = none\n", dir);
	fclose(f);
	setenv("PORTFOLIO_PKCS11_CONF", conf, 1);
	setenv("PORTFOLIO_TEST_SCRYPT_N", "1024", 1);
}

static int group_setup(void **state)
{
	CK_C_INITIALIZE_ARGS init = { .flags = CKF_OS_LOCKING_OK };
	CK_SLOT_ID slot = 0;
	CK_UTF8CHAR label[32];
	CK_SESSION_HANDLE so;

	(void)state;
	write_conf();
	open_module();
	assert_int_equal(p11->C_Initialize(&init), CKR_OK);
	memset(label, ' ', sizeof(label));
	memcpy(label, "jose", 4);
	assert_int_equal(p11->C_InitToken(slot, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN), label), CKR_OK);
	assert_int_equal(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &so), CKR_OK);
	assert_int_equal(p11->C_Login(so, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)), CKR_OK);
	assert_int_equal(p11->C_InitPIN(so, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN)), CKR_OK);
	assert_int_equal(p11->C_CloseSession(so), CKR_OK);
	ctx.p11 = p11;
	assert_int_equal(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &ctx.session),
			 CKR_OK);
	assert_int_equal(p11->C_Login(ctx.session, CKU_USER, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN)), CKR_OK);
	k128 = create_key("k128@TEF", CKK_AES, CKA_ENCRYPT, CKA_DECRYPT, 0x00, 16);
	k256 = create_key("k256@TEF", CKK_AES, CKA_ENCRYPT, CKA_DECRYPT, 0x20, 32);
	kek128 = create_key("kek128@TEF", CKK_AES, CKA_WRAP, CKA_UNWRAP, 0x50, 16);
	hs256 = create_key("hs256@TEF", CKK_GENERIC_SECRET, CKA_SIGN, CKA_VERIFY, 0x80, 32);
	hs512 = create_key("hs512@TEF", CKK_GENERIC_SECRET, CKA_SIGN, CKA_VERIFY, 0xa0, 64);
	hs_short = create_key("short@TEF", CKK_GENERIC_SECRET, CKA_SIGN, CKA_VERIFY, 0x10, 20);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	p11->C_CloseSession(ctx.session);
	p11->C_Finalize(NULL);
	dlclose(module);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct jose_header header(enum jose_alg alg, enum jose_enc enc, const char *kid)
{
	struct jose_header h;

	memset(&h, 0, sizeof(h));
	h.alg = alg;
	h.enc = enc;
	strcpy(h.kid, kid);
	strcpy(h.cty, "m2m:cin");
	memcpy(h.nonce, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	h.nonce_len = 8;
	return h;
}

static char *make_jwe(CK_OBJECT_HANDLE key, enum jose_alg alg, enum jose_enc enc, const char *kid)
{
	struct jose_header h = header(alg, enc, kid);
	char *out = NULL;

	assert_int_equal(jose_jwe_encrypt(&ctx, key, &h, CONTENT, sizeof(CONTENT) - 1, &out), JOSE_OK);
	return out;
}

/* Parses and decrypts; returns the status, and checks that a failure
 * released nothing. */
static int open_jwe(const char *compact, CK_OBJECT_HANDLE key)
{
	struct jose_jwe *jwe = NULL;
	uint8_t *pt = (uint8_t *)1;
	size_t len = 99;
	int rc = jose_jwe_parse(compact, strlen(compact), &jwe);

	if (rc != JOSE_OK) {
		assert_null(jwe);
		return rc;
	}
	rc = jose_jwe_decrypt(&ctx, jwe, key, &pt, &len);
	if (rc == JOSE_OK) {
		assert_int_equal(len, sizeof(CONTENT) - 1);
		assert_memory_equal(pt, CONTENT, len);
	} else {
		assert_null(pt);
		assert_int_equal(len, 0);
	}
	jose_free_secret(pt, len);
	jose_jwe_free(jwe);
	return rc;
}

static void test_b64url_rfc4648(void **state)
{
	static const char *const vec[][2] = { { "", "" },	  { "f", "Zg" },	 { "fo", "Zm8" },
					      { "foo", "Zm9v" }, { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
					      { "foobar", "Zm9vYmFy" } };
	char enc[16];
	uint8_t dec[16];
	uint8_t odd[] = { 0xfb, 0xff };

	(void)state;
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		assert_int_equal(b64url_encode((const uint8_t *)vec[i][0], strlen(vec[i][0]), enc), 0);
		assert_string_equal(enc, vec[i][1]);
		assert_int_equal(b64url_decode(vec[i][1], strlen(vec[i][1]), dec), (long)strlen(vec[i][0]));
		assert_memory_equal(dec, vec[i][0], strlen(vec[i][0]));
	}
	assert_int_equal(b64url_encode(odd, 2, enc), 0);
	assert_string_equal(enc, "-_8"); /* the URL alphabet, not + and / */
	assert_int_equal(b64url_decode("+/8", 3, dec), -1);
	assert_int_equal(b64url_decode("Zg==", 4, dec), -1); /* padding */
	assert_int_equal(b64url_decode("Zh", 2, dec), -1);   /* unused bits set: not canonical */
	assert_int_equal(b64url_decode("Z", 1, dec), -1);
	assert_int_equal(b64url_decode("Zm 9", 4, dec), -1);
}

static void test_jwe_dir_round_trip(void **state)
{
	char *c128, *c256;
	struct jose_jwe *jwe;
	const struct jose_header *h;

	(void)state;
	c128 = make_jwe(k128, JOSE_ALG_DIR, JOSE_ENC_A128GCM, "k128@TEF");
	c256 = make_jwe(k256, JOSE_ALG_DIR, JOSE_ENC_A256GCM, "k256@TEF");
	assert_int_equal(open_jwe(c128, k128), JOSE_OK);
	assert_int_equal(open_jwe(c256, k256), JOSE_OK);
	/* the oneM2M parameters come back from the protected header */
	assert_int_equal(jose_jwe_parse(c256, strlen(c256), &jwe), JOSE_OK);
	h = jose_jwe_header(jwe);
	assert_int_equal(h->alg, JOSE_ALG_DIR);
	assert_int_equal(h->enc, JOSE_ENC_A256GCM);
	assert_string_equal(h->kid, "k256@TEF");
	assert_string_equal(h->cty, "m2m:cin");
	assert_int_equal(h->nonce_len, 8);
	assert_memory_equal(h->nonce, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	jose_jwe_free(jwe);
	/* the key must fit enc: a 16-byte key cannot be an A256GCM CEK, nor an HMAC key any */
	assert_int_equal(open_jwe(c256, k128), JOSE_E_KEY_MISMATCH);
	assert_int_equal(open_jwe(c256, hs256), JOSE_E_KEY_MISMATCH);
	free(c128);
	free(c256);
}

/* Replaces the character at the middle of segment seg (0-based) by another. */
static void flip_in_segment(char *compact, int seg)
{
	char *p = compact, *end;

	for (int i = 0; i < seg; i++)
		p = strchr(p, '.') + 1;
	end = strchr(p, '.');
	p += ((end != NULL ? (size_t)(end - p) : strlen(p)) / 2);
	*p = *p == 'A' ? 'B' : 'A';
}

static void test_jwe_wrong_tag(void **state)
{
	char *c = make_jwe(k128, JOSE_ALG_DIR, JOSE_ENC_A128GCM, "k128@TEF");
	char *iv = strdup(c), *ct = strdup(c), *hdr = strdup(c);

	(void)state;
	flip_in_segment(c, 4);
	assert_int_equal(open_jwe(c, k128), JOSE_E_INTEGRITY);
	flip_in_segment(iv, 2);
	assert_int_equal(open_jwe(iv, k128), JOSE_E_INTEGRITY);
	flip_in_segment(ct, 3);
	assert_int_equal(open_jwe(ct, k128), JOSE_E_INTEGRITY);
	/* the header is the AAD: one changed character and the tag fails (or the JSON) */
	flip_in_segment(hdr, 0);
	assert_int_not_equal(open_jwe(hdr, k128), JOSE_OK);
	free(c);
	free(iv);
	free(ct);
	free(hdr);
}

static void test_jwe_truncated(void **state)
{
	char *c = make_jwe(k128, JOSE_ALG_DIR, JOSE_ENC_A128GCM, "k128@TEF");
	size_t len = strlen(c);
	char *cut = strdup(c), *dot;

	(void)state;
	cut[len - 1] = '\0'; /* the tag one character short */
	assert_int_equal(open_jwe(cut, k128), JOSE_E_FORMAT);
	cut[len - 3] = '\0'; /* 13 bytes of tag: a whole group short */
	assert_int_equal(open_jwe(cut, k128), JOSE_E_FORMAT);
	dot = strrchr(cut, '.');
	*dot = '\0'; /* four segments */
	assert_int_equal(open_jwe(cut, k128), JOSE_E_FORMAT);
	strcpy(cut, c);
	dot = strchr(strchr(strchr(cut, '.') + 1, '.') + 1, '.');
	memmove(dot - 1, dot, strlen(dot) + 1); /* the IV one character short */
	assert_int_equal(open_jwe(cut, k128), JOSE_E_FORMAT);
	assert_int_equal(open_jwe("", k128), JOSE_E_FORMAT);
	assert_int_equal(open_jwe("....", k128), JOSE_E_FORMAT);
	assert_int_equal(open_jwe("a.b.c.d.e.f", k128), JOSE_E_FORMAT);
	free(cut);
	free(c);
}

/* A JWE whose protected header is json (as given), the rest from a real one. */
static char *with_header(const char *json)
{
	char *c = make_jwe(k128, JOSE_ALG_DIR, JOSE_ENC_A128GCM, "k128@TEF");
	char *rest = strchr(c, '.');
	char *out = malloc(b64url_encoded_len(strlen(json)) + strlen(rest) + 1);

	assert_int_equal(b64url_encode((const uint8_t *)json, strlen(json), out), 0);
	strcat(out, rest);
	free(c);
	return out;
}

static void expect_header(const char *json, int want)
{
	char *c = with_header(json);

	assert_int_equal(open_jwe(c, k128), want);
	free(c);
}

static void test_jwe_header_not_json(void **state)
{
	(void)state;
	expect_header("not json", JOSE_E_HEADER);
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128GCM\"", JOSE_E_HEADER);      /* cut short */
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128GCM\"}x", JOSE_E_HEADER);    /* trailing text */
	expect_header("{'alg':'dir','enc':'A128GCM'}", JOSE_E_HEADER);             /* not strict JSON */
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128GCM\",}", JOSE_E_HEADER);    /* trailing comma */
	expect_header("[\"dir\",\"A128GCM\"]", JOSE_E_HEADER);                     /* not an object */
	expect_header("{\"alg\":1,\"enc\":\"A128GCM\"}", JOSE_E_HEADER);           /* alg not a string */
	expect_header("{\"enc\":\"A128GCM\"}", JOSE_E_HEADER);                     /* no alg */
	expect_header("{\"alg\":\"dir\"}", JOSE_E_HEADER);                         /* no enc */
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"kid\":7}", JOSE_E_HEADER);
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"nonce\":\"+/==\"}", JOSE_E_HEADER);
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"kid\":\"a\\u0000b\"}", JOSE_E_HEADER);
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"cty\":\"\xff\"}", JOSE_E_HEADER); /* not UTF-8 */
}

static void test_jwe_unsupported(void **state)
{
	(void)state;
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128CBC-HS256\"}", JOSE_E_UNSUPPORTED);
	expect_header("{\"alg\":\"RSA-OAEP\",\"enc\":\"A128GCM\"}", JOSE_E_UNSUPPORTED);
	expect_header("{\"alg\":\"none\",\"enc\":\"A128GCM\"}", JOSE_E_UNSUPPORTED);
	expect_header("{\"alg\":\"HS256\",\"enc\":\"A128GCM\"}", JOSE_E_UNSUPPORTED); /* a JWS alg */
	expect_header("{\"alg\":\"DIR\",\"enc\":\"A128GCM\"}", JOSE_E_UNSUPPORTED);   /* case-sensitive */
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"zip\":\"DEF\"}", JOSE_E_UNSUPPORTED);
	expect_header("{\"alg\":\"dir\",\"enc\":\"A128GCM\",\"crit\":[\"exp\"],\"exp\":1}", JOSE_E_UNSUPPORTED);
}

static void test_jwe_unknown_kid(void **state)
{
	CK_OBJECT_HANDLE key = 12345;
	struct jose_header h = header(JOSE_ALG_DIR, JOSE_ENC_A128GCM, "nobody@TEF");
	char *out = (char *)1;

	(void)state;
	assert_int_equal(jose_find_key(&ctx, "nobody@TEF", &key), JOSE_E_NO_KEY);
	assert_int_equal(key, 12345);
	assert_int_equal(jose_find_key(&ctx, "k128@TEF", &key), JOSE_OK);
	assert_int_equal(key, k128);
	/* a handle the token does not hold is no key either */
	assert_int_equal(jose_jwe_encrypt(&ctx, 0x7fffff, &h, CONTENT, 4, &out), JOSE_E_NO_KEY);
	assert_null(out);
}

/* A dir JWE carries no encrypted key (RFC 7516 5.2 step 10). */
static void test_jwe_dir_with_encrypted_key(void **state)
{
	char *c = make_jwe(k128, JOSE_ALG_DIR, JOSE_ENC_A128GCM, "k128@TEF");
	char *dot = strchr(c, '.');
	char *bad = malloc(strlen(c) + 8);

	(void)state;
	memcpy(bad, c, (size_t)(dot - c) + 1);
	strcpy(bad + (dot - c) + 1, "AAAA");
	strcat(bad, dot + 1);
	assert_int_equal(open_jwe(bad, k128), JOSE_E_FORMAT);
	free(bad);
	free(c);
}

static void test_jwe_key_wrap(void **state)
{
	struct jose_header h = header(JOSE_ALG_A128KW, JOSE_ENC_A256GCM, "kek128@TEF");
	char *out = NULL;
	int rc;

	(void)state;
	rc = jose_jwe_encrypt(&ctx, kek128, &h, CONTENT, sizeof(CONTENT) - 1, &out);
	if (rc == JOSE_E_NO_WRAP && ctx.rv == CKR_FUNCTION_NOT_SUPPORTED) {
		assert_null(out);
		skip(); /* the module has no C_WrapKey yet (wt-wrap) */
	}
	assert_int_equal(rc, JOSE_OK);
	assert_int_equal(open_jwe(out, kek128), JOSE_OK);
	/* the wrong KEK length for the alg, and a content key as KEK */
	flip_in_segment(out, 1); /* RFC 3394's integrity check */
	assert_int_equal(open_jwe(out, kek128), JOSE_E_INTEGRITY);
	free(out);
	h.alg = JOSE_ALG_A256KW;
	assert_int_equal(jose_jwe_encrypt(&ctx, kek128, &h, CONTENT, 4, &out), JOSE_E_KEY_MISMATCH);
	assert_null(out);
}

static char *make_jws(CK_OBJECT_HANDLE key, enum jose_alg alg, const char *kid)
{
	struct jose_header h = header(alg, JOSE_ENC_UNSET, kid);
	char *out = NULL;

	assert_int_equal(jose_jws_sign(&ctx, key, &h, CONTENT, sizeof(CONTENT) - 1, &out), JOSE_OK);
	return out;
}

/* Parses and verifies; a failure must leave the payload unreachable. */
static int check_jws(const char *compact, CK_OBJECT_HANDLE key)
{
	struct jose_jws *jws = NULL;
	const uint8_t *p;
	size_t len = 99;
	int rc = jose_jws_parse(compact, strlen(compact), &jws);

	if (rc != JOSE_OK) {
		assert_null(jws);
		return rc;
	}
	assert_null(jose_jws_payload(jws, &len)); /* nothing before verification */
	rc = jose_jws_verify(&ctx, jws, key);
	p = jose_jws_payload(jws, &len);
	if (rc == JOSE_OK) {
		assert_int_equal(len, sizeof(CONTENT) - 1);
		assert_memory_equal(p, CONTENT, len);
	} else {
		assert_null(p);
		assert_int_equal(len, 0);
	}
	jose_jws_free(jws);
	return rc;
}

static void test_jws_round_trip(void **state)
{
	char *s256 = make_jws(hs256, JOSE_ALG_HS256, "hs256@TEF");
	char *s512 = make_jws(hs512, JOSE_ALG_HS512, "hs512@TEF");
	char *s384 = make_jws(hs512, JOSE_ALG_HS384, "hs512@TEF"); /* a longer key is fine */
	struct jose_header h = header(JOSE_ALG_HS256, JOSE_ENC_UNSET, "short@TEF");
	char *out = NULL;

	(void)state;
	assert_int_equal(check_jws(s256, hs256), JOSE_OK);
	assert_int_equal(check_jws(s512, hs512), JOSE_OK);
	assert_int_equal(check_jws(s384, hs512), JOSE_OK);
	/* RFC 7518 3.2: a key shorter than the hash is refused; an AES key too */
	assert_int_equal(jose_jws_sign(&ctx, hs_short, &h, CONTENT, 4, &out), JOSE_E_KEY_MISMATCH);
	assert_int_equal(check_jws(s256, hs_short), JOSE_E_KEY_MISMATCH);
	assert_int_equal(check_jws(s256, k256), JOSE_E_KEY_MISMATCH);
	/* a JWE alg is not a JWS alg */
	h.alg = JOSE_ALG_DIR;
	assert_int_equal(jose_jws_sign(&ctx, hs256, &h, CONTENT, 4, &out), JOSE_E_UNSUPPORTED);
	assert_null(out);
	free(s256);
	free(s512);
	free(s384);
}

static void test_jws_wrong_signature(void **state)
{
	char *s = make_jws(hs256, JOSE_ALG_HS256, "hs256@TEF");
	char *payload = strdup(s);

	(void)state;
	flip_in_segment(s, 2);
	assert_int_equal(check_jws(s, hs256), JOSE_E_INTEGRITY);
	flip_in_segment(payload, 1);
	assert_int_equal(check_jws(payload, hs256), JOSE_E_INTEGRITY);
	assert_int_equal(check_jws(s, hs512), JOSE_E_INTEGRITY); /* another key */
	free(payload);
	free(s);
}

/* An unsecured JWS (RFC 7515 A.5, RFC 7518 3.6) in every spelling is
 * refused before any key is touched. */
static void test_jws_alg_none(void **state)
{
	static const char *const headers[] = {
		"{\"alg\":\"none\"}", "{\"alg\":\"None\"}", "{\"alg\":\"NONE\"}", "{\"alg\":\"nOnE\"}",
		"{\"alg\":\"none\",\"kid\":\"hs256@TEF\"}", "{\"alg\":\"\"}", "{\"alg\":null}",
	};
	char *real = make_jws(hs256, JOSE_ALG_HS256, "hs256@TEF");
	char *rest = strchr(real, '.');

	(void)state;
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		char hdr[128], c[1024];

		assert_int_equal(b64url_encode((const uint8_t *)headers[i], strlen(headers[i]), hdr), 0);
		/* with no signature, and with the real signature of another header */
		snprintf(c, sizeof(c), "%s.%.*s.", hdr, (int)(strrchr(real, '.') - rest - 1), rest + 1);
		assert_int_not_equal(check_jws(c, hs256), JOSE_OK);
		snprintf(c, sizeof(c), "%s%s", hdr, rest);
		assert_int_not_equal(check_jws(c, hs256), JOSE_OK);
	}
	{
		char c[1024];

		snprintf(c, sizeof(c), "eyJhbGciOiJub25lIn0%s", rest); /* {"alg":"none"} */
		assert_int_equal(check_jws(c, hs256), JOSE_E_UNSUPPORTED);
	}
	free(real);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64url_rfc4648),
		cmocka_unit_test(test_jwe_dir_round_trip),
		cmocka_unit_test(test_jwe_wrong_tag),
		cmocka_unit_test(test_jwe_truncated),
		cmocka_unit_test(test_jwe_header_not_json),
		cmocka_unit_test(test_jwe_unsupported),
		cmocka_unit_test(test_jwe_unknown_kid),
		cmocka_unit_test(test_jwe_dir_with_encrypted_key),
		cmocka_unit_test(test_jwe_key_wrap),
		cmocka_unit_test(test_jws_round_trip),
		cmocka_unit_test(test_jws_wrong_signature),
		cmocka_unit_test(test_jws_alg_none),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
