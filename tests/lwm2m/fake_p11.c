#include "config.h"
#include "fake_p11.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SESSIONS 32
#define H_IDENTITY 1
#define H_KEY 2

typedef struct fake_session {
	int open;
	unsigned generation; /* invalidated when it differs from the fake's */
	size_t slot;
	CK_OBJECT_HANDLE found[FAKE_MAX_IDS + FAKE_MAX_KEYS];
	CK_ULONG found_n, found_pos;
	int finding;
	int op;                /* 0 none, 1 sign, 2 encrypt */
	CK_MECHANISM_TYPE mech;
	CK_OBJECT_HANDLE key;
	CK_ULONG identity_id;
	uint8_t challenge[64];
	CK_ULONG challenge_len;
} fake_session;

static fake_state st;
static fake_session sessions[MAX_SESSIONS];
static unsigned session_generation = 1;
static int initialized;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static CK_FUNCTION_LIST list;

fake_state *fake(void) { return &st; }

void fake_reset(void)
{
	memset(&st, 0, sizeof(st));
	memset(sessions, 0, sizeof(sessions));
	initialized = 0;
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

fake_token *fake_add_token(CK_SLOT_ID slot)
{
	size_t i = st.slot_count++;
	st.slot_ids[i] = slot;
	st.tokens[i].initialized = 1;
	st.tokens[i].user_pin = "1234";
	return &st.tokens[i];
}

void fake_add_slot_uninitialized(CK_SLOT_ID slot)
{
	size_t i = st.slot_count++;
	st.slot_ids[i] = slot;
}

void fake_add_identity(fake_token *t, CK_ULONG id, const char *value, int provisioned)
{
	for (int i = 0; i < FAKE_MAX_IDS; i++)
		if (!t->ids[i].used) {
			fake_identity *d = &t->ids[i];
			d->used = 1;
			d->id = id;
			d->len = strlen(value);
			memcpy(d->value, value, d->len);
			if (provisioned) {
				d->has_hash = 1;
				EVP_Digest(value, d->len, d->hash, NULL, EVP_sha256(), NULL);
			}
			return;
		}
}

void fake_add_key(fake_token *t, CK_ULONG service, CK_ULONG index, const char *hex)
{
	for (int i = 0; i < FAKE_MAX_KEYS; i++)
		if (!t->keys[i].used) {
			fake_key *k = &t->keys[i];
			k->used = 1;
			k->service = service;
			k->index = index;
			k->len = strlen(hex) / 2;
			for (size_t j = 0; j < k->len; j++)
				k->value[j] = (uint8_t)(hexval(hex[2 * j]) << 4 | hexval(hex[2 * j + 1]));
			return;
		}
}

/* ---- helpers ---- */

static fake_session *get_session(CK_SESSION_HANDLE h)
{
	if (h == 0 || h > MAX_SESSIONS)
		return NULL;
	fake_session *s = &sessions[h - 1];
	if (!s->open || s->generation != session_generation)
		return NULL;
	return s;
}

static CK_OBJECT_HANDLE make_handle(size_t slot, int kind, int idx)
{
	return (CK_OBJECT_HANDLE)((slot + 1) << 16 | (unsigned)kind << 8 | (unsigned)(idx + 1));
}

static int split_handle(fake_session *s, CK_OBJECT_HANDLE h, int *kind, int *idx)
{
	if ((h >> 16) != s->slot + 1)
		return -1;
	*kind = (int)((h >> 8) & 0xff);
	*idx = (int)(h & 0xff) - 1;
	fake_token *t = &st.tokens[s->slot];
	if (*kind == H_IDENTITY && *idx >= 0 && *idx < FAKE_MAX_IDS && t->ids[*idx].used)
		return 0;
	if (*kind == H_KEY && *idx >= 0 && *idx < FAKE_MAX_KEYS && t->keys[*idx].used)
		return 0;
	return -1;
}

static int slot_index(CK_SLOT_ID id, size_t *out)
{
	for (size_t i = 0; i < st.slot_count; i++)
		if (st.slot_ids[i] == id) {
			*out = i;
			return 0;
		}
	return -1;
}

static CK_ULONG ulong_attr(const CK_ATTRIBUTE *a)
{
	CK_ULONG v = 0;
	if (a->ulValueLen == sizeof(v))
		memcpy(&v, a->pValue, sizeof(v));
	return v;
}

/* ---- functions ---- */

static CK_RV f_initialize(CK_VOID_PTR args)
{
	(void)args;
	pthread_mutex_lock(&lock);
	st.initialize_calls++;
	CK_RV rv = initialized ? CKR_CRYPTOKI_ALREADY_INITIALIZED : CKR_OK;
	initialized = 1;
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV f_finalize(CK_VOID_PTR r)
{
	(void)r;
	pthread_mutex_lock(&lock);
	st.finalize_calls++;
	initialized = 0;
	pthread_mutex_unlock(&lock);
	return CKR_OK;
}

static CK_RV f_get_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR slots, CK_ULONG_PTR count)
{
	(void)present;
	if (slots != NULL) {
		if (*count < st.slot_count) {
			*count = st.slot_count;
			return CKR_BUFFER_TOO_SMALL;
		}
		for (size_t i = 0; i < st.slot_count; i++)
			slots[i] = st.slot_ids[i];
	}
	*count = st.slot_count;
	return CKR_OK;
}

static CK_RV f_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
	size_t i;
	if (slot_index(slot, &i) != 0)
		return CKR_SLOT_ID_INVALID;
	memset(info, ' ', sizeof(*info));
	info->flags = CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | (st.tokens[i].initialized ? CKF_TOKEN_INITIALIZED : 0);
	return CKR_OK;
}

static CK_RV f_open_session(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
			    CK_SESSION_HANDLE_PTR out)
{
	(void)flags; (void)app; (void)notify;
	size_t i;
	pthread_mutex_lock(&lock);
	CK_RV rv = CKR_SESSION_COUNT;
	if (slot_index(slot, &i) != 0) {
		rv = CKR_SLOT_ID_INVALID;
	} else {
		for (int h = 0; h < MAX_SESSIONS; h++)
			if (!sessions[h].open || sessions[h].generation != session_generation) {
				memset(&sessions[h], 0, sizeof(sessions[h]));
				sessions[h].open = 1;
				sessions[h].generation = session_generation;
				sessions[h].slot = i;
				*out = (CK_SESSION_HANDLE)(h + 1);
				st.open_sessions++;
				rv = CKR_OK;
				break;
			}
	}
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV f_close_session(CK_SESSION_HANDLE h)
{
	pthread_mutex_lock(&lock);
	CK_RV rv = CKR_SESSION_HANDLE_INVALID;
	if (h >= 1 && h <= MAX_SESSIONS && sessions[h - 1].open) {
		sessions[h - 1].open = 0;
		st.open_sessions--;
		rv = CKR_OK;
	}
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV check_session(CK_SESSION_HANDLE h, fake_session **out)
{
	if (st.invalidate_sessions) {
		st.invalidate_sessions = 0;
		session_generation++;
	}
	*out = get_session(h);
	return *out ? CKR_OK : CKR_SESSION_HANDLE_INVALID;
}

static CK_RV f_login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	fake_session *s;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	if (rv == CKR_OK) {
		st.login_calls++;
		const char *want = st.tokens[s->slot].user_pin;
		if (user != CKU_USER || len != strlen(want) || memcmp(pin, want, len) != 0)
			rv = CKR_PIN_INCORRECT;
	}
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV f_find_init(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
	fake_session *s;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	if (rv != CKR_OK) {
		pthread_mutex_unlock(&lock);
		return rv;
	}
	int want_class = -1, want_id = -1, want_srv = -1, want_idx = -1;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_ULONG v = ulong_attr(&tmpl[i]);
		if (tmpl[i].type == CKA_CLASS)
			want_class = v == CKO_PORTFOLIO_IDENTITY ? H_IDENTITY : v == CKO_SECRET_KEY ? H_KEY : 99;
		else if (tmpl[i].type == CKA_PORTFOLIO_IDENTITY_ID)
			want_id = (int)v;
		else if (tmpl[i].type == CKA_PORTFOLIO_SERVICE)
			want_srv = (int)v;
		else if (tmpl[i].type == CKA_PORTFOLIO_KEY_INDEX)
			want_idx = (int)v;
	}
	fake_token *t = &st.tokens[s->slot];
	s->found_n = s->found_pos = 0;
	if (want_class == -1 || want_class == H_IDENTITY)
		for (int i = 0; i < FAKE_MAX_IDS; i++)
			if (t->ids[i].used && (want_id < 0 || (CK_ULONG)want_id == t->ids[i].id) && want_srv < 0 &&
			    want_idx < 0)
				s->found[s->found_n++] = make_handle(s->slot, H_IDENTITY, i);
	if (want_class == -1 || want_class == H_KEY)
		for (int i = 0; i < FAKE_MAX_KEYS; i++)
			if (t->keys[i].used && want_id < 0 &&
			    (want_srv < 0 || (CK_ULONG)want_srv == t->keys[i].service) &&
			    (want_idx < 0 || (CK_ULONG)want_idx == t->keys[i].index))
				s->found[s->found_n++] = make_handle(s->slot, H_KEY, i);
	s->finding = 1;
	pthread_mutex_unlock(&lock);
	return CKR_OK;
}

static CK_RV f_find(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR count)
{
	fake_session *s;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	if (rv == CKR_OK && !s->finding)
		rv = CKR_OPERATION_NOT_INITIALIZED;
	if (rv == CKR_OK) {
		*count = 0;
		while (*count < max && s->found_pos < s->found_n)
			out[(*count)++] = s->found[s->found_pos++];
	}
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV f_find_final(CK_SESSION_HANDLE h)
{
	fake_session *s;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	if (rv == CKR_OK)
		s->finding = 0;
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV put_attr(CK_ATTRIBUTE_PTR a, const void *v, CK_ULONG len)
{
	if (a->pValue == NULL) {
		a->ulValueLen = len;
		return CKR_OK;
	}
	if (a->ulValueLen < len) {
		a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		return CKR_BUFFER_TOO_SMALL;
	}
	memcpy(a->pValue, v, len);
	a->ulValueLen = len;
	return CKR_OK;
}

static CK_RV f_get_attr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR a, CK_ULONG n)
{
	fake_session *s;
	int kind, idx;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	if (rv == CKR_OK && split_handle(s, o, &kind, &idx) != 0)
		rv = CKR_OBJECT_HANDLE_INVALID;
	for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++) {
		fake_token *t = &st.tokens[s->slot];
		if (kind == H_IDENTITY && a[i].type == CKA_VALUE) {
			rv = put_attr(&a[i], t->ids[idx].value, t->ids[idx].len);
		} else if (kind == H_IDENTITY && a[i].type == CKA_PORTFOLIO_IDENTITY_ID) {
			rv = put_attr(&a[i], &t->ids[idx].id, sizeof(CK_ULONG));
		} else if (kind == H_IDENTITY && a[i].type == CKA_PORTFOLIO_HASH_PROVISIONED) {
			CK_BBOOL b = t->ids[idx].has_hash ? CK_TRUE : CK_FALSE;
			rv = put_attr(&a[i], &b, sizeof(b));
		} else if (kind == H_KEY && a[i].type == CKA_VALUE) {
			a[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			rv = CKR_ATTRIBUTE_SENSITIVE;
		} else {
			a[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			rv = CKR_ATTRIBUTE_TYPE_INVALID;
		}
	}
	pthread_mutex_unlock(&lock);
	return rv;
}

/* Under lock: the injected fault of a write, if it is this one's turn. */
static CK_RV write_fault(void)
{
	if (st.write_fault == CKR_OK)
		return CKR_OK;
	if (st.writes_before_fault-- > 0)
		return CKR_OK;
	CK_RV rv = st.write_fault;
	st.write_fault = CKR_OK;
	return rv;
}

static CK_RV f_set_attr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR a, CK_ULONG n)
{
	fake_session *s;
	int kind, idx;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	if (rv == CKR_OK && split_handle(s, o, &kind, &idx) != 0)
		rv = CKR_OBJECT_HANDLE_INVALID;
	if (rv == CKR_OK && (kind != H_IDENTITY || n != 1 || a[0].type != CKA_VALUE))
		rv = CKR_ATTRIBUTE_READ_ONLY;
	if (rv == CKR_OK && a[0].ulValueLen > sizeof(st.tokens[0].ids[0].value))
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
	if (rv == CKR_OK)
		rv = write_fault();
	if (rv == CKR_OK) {
		fake_identity *d = &st.tokens[s->slot].ids[idx];
		memcpy(d->value, a[0].pValue, a[0].ulValueLen);
		d->len = a[0].ulValueLen; /* the hash stays: a write cannot clone */
	}
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV f_create(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR a, CK_ULONG n, CK_OBJECT_HANDLE_PTR out)
{
	fake_session *s;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	CK_ULONG cls = 0, id = 0;
	const CK_ATTRIBUTE *value = NULL;
	int have_id = 0;
	for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++) {
		if (a[i].type == CKA_CLASS)
			cls = ulong_attr(&a[i]);
		else if (a[i].type == CKA_PORTFOLIO_IDENTITY_ID) {
			id = ulong_attr(&a[i]);
			have_id = 1;
		} else if (a[i].type == CKA_VALUE)
			value = &a[i];
	}
	if (rv == CKR_OK && (cls != CKO_PORTFOLIO_IDENTITY || !have_id || value == NULL))
		rv = CKR_TEMPLATE_INCOMPLETE;
	if (rv == CKR_OK && value->ulValueLen > sizeof(st.tokens[0].ids[0].value))
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
	if (rv == CKR_OK)
		rv = write_fault();
	if (rv == CKR_OK) {
		fake_token *t = &st.tokens[s->slot];
		rv = CKR_DEVICE_MEMORY;
		for (int i = 0; i < FAKE_MAX_IDS; i++)
			if (!t->ids[i].used) {
				memset(&t->ids[i], 0, sizeof(t->ids[i]));
				t->ids[i].used = 1;
				t->ids[i].id = id;
				memcpy(t->ids[i].value, value->pValue, value->ulValueLen);
				t->ids[i].len = value->ulValueLen;
				*out = make_handle(s->slot, H_IDENTITY, i);
				rv = CKR_OK;
				break;
			}
	}
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV f_destroy(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o)
{
	fake_session *s;
	int kind, idx;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	if (rv == CKR_OK && split_handle(s, o, &kind, &idx) != 0)
		rv = CKR_OBJECT_HANDLE_INVALID;
	if (rv == CKR_OK)
		rv = write_fault();
	if (rv == CKR_OK && kind == H_IDENTITY)
		st.tokens[s->slot].ids[idx].used = 0;
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV op_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key, int op)
{
	fake_session *s;
	int kind, idx;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	if (rv == CKR_OK && split_handle(s, key, &kind, &idx) != 0)
		rv = CKR_KEY_HANDLE_INVALID;
	if (rv == CKR_OK && kind != H_KEY)
		rv = CKR_KEY_HANDLE_INVALID;
	if (rv == CKR_OK) {
		CK_ULONG want = op == 1 ? CK_PORTFOLIO_SRV_AUTHENT : CK_PORTFOLIO_SRV_ENCRYPT;
		if (st.tokens[s->slot].keys[idx].service != want)
			rv = CKR_KEY_FUNCTION_NOT_PERMITTED;
	}
	if (rv == CKR_OK && (op == 1 ? (m->mechanism != CKM_PORTFOLIO_AUTH_CMAC && m->mechanism != CKM_PORTFOLIO_AUTH_HMAC)
				     : m->mechanism != CKM_PORTFOLIO_ENC_GCM))
		rv = CKR_MECHANISM_INVALID;
	const CK_PORTFOLIO_PARAMS *p = m->pParameter;
	if (rv == CKR_OK && (p == NULL || m->ulParameterLen != sizeof(*p) || p->ulSource != CKP_PORTFOLIO_SOURCE_TOKEN ||
			     p->ulChallengeLen == 0 || p->ulChallengeLen > 64 || p->pChallenge == NULL))
		rv = CKR_MECHANISM_PARAM_INVALID;
	if (rv == CKR_OK && st.fail_next_init != CKR_OK) {
		rv = st.fail_next_init; /* the secure component refuses (policy) */
		st.fail_next_init = CKR_OK;
	}
	if (rv == CKR_OK) {
		s->op = op;
		s->mech = m->mechanism;
		s->key = key;
		s->identity_id = p->ulIdentityId;
		memcpy(s->challenge, p->pChallenge, p->ulChallengeLen);
		s->challenge_len = p->ulChallengeLen;
		st.last_mechanism = m->mechanism;
		st.last_identity_id = p->ulIdentityId;
	}
	pthread_mutex_unlock(&lock);
	return rv;
}

static CK_RV f_sign_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key)
{
	return op_init(h, m, key, 1);
}

static CK_RV f_encrypt_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key)
{
	return op_init(h, m, key, 2);
}

static int mac(const char *alg, const char *sub, const uint8_t *k, size_t kl, const uint8_t *m, size_t ml,
	       uint8_t *out, size_t *outl)
{
	EVP_MAC *e = EVP_MAC_fetch(NULL, alg, NULL);
	EVP_MAC_CTX *c = e ? EVP_MAC_CTX_new(e) : NULL;
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_utf8_string(strcmp(alg, "CMAC") == 0 ? OSSL_MAC_PARAM_CIPHER
									   : OSSL_MAC_PARAM_DIGEST,
						 (char *)sub, 0),
		OSSL_PARAM_construct_end()};
	int ok = c && EVP_MAC_init(c, k, kl, params) && EVP_MAC_update(c, m, ml) && EVP_MAC_final(c, out, outl, 64);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(e);
	return ok ? 0 : -1;
}

/* Computes the result of the session's operation into out (cap 512). */
static CK_RV compute(fake_session *s, uint8_t *out, size_t *outl)
{
	fake_token *t = &st.tokens[s->slot];
	fake_identity *d = NULL;
	for (int i = 0; i < FAKE_MAX_IDS; i++)
		if (t->ids[i].used && t->ids[i].id == s->identity_id)
			d = &t->ids[i];
	if (d == NULL)
		return CKR_MECHANISM_PARAM_INVALID;
	fake_key *k = &t->keys[(s->key & 0xff) - 1];
	uint8_t msg[300];
	if (s->op == 1) {
		if (!d->has_hash)
			return CKR_MECHANISM_PARAM_INVALID;
		memcpy(msg, d->hash, 32);
		memcpy(msg + 32, s->challenge, s->challenge_len);
		int r = s->mech == CKM_PORTFOLIO_AUTH_CMAC
				? mac("CMAC", k->len == 16 ? "AES-128-CBC" : "AES-256-CBC", k->value, k->len, msg,
				      32 + s->challenge_len, out, outl)
				: mac("HMAC", "SHA256", k->value, k->len, msg, 32 + s->challenge_len, out, outl);
		return r == 0 ? CKR_OK : CKR_FUNCTION_FAILED;
	}
	memcpy(msg, d->value, d->len);
	memcpy(msg + d->len, s->challenge, s->challenge_len);
	size_t ml = d->len + s->challenge_len;
	uint8_t iv[12];
	for (int i = 0; i < 12; i++)
		iv[i] = (uint8_t)i;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, fl = 0, ok = c && EVP_EncryptInit_ex(c, k->len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL,
						    k->value, iv) &&
			      EVP_EncryptUpdate(c, out + 12, &n, msg, (int)ml) && EVP_EncryptFinal_ex(c, out + 12 + n, &fl) &&
			      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out + 12 + n + fl);
	EVP_CIPHER_CTX_free(c);
	memcpy(out, iv, 12);
	*outl = 12 + (size_t)n + (size_t)fl + 16;
	return ok ? CKR_OK : CKR_FUNCTION_FAILED;
}

static CK_RV op_final(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG dl, CK_BYTE_PTR out, CK_ULONG_PTR outl, int op)
{
	fake_session *s;
	pthread_mutex_lock(&lock);
	CK_RV rv = check_session(h, &s);
	if (rv == CKR_OK && s->op != op)
		rv = CKR_OPERATION_NOT_INITIALIZED;
	if (rv == CKR_OK && (dl != 0 || data == NULL))
		rv = CKR_DATA_LEN_RANGE; /* SOURCE_TOKEN: empty data */
	uint8_t buf[512];
	size_t bl = 0;
	if (rv == CKR_OK)
		rv = compute(s, buf, &bl);
	if (rv == CKR_OK && out == NULL) {
		*outl = bl;
		pthread_mutex_unlock(&lock);
		return CKR_OK;
	}
	if (rv == CKR_OK && *outl < bl) {
		*outl = bl;
		pthread_mutex_unlock(&lock);
		return CKR_BUFFER_TOO_SMALL;
	}
	unsigned delay = st.op_delay_ms;
	void (*during)(void *) = st.during_op;
	void *during_arg = st.during_op_arg;
	st.during_op = NULL;
	if (rv == CKR_OK && st.fail_next_op != CKR_OK) {
		rv = st.fail_next_op;
		st.fail_next_op = CKR_OK;
	}
	if (rv == CKR_OK) {
		memcpy(out, buf, bl);
		*outl = bl;
		st.op_calls++;
	}
	if (s != NULL)
		s->op = 0;
	pthread_mutex_unlock(&lock);
	if (during != NULL)
		during(during_arg);
	if (delay) {
		struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	return rv;
}

static CK_RV f_sign(CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dl, CK_BYTE_PTR o, CK_ULONG_PTR ol)
{
	return op_final(h, d, dl, o, ol, 1);
}

static CK_RV f_encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG dl, CK_BYTE_PTR o, CK_ULONG_PTR ol)
{
	return op_final(h, d, dl, o, ol, 2);
}

CK_FUNCTION_LIST_PTR fake_function_list(void)
{
	memset(&list, 0, sizeof(list));
	list.version.major = 2;
	list.version.minor = 40;
	list.C_Initialize = f_initialize;
	list.C_Finalize = f_finalize;
	list.C_GetSlotList = f_get_slot_list;
	list.C_GetTokenInfo = f_get_token_info;
	list.C_OpenSession = f_open_session;
	list.C_CloseSession = f_close_session;
	list.C_Login = f_login;
	list.C_FindObjectsInit = f_find_init;
	list.C_FindObjects = f_find;
	list.C_FindObjectsFinal = f_find_final;
	list.C_GetAttributeValue = f_get_attr;
	list.C_SetAttributeValue = f_set_attr;
	list.C_CreateObject = f_create;
	list.C_DestroyObject = f_destroy;
	list.C_SignInit = f_sign_init;
	list.C_Sign = f_sign;
	list.C_EncryptInit = f_encrypt_init;
	list.C_Encrypt = f_encrypt;
	return &list;
}

fake_token *fake_add_b2_token(CK_SLOT_ID slot)
{
	static const char *const values[] = {"HostUniqueID-42", "HostMan", "HostMod-X", "HostSwV-1.0"};
	fake_token *t = fake_add_token(slot);
	for (CK_ULONG id = 0; id < 4; id++)
		fake_add_identity(t, id, values[id], 1);
	fake_add_key(t, 0, 0, FAKE_K_AUTH0);
	fake_add_key(t, 1, 1, FAKE_K_ENC1);
	return t;
}
