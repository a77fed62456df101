/*
 * fuzz_store.c - the store's records as the module reads them back: whoever
 * can write the store file (attacker (c) of docs/security.md) edits the
 * object rows and the sealed secret rows of a provisioned token, then the
 * user logs in and every key and identity is tried with every operation.
 *
 * Input: a count, then that many edits of the token's rows (p11_rig.h: the
 * Identity's object row and its value and hash rows, one object row and one
 * sealed row per key), each one of
 *   0/1  XOR one byte of an object / secret row,
 *   2/3  copy another object / secret row over it (a swapped record),
 *   4/5  delete an object / secret row,
 *   6/7  replace an object / secret row with bytes of the input;
 * then the challenge (1..64 bytes). The edits go into the store through
 * SQLite between p11_rig_restore and the login.
 *
 * What must hold whatever the edits (the sealed policy decides, docs/storage.md):
 *   - login succeeds: a bad row is left out, the token is not lost;
 *   - every answer is explained by a key and the policy it was sealed with:
 *     a signature or ciphertext is recomputed with every provisioned key, and
 *     the one that matches must have been allowed to produce it (a verify-only
 *     copy never signs, a keyset key never serves a standard mechanism, a
 *     key of one service never serves the other, an unknown key never
 *     answers);
 *   - AUTH never signs and ENC never encrypts SOURCE_DATA / SOURCE_HASH, and
 *     SOURCE_TOKEN answers only for the provisioned Identity, with its hash
 *     (AUTH) or its value (ENC): identity binding;
 *   - no sensitive key's value is ever read out;
 *   - when the edits only tamper with sealed rows or delete rows, a key works
 *     exactly when none of the rows it needs was touched: a tampered row is
 *     refused, and nothing else is lost with it.
 */
#include "config.h"
#include "fuzz_crypto.h"
#include "fuzz_input.h"
#include "p11_rig.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EDITS 8
#define MAX_HANDLES 32
/* Rows: the Identity's object row, then one per key; the Identity's value and hash, then one per key. */
#define N_OBJ_ROWS (1 + P11_RIG_N_KEYS)
#define N_SEC_ROWS (2 + P11_RIG_N_KEYS)
#define MAX_MAC FZ_MAX_MAC
#define NO_SERVICE ((CK_ULONG)-1)
#define IDENT_LEN (sizeof P11_RIG_IDENTITY - 1)

enum { OBJ, SEC };

typedef struct row {
	sqlite3_int64 iid, id;
	uint8_t *blob; /* NULL: deleted */
	int len;
} row;

static row orig[2][N_SEC_ROWS];
static const int n_rows[2] = {N_OBJ_ROWS, N_SEC_ROWS};
static uint8_t identity_hash[32];

/* ---- the provisioned rows, read once after setup ----------------------------- */

static void read_rows(sqlite3 *db, int table)
{
	static const char *const q[2] = {"SELECT iid, oid, rec FROM object ORDER BY oid",
	                                 "SELECT iid, ref, sealed FROM secret ORDER BY ref"};
	sqlite3_stmt *st;
	int n = 0;
	FZ_CHECK(sqlite3_prepare_v2(db, q[table], -1, &st, NULL) == SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		FZ_CHECK(n < n_rows[table]);
		row *r = &orig[table][n++];
		r->iid = sqlite3_column_int64(st, 0);
		r->id = sqlite3_column_int64(st, 1);
		r->len = sqlite3_column_bytes(st, 2);
		r->blob = malloc((size_t)r->len + 1);
		FZ_CHECK(r->blob != NULL);
		memcpy(r->blob, sqlite3_column_blob(st, 2), (size_t)r->len);
	}
	sqlite3_finalize(st);
	/* The rows are created in p11_rig's order: the Identity, then the keys. */
	FZ_CHECK(n == n_rows[table]);
}

static void setup(void)
{
	sqlite3 *db;
	p11_rig_setup();
	FZ_CHECK(sqlite3_open_v2(p11_rig_store_path(), &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	read_rows(db, OBJ);
	read_rows(db, SEC);
	sqlite3_close(db);
	FZ_CHECK(EVP_Digest(P11_RIG_IDENTITY, IDENT_LEN, identity_hash, NULL, EVP_sha256(), NULL) == 1);
}

/* ---- the edits ----------------------------------------------------------------- */

typedef struct edits {
	row cur[2][N_SEC_ROWS];
	int object_edited; /* an object row rewritten (not only deleted) */
} edits;

static void edit_one(edits *e, fz_in *in)
{
	uint8_t op = fz_u8(in) % 8;
	int table = op & 1;
	row *r = &e->cur[table][fz_u8(in) % n_rows[table]];
	const row *from = &e->cur[table][fz_u8(in) % n_rows[table]];
	uint8_t *blob = NULL;
	int len = 0;
	unsigned off;

	switch (op >> 1) {
	case 0: /* XOR one byte */
		if (r->blob == NULL || r->len == 0)
			return;
		len = r->len;
		blob = fz_alloc(in, (size_t)len);
		memcpy(blob, r->blob, (size_t)len);
		off = fz_u16(in) % (unsigned)len; /* before the mask: the order of the reads is the format */
		blob[off] ^= fz_u8(in);
		break;
	case 1: /* another row's bytes */
		if (from->blob == NULL)
			return;
		blob = from->blob;
		len = from->len;
		break;
	case 2: /* deleted */
		r->blob = NULL;
		return;
	default: /* bytes of the input */
		len = (int)(fz_u8(in) % 160);
		blob = fz_bytes(in, (size_t)len);
		break;
	}
	r->blob = blob;
	r->len = len;
	e->object_edited |= table == OBJ;
}

static int row_changed(const edits *e, int table, int i)
{
	const row *c = &e->cur[table][i], *o = &orig[table][i];
	return c->blob == NULL || c->len != o->len || memcmp(c->blob, o->blob, (size_t)o->len) != 0;
}

static void write_rows(const edits *e)
{
	static const char *const upd[2] = {"UPDATE object SET rec = ?1 WHERE iid = ?2 AND oid = ?3",
	                                   "UPDATE secret SET sealed = ?1 WHERE iid = ?2 AND ref = ?3"};
	static const char *const del[2] = {"DELETE FROM object WHERE iid = ?2 AND oid = ?3",
	                                   "DELETE FROM secret WHERE iid = ?2 AND ref = ?3"};
	sqlite3 *db;
	FZ_CHECK(sqlite3_open_v2(p11_rig_store_path(), &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
	for (int t = OBJ; t <= SEC; t++)
		for (int i = 0; i < n_rows[t]; i++) {
			const row *c = &e->cur[t][i];
			sqlite3_stmt *st;
			if (!row_changed(e, t, i))
				continue;
			FZ_CHECK(sqlite3_prepare_v2(db, c->blob ? upd[t] : del[t], -1, &st, NULL) == SQLITE_OK);
			if (c->blob != NULL)
				sqlite3_bind_blob(st, 1, c->len ? c->blob : (const void *)"", c->len, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, c->iid);
			sqlite3_bind_int64(st, 3, c->id);
			FZ_CHECK(sqlite3_step(st) == SQLITE_DONE);
			sqlite3_finalize(st);
		}
	sqlite3_close(db);
}

/* ---- the operations and their oracle ------------------------------------------- */

typedef struct run {
	fz_in in;
	CK_SESSION_HANDLE s;
	const uint8_t *challenge;
	size_t challenge_len;
	uint8_t token_msg[32 + 64];  /* H(Identity) || challenge: what AUTH signs */
	uint8_t plain_msg[9 + 64];   /* Identity || challenge: what ENC encrypts */
	int works[P11_RIG_N_KEYS];   /* the key answered its own operation, as provisioned */
} run;

static const uint8_t BLOCK[16] = "fuzz-store-data!";

/* The key whose MAC of msg is sig, or -1. */
static int signer_of(int cmac, const uint8_t *msg, size_t n, const uint8_t *sig, CK_ULONG sig_len)
{
	uint8_t mac[MAX_MAC];
	for (int i = 0; i < P11_RIG_N_KEYS; i++) {
		const p11_rig_key *k = &p11_rig_keys[i];
		size_t len = cmac && k->type != CKK_AES ? 0 : fz_mac(cmac, k->value, k->len, msg, n, mac);
		if (len != 0 && len == sig_len && memcmp(mac, sig, len) == 0)
			return i;
	}
	return -1;
}

/* One single-part operation (C_SignInit + C_Sign, C_EncryptInit + C_Encrypt)
 * into out of *out_len bytes. */
typedef CK_RV (*op_init_fn)(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
typedef CK_RV (*op_fn)(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);

static CK_RV one_shot(run *r, op_init_fn init, op_fn op, CK_OBJECT_HANDLE h, CK_MECHANISM *m, const uint8_t *d,
                      CK_ULONG n, uint8_t *out, CK_ULONG *out_len)
{
	CK_RV rv = init(r->s, m, h);
	if (rv != CKR_OK)
		return rv;
	return op(r->s, (CK_BYTE_PTR)d, n, out, out_len);
}

static CK_RV sign(run *r, CK_OBJECT_HANDLE h, CK_MECHANISM *m, const uint8_t *d, CK_ULONG n, uint8_t *sig,
                  CK_ULONG *sig_len)
{
	*sig_len = MAX_MAC;
	return one_shot(r, C_SignInit, C_Sign, h, m, d, n, sig, sig_len);
}

/* Standard MACs: only a key without a service that may sign answers. */
static void standard_sign(run *r, CK_OBJECT_HANDLE h)
{
	static const CK_MECHANISM_TYPE mechs[2] = {CKM_SHA256_HMAC, CKM_AES_CMAC};
	uint8_t sig[MAX_MAC];
	CK_ULONG sig_len;
	for (int cmac = 0; cmac < 2; cmac++) {
		CK_MECHANISM m = {mechs[cmac], NULL, 0};
		if (sign(r, h, &m, BLOCK, sizeof BLOCK, sig, &sig_len) != CKR_OK)
			continue;
		int k = signer_of(cmac, BLOCK, sizeof BLOCK, sig, sig_len);
		FZ_CHECK(k >= 0 && p11_rig_keys[k].service == NO_SERVICE && p11_rig_keys[k].sign);
		r->works[k] = 1;
	}
}

/* AUTH_CMAC / AUTH_HMAC with every source and Identity id: only SOURCE_TOKEN of
 * the provisioned Identity answers, with a signing AUTH key, over its hash. */
static void auth_sign(run *r, CK_OBJECT_HANDLE h)
{
	static const struct { CK_ULONG source, id; } params[] = {
		{CKP_PORTFOLIO_SOURCE_TOKEN, P11_RIG_IDENTITY_ID}, {CKP_PORTFOLIO_SOURCE_TOKEN, 0},
		{CKP_PORTFOLIO_SOURCE_TOKEN, 2}, {CKP_PORTFOLIO_SOURCE_DATA, 0}, {CKP_PORTFOLIO_SOURCE_HASH, 0},
	};
	uint8_t sig[MAX_MAC];
	CK_ULONG sig_len;
	for (int cmac = 0; cmac < 2; cmac++)
		for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
			CK_PORTFOLIO_PARAMS p = {params[i].source, params[i].id, (CK_BYTE_PTR)r->challenge,
			                         r->challenge_len};
			CK_MECHANISM m = {cmac ? CKM_PORTFOLIO_AUTH_CMAC : CKM_PORTFOLIO_AUTH_HMAC, &p, sizeof p};
			const uint8_t *d = p.ulSource == CKP_PORTFOLIO_SOURCE_DATA ? (const uint8_t *)P11_RIG_IDENTITY
			                   : identity_hash;
			CK_ULONG n = p.ulSource == CKP_PORTFOLIO_SOURCE_TOKEN ? 0
			             : p.ulSource == CKP_PORTFOLIO_SOURCE_DATA ? IDENT_LEN : 32;
			if (sign(r, h, &m, d, n, sig, &sig_len) != CKR_OK)
				continue;
			FZ_CHECK(i == 0);
			int k = signer_of(cmac, r->token_msg, 32 + r->challenge_len, sig, sig_len);
			FZ_CHECK(k >= 0 && p11_rig_keys[k].service == CK_PORTFOLIO_SRV_AUTHENT && p11_rig_keys[k].sign);
			r->works[k] = 1;
		}
}

static CK_RV encrypt(run *r, CK_OBJECT_HANDLE h, CK_MECHANISM *m, const uint8_t *d, CK_ULONG n, uint8_t *out,
                     CK_ULONG *out_len)
{
	*out_len = 256;
	return one_shot(r, C_EncryptInit, C_Encrypt, h, m, d, n, out, out_len);
}

/* The key that opens c to want (mode of fz_aes_opens_to), or -1. */
static int encrypter_of(int mode, const uint8_t *c, CK_ULONG n, const uint8_t *want, size_t want_len)
{
	for (int i = 0; i < P11_RIG_N_KEYS; i++)
		if (p11_rig_keys[i].type == CKK_AES &&
		    fz_aes_opens_to(mode, p11_rig_keys[i].value, p11_rig_keys[i].len, c, n, want, want_len))
			return i;
	return -1;
}

/* AES-ECB: only a key without a service that may encrypt. ENC_GCM / ENC_CBC:
 * only SOURCE_TOKEN of the provisioned Identity, with an encrypting ENC key,
 * of its value. */
static void encrypt_all(run *r, CK_OBJECT_HANDLE h)
{
	static const struct { CK_ULONG source, id; } params[] = {
		{CKP_PORTFOLIO_SOURCE_TOKEN, P11_RIG_IDENTITY_ID}, {CKP_PORTFOLIO_SOURCE_TOKEN, 2},
		{CKP_PORTFOLIO_SOURCE_DATA, 0}, {CKP_PORTFOLIO_SOURCE_HASH, 0},
	};
	uint8_t out[256];
	CK_ULONG out_len;
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	int k;
	if (encrypt(r, h, &ecb, BLOCK, sizeof BLOCK, out, &out_len) == CKR_OK) {
		k = encrypter_of(FZ_AES_ECB, out, out_len, BLOCK, sizeof BLOCK);
		FZ_CHECK(k >= 0 && p11_rig_keys[k].service == NO_SERVICE && p11_rig_keys[k].encrypt);
	}
	for (int cbc = 0; cbc < 2; cbc++)
		for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
			CK_PORTFOLIO_PARAMS p = {params[i].source, params[i].id, (CK_BYTE_PTR)r->challenge,
			                         r->challenge_len};
			CK_MECHANISM m = {cbc ? CKM_PORTFOLIO_ENC_CBC : CKM_PORTFOLIO_ENC_GCM, &p, sizeof p};
			int token = p.ulSource == CKP_PORTFOLIO_SOURCE_TOKEN;
			if (encrypt(r, h, &m, (const uint8_t *)P11_RIG_IDENTITY, token ? 0 : IDENT_LEN, out, &out_len) !=
			    CKR_OK)
				continue;
			FZ_CHECK(i == 0);
			k = encrypter_of(cbc ? FZ_AES_CBC : FZ_AES_GCM, out, out_len, r->plain_msg, IDENT_LEN + r->challenge_len);
			FZ_CHECK(k >= 0 && p11_rig_keys[k].service == CK_PORTFOLIO_SRV_ENCRYPT && p11_rig_keys[k].encrypt);
			r->works[k] = 1;
		}
}

/* The server side, with the verify-only and decrypt-only copies' own answers. */
static void server_side(run *r, CK_OBJECT_HANDLE h)
{
	enum { VERIFIER = 5, DECRYPTER = 6 };
	CK_PORTFOLIO_PARAMS p = {CKP_PORTFOLIO_SOURCE_DATA, 0, (CK_BYTE_PTR)r->challenge, r->challenge_len};
	CK_MECHANISM auth = {CKM_PORTFOLIO_AUTH_CMAC, &p, sizeof p}, enc = {CKM_PORTFOLIO_ENC_GCM, &p, sizeof p};
	uint8_t sig[MAX_MAC], c[12 + sizeof r->plain_msg + 16] = {0}, plain[sizeof r->plain_msg];
	const p11_rig_key *v = &p11_rig_keys[VERIFIER], *d = &p11_rig_keys[DECRYPTER];
	size_t sig_len = fz_mac(1, v->value, v->len, r->token_msg, 32 + r->challenge_len, sig);
	size_t c_len = fz_aes_gcm_seal(d->value, d->len, r->plain_msg, IDENT_LEN + r->challenge_len, c);
	CK_ULONG plain_len = sizeof plain;

	if (C_VerifyInit(r->s, &auth, h) == CKR_OK &&
	    C_Verify(r->s, (CK_BYTE_PTR)P11_RIG_IDENTITY, IDENT_LEN, sig, sig_len) == CKR_OK)
		r->works[VERIFIER] = 1;
	/* The same message sealed under the decrypt-only copy. */
	if (C_DecryptInit(r->s, &enc, h) == CKR_OK && C_Decrypt(r->s, c, c_len, plain, &plain_len) == CKR_OK) {
		FZ_CHECK(plain_len == IDENT_LEN && memcmp(plain, P11_RIG_IDENTITY, IDENT_LEN) == 0);
		r->works[DECRYPTER] = 1;
	}
}

/* No sensitive key's bytes come out of any object. */
static void read_value(run *r, CK_OBJECT_HANDLE h)
{
	uint8_t v[600];
	CK_ATTRIBUTE a = {CKA_VALUE, v, sizeof v};
	if (C_GetAttributeValue(r->s, h, &a, 1) != CKR_OK)
		return;
	for (int i = 0; i < P11_RIG_N_KEYS; i++)
		FZ_CHECK(!(p11_rig_keys[i].sensitive && a.ulValueLen == p11_rig_keys[i].len &&
		           memcmp(v, p11_rig_keys[i].value, a.ulValueLen) == 0));
}

/* The rows key i needs: its object and sealed rows, and for the device
 * operations (SOURCE_TOKEN) the Identity's three rows. */
static int key_rows_changed(const edits *e, int i)
{
	int device = p11_rig_keys[i].service != NO_SERVICE && (p11_rig_keys[i].sign || p11_rig_keys[i].encrypt);
	int identity = row_changed(e, OBJ, 0) || row_changed(e, SEC, 0) || row_changed(e, SEC, 1);
	return row_changed(e, OBJ, 1 + i) || row_changed(e, SEC, 2 + i) || (device && identity);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	run r = {.in = {data, size, NULL, 0, 0}};
	edits e = {0};
	CK_OBJECT_HANDLE hs[MAX_HANDLES];

	if (!ready) {
		setup();
		ready = 1;
	}
	memcpy(e.cur, orig, sizeof orig);
	for (unsigned i = 0, n = fz_u8(&r.in) % (MAX_EDITS + 1); i < n; i++)
		edit_one(&e, &r.in);
	r.challenge_len = 1 + fz_u8(&r.in) % 64;
	r.challenge = fz_bytes(&r.in, r.challenge_len);
	memcpy(r.token_msg, identity_hash, 32);
	memcpy(r.token_msg + 32, r.challenge, r.challenge_len);
	memcpy(r.plain_msg, P11_RIG_IDENTITY, IDENT_LEN);
	memcpy(r.plain_msg + IDENT_LEN, r.challenge, r.challenge_len);

	p11_rig_restore();
	write_rows(&e);
	p11_rig_start(1, &r.s); /* aborts if the login fails: a bad row must not lose the token */
	CK_ULONG n = p11_rig_find_all(r.s, hs, MAX_HANDLES);
	for (CK_ULONG i = 0; i < n; i++) {
		standard_sign(&r, hs[i]);
		auth_sign(&r, hs[i]);
		encrypt_all(&r, hs[i]);
		server_side(&r, hs[i]);
		read_value(&r, hs[i]);
	}
	if (!e.object_edited)
		for (int i = 0; i < P11_RIG_N_KEYS; i++)
			FZ_CHECK(r.works[i] == !key_rows_changed(&e, i));
	fz_release(&r.in);
	return 0;
}
