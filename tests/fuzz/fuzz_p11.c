/*
 * fuzz_p11.c - turns bytes into a sequence of Cryptoki calls against the
 * module: arbitrary templates, mechanism parameters, handles (valid, stale
 * and made up) and buffer lengths, NULL-buffer length queries included.
 *
 * What the harness promises the module (what any honest caller promises):
 * every (pointer, length) pair it passes is true - a buffer of n bytes really
 * has n bytes (each one is its own heap block, so AddressSanitizer catches a
 * byte read or written past it). Everything else is fair game.
 *
 * So that one input cannot spoil the next, every input starts from the same
 * token (p11_rig.c): the module is finalised, the store directory is put back
 * byte for byte as it was after setup and the module is initialised again.
 * Whatever an input does - lock a PIN with wrong guesses, change a PIN,
 * re-initialise the token, destroy or modify the provisioned objects - is
 * gone for the next one, and an input behaves the same whichever inputs ran
 * before it (a crash reproduces from its file alone). The PINs an input sets
 * are tracked so it can log in with them.
 */
#include "config.h"
#include "fuzz_input.h"
#include "p11_rig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SO_PIN P11_RIG_SO_PIN
#define USER_PIN P11_RIG_USER_PIN
#define MAX_OBJ 48
#define MAX_SESS 4

static CK_SLOT_ID slot;
static CK_OBJECT_HANDLE objs[MAX_OBJ];
static size_t n_objs;

static const CK_MECHANISM_TYPE mechs[] = {
	CKM_AES_KEY_GEN, CKM_GENERIC_SECRET_KEY_GEN, CKM_AES_ECB, CKM_AES_CBC, CKM_AES_CBC_PAD,
	CKM_AES_GCM, CKM_AES_CMAC, CKM_AES_CMAC_GENERAL, CKM_SHA_1, CKM_SHA224, CKM_SHA256, CKM_SHA384,
	CKM_SHA512, CKM_SHA_1_HMAC, CKM_SHA256_HMAC, CKM_SHA256_HMAC_GENERAL, CKM_SHA384_HMAC,
	CKM_SHA512_HMAC, CKM_PORTFOLIO_AUTH_CMAC, CKM_PORTFOLIO_AUTH_HMAC, CKM_PORTFOLIO_ENC_GCM,
	CKM_PORTFOLIO_ENC_CBC, CKM_AES_CTR, CKM_RSA_PKCS,
};
#define N_MECHS (sizeof mechs / sizeof mechs[0])

static const CK_ATTRIBUTE_TYPE attr_types[] = {
	CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_LABEL, CKA_VALUE, CKA_KEY_TYPE, CKA_ID, CKA_SENSITIVE,
	CKA_EXTRACTABLE, CKA_ENCRYPT, CKA_DECRYPT, CKA_SIGN, CKA_VERIFY, CKA_WRAP, CKA_UNWRAP,
	CKA_DERIVE, CKA_VALUE_LEN, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE, CKA_ALWAYS_SENSITIVE,
	CKA_NEVER_EXTRACTABLE, CKA_WRAP_WITH_TRUSTED, CKA_LOCAL, CKA_START_DATE, CKA_END_DATE,
	CKA_UNIQUE_ID, CKA_KEY_GEN_MECHANISM, CKA_PORTFOLIO_IDENTITY_ID, CKA_PORTFOLIO_IDENTITY_HASH,
	CKA_PORTFOLIO_HASH_PROVISIONED, CKA_PORTFOLIO_SERVICE, CKA_PORTFOLIO_KEY_INDEX, CKA_APPLICATION,
};
#define N_ATTR_TYPES (sizeof attr_types / sizeof attr_types[0])

static const CK_ULONG small_values[] = {
	0, 1, 2, 3, 4, 16, 24, 32, 64, 512, 513, CKO_SECRET_KEY, CKO_PORTFOLIO_IDENTITY, CKO_DATA,
	CKK_AES, CKK_GENERIC_SECRET, CKK_RSA, (CK_ULONG)-1, CK_PORTFOLIO_SRV_AUTHENT,
	CK_PORTFOLIO_SRV_ENCRYPT,
};

/* ---- decoding helpers -------------------------------------------------------- */

/* A PIN as the token holds it now (an input may change it). */
typedef struct known_pin {
	CK_UTF8CHAR v[64];
	CK_ULONG len;
} known_pin;

typedef struct state {
	fz_in in;
	CK_SESSION_HANDLE sess[MAX_SESS];
	known_pin so, user;
} state;

static CK_SESSION_HANDLE pick_session(state *st)
{
	uint8_t b = fz_u8(&st->in);
	if (b < 0xf0)
		return st->sess[b % MAX_SESS];
	if (b == 0xf0)
		return CK_INVALID_HANDLE;
	return (CK_SESSION_HANDLE)fz_u64(&st->in);
}

/* A handle the input has seen (live or stale by now) or a made-up one. */
static CK_OBJECT_HANDLE pick_object(state *st)
{
	uint8_t b = fz_u8(&st->in);
	if (b >= 0xf0)
		return b == 0xf0 ? CK_INVALID_HANDLE : (CK_OBJECT_HANDLE)fz_u64(&st->in);
	if (n_objs == 0)
		return (CK_OBJECT_HANDLE)b;
	return objs[b % n_objs];
}

static void remember(CK_OBJECT_HANDLE h)
{
	for (size_t i = 0; i < n_objs; i++)
		if (objs[i] == h)
			return;
	if (n_objs < MAX_OBJ)
		objs[n_objs++] = h;
}

static CK_ULONG pick_len(state *st)
{
	uint8_t b = fz_u8(&st->in);
	if (b < 0xc0)
		return b;
	if (b < 0xff)
		return fz_u16(&st->in) % 4097;
	return 65536;
}

/* Input data: NULL (with a length: the module must refuse it) or real bytes. */
static CK_BYTE_PTR pick_data(state *st, CK_ULONG *len)
{
	uint8_t b = fz_u8(&st->in);
	*len = pick_len(st);
	if (b == 0xff)
		return NULL;
	return fz_bytes(&st->in, *len);
}

/* Output buffer: NULL (length query) or a block of exactly *len bytes. */
static CK_BYTE_PTR pick_out(state *st, CK_ULONG *len)
{
	uint8_t b = fz_u8(&st->in);
	*len = pick_len(st);
	if (b < 0x40)
		return NULL;
	return fz_alloc(&st->in, *len);
}

static void fill_value(state *st, CK_ATTRIBUTE *a)
{
	uint8_t kind = fz_u8(&st->in) % 6;
	switch (kind) {
	case 0: /* a bool */
		a->pValue = fz_bytes(&st->in, 1);
		a->ulValueLen = 1;
		*(CK_BBOOL *)a->pValue &= (fz_u8(&st->in) & 1) ? 0xff : 1;
		break;
	case 1: { /* a CK_ULONG of an interesting value */
		CK_ULONG *v = fz_alloc(&st->in, sizeof *v);
		*v = small_values[fz_u8(&st->in) % (sizeof small_values / sizeof small_values[0])];
		a->pValue = v;
		a->ulValueLen = sizeof *v;
		break;
	}
	case 2: /* NULL with a length (get: a length query; create/set: must be refused) */
		a->pValue = NULL;
		a->ulValueLen = pick_len(st);
		break;
	default: /* raw bytes */
		a->ulValueLen = pick_len(st);
		a->pValue = fz_bytes(&st->in, a->ulValueLen);
		break;
	}
}

static CK_ATTRIBUTE *pick_template(state *st, CK_ULONG *n, int for_get)
{
	uint8_t b = fz_u8(&st->in);
	*n = b < 0xf8 ? b % 9 : b % 80;
	if (fz_u8(&st->in) == 0xff) {
		/* NULL template with a count: must be refused. */
		return NULL;
	}
	CK_ATTRIBUTE *t = fz_alloc(&st->in, *n * sizeof *t);
	for (CK_ULONG i = 0; i < *n; i++) {
		uint8_t tb = fz_u8(&st->in);
		t[i].type = tb < 0xf0 ? attr_types[tb % N_ATTR_TYPES] : (CK_ATTRIBUTE_TYPE)fz_u64(&st->in);
		if (for_get) {
			t[i].pValue = pick_out(st, &t[i].ulValueLen);
		} else {
			fill_value(st, &t[i]);
		}
	}
	return t;
}

static CK_MECHANISM *pick_mechanism(state *st)
{
	uint8_t b = fz_u8(&st->in);
	if (b == 0xff)
		return NULL;
	CK_MECHANISM *m = fz_alloc(&st->in, sizeof *m);
	m->mechanism = b < 0xf0 ? mechs[b % N_MECHS] : (CK_MECHANISM_TYPE)fz_u64(&st->in);
	uint8_t shape = fz_u8(&st->in) % 5;
	m->pParameter = NULL;
	m->ulParameterLen = 0;
	switch (shape) {
	case 0:
		break;
	case 1: /* NULL with a length */
		m->ulParameterLen = pick_len(st);
		break;
	case 2: /* raw bytes */
		m->ulParameterLen = pick_len(st);
		m->pParameter = fz_bytes(&st->in, m->ulParameterLen);
		break;
	default: /* the structure the mechanism expects, with fuzzed contents */
		if (m->mechanism == CKM_AES_GCM) {
			CK_GCM_PARAMS *g = fz_alloc(&st->in, sizeof *g);
			g->pIv = pick_data(st, &g->ulIvLen);
			g->ulIvBits = fz_u8(&st->in) * 8u;
			g->pAAD = pick_data(st, &g->ulAADLen);
			g->ulTagBits = fz_u8(&st->in);
			m->pParameter = g;
			m->ulParameterLen = sizeof *g;
		} else if (m->mechanism == CKM_PORTFOLIO_AUTH_CMAC || m->mechanism == CKM_PORTFOLIO_AUTH_HMAC ||
		           m->mechanism == CKM_PORTFOLIO_ENC_GCM || m->mechanism == CKM_PORTFOLIO_ENC_CBC) {
			CK_PORTFOLIO_PARAMS *p = fz_alloc(&st->in, sizeof *p);
			p->ulSource = fz_u8(&st->in) % 5;
			p->ulIdentityId = fz_u8(&st->in) % 4;
			p->pChallenge = pick_data(st, &p->ulChallengeLen);
			m->pParameter = p;
			m->ulParameterLen = sizeof *p;
		} else if (m->mechanism == CKM_AES_CBC || m->mechanism == CKM_AES_CBC_PAD) {
			m->ulParameterLen = fz_u8(&st->in) < 0xe0 ? 16 : pick_len(st);
			m->pParameter = fz_bytes(&st->in, m->ulParameterLen);
		} else {
			CK_ULONG *v = fz_alloc(&st->in, sizeof *v);
			*v = fz_u8(&st->in);
			m->pParameter = v;
			m->ulParameterLen = sizeof *v;
		}
		break;
	}
	return m;
}

/* Wrong-length, NULL, wrong (as many as the input likes: PINs lock) or the
 * role's current PIN. */
static CK_UTF8CHAR_PTR pick_pin(state *st, CK_USER_TYPE who, CK_ULONG *len)
{
	uint8_t b = fz_u8(&st->in) % 6;
	switch (b) {
	case 0:
		*len = 0;
		return NULL;
	case 1:
		*len = pick_len(st);
		return NULL;
	case 2:
		*len = 3;
		return fz_bytes(&st->in, 3);
	case 3:
		*len = 4 + fz_u8(&st->in) % 61;
		return fz_bytes(&st->in, *len);
	default: {
		const known_pin *pin = who == CKU_SO ? &st->so : &st->user;
		*len = pin->len;
		CK_UTF8CHAR_PTR p = fz_alloc(&st->in, *len);
		memcpy(p, pin->v, *len);
		return p;
	}
	}
}

/* After a PIN change that succeeded: the input logs in with the new PIN from now on. */
static void learn_pin(known_pin *pin, CK_UTF8CHAR_PTR v, CK_ULONG len)
{
	if (v == NULL || len > sizeof pin->v)
		return;
	memcpy(pin->v, v, len);
	pin->len = len;
}

/* C_SetPIN changes the PIN of whoever is logged in on the session (the user's if nobody is). */
static known_pin *pin_of_session(state *st, CK_SESSION_HANDLE s)
{
	CK_SESSION_INFO si;
	if (C_GetSessionInfo(s, &si) == CKR_OK && si.state == CKS_RW_SO_FUNCTIONS)
		return &st->so;
	return &st->user;
}

static CK_ULONG_PTR len_ptr(state *st, CK_ULONG *holder)
{
	/* Occasionally a NULL length pointer: must be CKR_ARGUMENTS_BAD. */
	return fz_u8(&st->in) == 0xff ? NULL : holder;
}

/* ---- the operations ----------------------------------------------------------- */

typedef CK_RV (*init_fn)(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE);
typedef CK_RV (*single_fn)(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR);
typedef CK_RV (*final_fn)(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR);

static void crypto_op(state *st, unsigned which, unsigned step)
{
	static const init_fn inits[] = {C_EncryptInit, C_DecryptInit, C_SignInit, C_VerifyInit};
	static const single_fn singles[] = {C_Encrypt, C_Decrypt, NULL, NULL};
	static const single_fn updates[] = {C_EncryptUpdate, C_DecryptUpdate, NULL, NULL};
	static const final_fn finals[] = {C_EncryptFinal, C_DecryptFinal, C_SignFinal, NULL};
	CK_SESSION_HANDLE s = pick_session(st);
	CK_ULONG in_len, out_len, sig_len;
	CK_BYTE_PTR in, out, sig;
	switch (step) {
	case 0: {
		CK_MECHANISM *m = pick_mechanism(st);
		inits[which](s, m, pick_object(st));
		break;
	}
	case 1:
		in = pick_data(st, &in_len);
		if (which == 2) {
			out = pick_out(st, &out_len);
			C_Sign(s, in, in_len, out, len_ptr(st, &out_len));
		} else if (which == 3) {
			sig = pick_data(st, &sig_len);
			C_Verify(s, in, in_len, sig, sig_len);
		} else {
			out = pick_out(st, &out_len);
			singles[which](s, in, in_len, out, len_ptr(st, &out_len));
		}
		break;
	case 2:
		in = pick_data(st, &in_len);
		if (which == 2) {
			C_SignUpdate(s, in, in_len);
		} else if (which == 3) {
			C_VerifyUpdate(s, in, in_len);
		} else {
			out = pick_out(st, &out_len);
			updates[which](s, in, in_len, out, len_ptr(st, &out_len));
		}
		break;
	default:
		if (which == 3) {
			sig = pick_data(st, &sig_len);
			C_VerifyFinal(s, sig, sig_len);
		} else {
			out = pick_out(st, &out_len);
			finals[which](s, out, len_ptr(st, &out_len));
		}
		break;
	}
}

static void digest_op(state *st, unsigned step)
{
	CK_SESSION_HANDLE s = pick_session(st);
	CK_ULONG in_len, out_len;
	CK_BYTE_PTR in, out;
	switch (step) {
	case 0:
		C_DigestInit(s, pick_mechanism(st));
		break;
	case 1:
		in = pick_data(st, &in_len);
		out = pick_out(st, &out_len);
		C_Digest(s, in, in_len, out, len_ptr(st, &out_len));
		break;
	case 2:
		in = pick_data(st, &in_len);
		C_DigestUpdate(s, in, in_len);
		break;
	default:
		out = pick_out(st, &out_len);
		C_DigestFinal(s, out, len_ptr(st, &out_len));
		break;
	}
}

/* Slot/token/mechanism queries with fuzzed lengths, unsupported calls, C_InitToken. */
static void slot_op(state *st)
{
	CK_TOKEN_INFO ti;
	CK_MECHANISM_INFO mi;
	uint8_t b = fz_u8(&st->in) % 7;
	CK_SESSION_HANDLE s;
	CK_RV rv;
	CK_SLOT_ID sl = fz_u8(&st->in) < 0xf0 ? slot : (CK_SLOT_ID)fz_u64(&st->in);
	if (b == 0) {
		C_GetTokenInfo(sl, &ti);
	} else if (b == 1) {
		CK_MECHANISM *m = pick_mechanism(st);
		C_GetMechanismInfo(sl, m != NULL ? m->mechanism : 0, &mi);
	} else if (b == 2) {
		CK_ULONG cnt = fz_u8(&st->in) % 64;
		CK_MECHANISM_TYPE_PTR list = fz_u8(&st->in) & 1 ? NULL : fz_alloc(&st->in, cnt * sizeof *list);
		C_GetMechanismList(sl, list, &cnt);
	} else if (b == 3) {
		CK_ULONG cnt = fz_u8(&st->in) % 8;
		CK_SLOT_ID_PTR list = fz_u8(&st->in) & 1 ? NULL : fz_alloc(&st->in, cnt * sizeof *list);
		C_GetSlotList(fz_u8(&st->in) & 1, list, &cnt);
	} else if (b == 4) {
		CK_ULONG wl;
		CK_BYTE_PTR w = pick_out(st, &wl);
		s = pick_session(st);
		rv = C_WrapKey(s, pick_mechanism(st), pick_object(st), pick_object(st), w, &wl);
		if (rv == CKR_OK) {
			fprintf(stderr, "C_WrapKey succeeded: wrapping is not offered\n");
			abort();
		}
	} else if (b == 5) {
		CK_ULONG ol;
		CK_BYTE_PTR o = pick_out(st, &ol);
		C_GetOperationState(pick_session(st), o, &ol);
	} else {
		/* Re-initialisation: with sessions open it must be refused; on success
		 * every object is gone and the input's SO PIN is the new one. */
		CK_ULONG len;
		CK_UTF8CHAR_PTR pin = pick_pin(st, fz_u8(&st->in) & 1 ? CKU_SO : CKU_USER, &len);
		CK_UTF8CHAR_PTR label = fz_bytes(&st->in, 32);
		if (C_InitToken(sl, pin, len, label) == CKR_OK) {
			learn_pin(&st->so, pin, len);
			st->user.len = 0;
		}
	}
}

static void one_call(state *st)
{
	uint8_t op = fz_u8(&st->in) % 40;
	CK_SESSION_HANDLE s;
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE *t;
	CK_ULONG n, len;
	switch (op) {
	case 0: {
		uint8_t b = fz_u8(&st->in);
		CK_FLAGS fl = (b & 1 ? CKF_SERIAL_SESSION : 0) | (b & 2 ? CKF_RW_SESSION : 0);
		CK_SLOT_ID sl = b & 0x80 ? (CK_SLOT_ID)fz_u64(&st->in) : slot;
		CK_SESSION_HANDLE out = 0;
		if (C_OpenSession(sl, fl, NULL, NULL, (b & 0x40) ? NULL : &out) == CKR_OK)
			st->sess[(b >> 2) % MAX_SESS] = out;
		break;
	}
	case 1:
		C_CloseSession(pick_session(st));
		break;
	case 2:
		C_CloseAllSessions(fz_u8(&st->in) < 0xf0 ? slot : (CK_SLOT_ID)fz_u64(&st->in));
		break;
	case 3: {
		s = pick_session(st);
		uint8_t b = fz_u8(&st->in) % 4;
		CK_USER_TYPE who = b == 0 ? CKU_SO : b == 1 ? CKU_USER : b == 2 ? CKU_CONTEXT_SPECIFIC : 7;
		CK_UTF8CHAR_PTR pin = pick_pin(st, who == CKU_SO ? CKU_SO : CKU_USER, &len);
		C_Login(s, who, pin, len);
		break;
	}
	case 4:
		C_Logout(pick_session(st));
		break;
	case 5: {
		s = pick_session(st);
		CK_UTF8CHAR_PTR pin = pick_pin(st, fz_u8(&st->in) & 1 ? CKU_SO : CKU_USER, &len);
		if (C_InitPIN(s, pin, len) == CKR_OK)
			learn_pin(&st->user, pin, len);
		break;
	}
	case 6: {
		s = pick_session(st);
		CK_USER_TYPE who = fz_u8(&st->in) & 1 ? CKU_SO : CKU_USER;
		CK_ULONG old_len, new_len;
		CK_UTF8CHAR_PTR old = pick_pin(st, who, &old_len);
		CK_UTF8CHAR_PTR neu = pick_pin(st, fz_u8(&st->in) & 1 ? CKU_SO : CKU_USER, &new_len);
		known_pin *changed = pin_of_session(st, s);
		if (C_SetPIN(s, old, old_len, neu, new_len) == CKR_OK)
			learn_pin(changed, neu, new_len);
		break;
	}
	case 7:
		s = pick_session(st);
		t = pick_template(st, &n, 0);
		h = 0;
		if (C_CreateObject(s, t, n, fz_u8(&st->in) == 0xff ? NULL : &h) == CKR_OK)
			remember(h);
		break;
	case 8:
		s = pick_session(st);
		h = pick_object(st);
		t = pick_template(st, &n, 0);
		{
			CK_OBJECT_HANDLE out = 0;
			if (C_CopyObject(s, h, t, n, &out) == CKR_OK)
				remember(out);
		}
		break;
	case 9:
		s = pick_session(st);
		C_DestroyObject(s, pick_object(st)); /* its handle stays in objs: a stale one */
		break;
	case 10:
		s = pick_session(st);
		h = pick_object(st);
		t = pick_template(st, &n, 1);
		C_GetAttributeValue(s, h, t, n);
		break;
	case 11:
		s = pick_session(st);
		h = pick_object(st);
		t = pick_template(st, &n, 0);
		C_SetAttributeValue(s, h, t, n);
		break;
	case 12:
		s = pick_session(st);
		t = pick_template(st, &n, 0);
		C_FindObjectsInit(s, t, n);
		break;
	case 13: {
		s = pick_session(st);
		CK_ULONG max = fz_u8(&st->in), got = 0;
		CK_OBJECT_HANDLE_PTR out = fz_u8(&st->in) == 0xff ? NULL : fz_alloc(&st->in, max * sizeof *out);
		if (C_FindObjects(s, out, max, len_ptr(st, &got)) == CKR_OK && out != NULL)
			for (CK_ULONG i = 0; i < got && i < max; i++)
				remember(out[i]); /* e.g. private objects after a login of the input's */
		break;
	}
	case 14:
		C_FindObjectsFinal(pick_session(st));
		break;
	case 15:
		s = pick_session(st);
		C_GetObjectSize(s, pick_object(st), len_ptr(st, &len));
		break;
	case 16: case 17: case 18: case 19: case 20: case 21: case 22: case 23:
	case 24: case 25: case 26: case 27: case 28: case 29: case 30: case 31:
		crypto_op(st, (op - 16) / 4, (op - 16) % 4);
		break;
	case 32: case 33: case 34: case 35:
		digest_op(st, op - 32);
		break;
	case 36: {
		s = pick_session(st);
		CK_MECHANISM *m = pick_mechanism(st);
		t = pick_template(st, &n, 0);
		h = 0;
		if (C_GenerateKey(s, m, t, n, &h) == CKR_OK)
			remember(h);
		break;
	}
	case 37: {
		s = pick_session(st);
		len = pick_len(st);
		C_GenerateRandom(s, fz_u8(&st->in) == 0xff ? NULL : fz_alloc(&st->in, len), len);
		break;
	}
	case 38: {
		CK_SESSION_INFO si;
		s = pick_session(st);
		C_GetSessionInfo(s, fz_u8(&st->in) == 0xff ? NULL : &si);
		break;
	}
	default:
		slot_op(st);
		break;
	}
}

/* Every input starts from the token as setup left it (p11_rig.h): one R/W
 * session, the user logged in if the input's first bit says so, and the
 * object handles that session can find. */
static void start(state *st)
{
	CK_OBJECT_HANDLE found[MAX_OBJ];
	p11_rig_restore();
	slot = p11_rig_start(fz_u8(&st->in) & 1, &st->sess[0]);
	learn_pin(&st->so, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN));
	learn_pin(&st->user, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN));
	CK_ULONG got = p11_rig_find_all(st->sess[0], found, MAX_OBJ);
	n_objs = 0;
	for (CK_ULONG i = 0; i < got; i++)
		remember(found[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		p11_rig_setup();
		ready = 1;
	}
	state st;
	memset(&st, 0, sizeof st);
	st.in.p = data;
	st.in.n = size;
	start(&st);
	for (int calls = 0; calls < 64 && st.in.n > 0; calls++) {
		one_call(&st);
	}
	/* Ends every operation and session the input left; the next input restores the store. */
	CK_RV rv = C_Finalize(NULL);
	if (rv != CKR_OK)
		p11_rig_die("C_Finalize", rv);
	fz_release(&st.in);
	return 0;
}
