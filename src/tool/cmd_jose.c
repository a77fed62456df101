/*
 * cmd_jose.c - jwe-encrypt, jwe-decrypt, jws-sign, jws-verify: compact JWE
 * and JWS (src/jose) with a token key named by its label. The label is the
 * kid (oneM2M: the Credential-Id); decrypt and verify find the key by the
 * kid of the input, or by --label when the input has none. Input from --in
 * FILE or standard input; the compact serialisation or the plaintext on
 * standard output.
 */
#include "jose/jose.h"
#include "tool/hex.h"
#include "tool/out.h"
#include "tool/rv.h"
#include "tool/session.h"
#include "tool/tool.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOSE_TOOL_MAX_INPUT (16UL << 20) /* bytes: a content instance, not a file system */

static int read_stream(FILE *f, const char *name, uint8_t **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	uint8_t *b = malloc(cap), *grown;

	while (b != NULL) {
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		grown = cap < JOSE_TOOL_MAX_INPUT ? realloc(b, cap * 2) : NULL;
		if (grown == NULL) {
			jose_free_secret(b, cap);
			fprintf(stderr, "portfolio-tool: %s is larger than %lu bytes\n", name, JOSE_TOOL_MAX_INPUT);
			return TOOL_EXIT_FAILURE;
		}
		b = grown;
		cap *= 2;
	}
	if (b == NULL || ferror(f)) {
		jose_free_secret(b, cap);
		fprintf(stderr, "portfolio-tool: cannot read %s\n", name);
		return TOOL_EXIT_FAILURE;
	}
	*buf = b;
	*len = n;
	return TOOL_EXIT_OK;
}

/* --in FILE, "-" or nothing for standard input. */
static int read_input(struct tool *t, uint8_t **buf, size_t *len)
{
	const char *path = t->opts.value[OPT_IN];
	FILE *f;
	int rc;

	if (path == NULL || strcmp(path, "-") == 0)
		return read_stream(stdin, "standard input", buf, len);
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "portfolio-tool: cannot open %s\n", path);
		return TOOL_EXIT_FAILURE;
	}
	rc = read_stream(f, path, buf, len);
	fclose(f);
	return rc;
}

/* A session on the token, logged in as the user (the keys are private). */
static int open_ctx(struct tool *t, struct jose_ctx *ctx)
{
	CK_SLOT_ID slot;
	int rc = tool_slot(t, &slot);

	memset(ctx, 0, sizeof(*ctx));
	ctx->p11 = t->p11;
	if (rc == TOOL_EXIT_OK)
		rc = session_open(t, slot, 0, &ctx->session);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = session_login(t, ctx->session, CKU_USER);
	if (rc != TOOL_EXIT_OK)
		session_close(t, ctx->session);
	return rc;
}

/* The message for a library failure, with the token's answer when a C_*
 * call gave it (a wrong tag is the token's CKR_ENCRYPTED_DATA_INVALID);
 * exit 3 when the check said no. */
static int jose_fail(const char *cmd, const struct jose_ctx *ctx, int status)
{
	if (ctx->call != NULL && ctx->rv != CKR_OK)
		rv_fail(ctx->call, ctx->rv);
	fprintf(stderr, "portfolio-tool: %s: %s\n", cmd, jose_strerror(status));
	return status == JOSE_E_INTEGRITY ? TOOL_EXIT_INVALID : TOOL_EXIT_FAILURE;
}

/* --alg / --enc / --cty / --nonce, and the label as kid. */
static int header_options(struct tool *t, const char *alg, const char *enc, struct jose_header *h)
{
	const char *label = t->opts.value[OPT_LABEL], *cty = t->opts.value[OPT_CTY];
	const char *nonce = t->opts.value[OPT_NONCE];
	long n;

	memset(h, 0, sizeof(*h));
	if (options_has(&t->opts, OPT_ALG))
		alg = t->opts.value[OPT_ALG];
	if (options_has(&t->opts, OPT_ENC))
		enc = t->opts.value[OPT_ENC];
	if (jose_alg_from_name(alg, &h->alg) != JOSE_OK)
		return usage_error("--alg %s is not supported (dir, A128KW, A256KW; HS256, HS384, HS512)", alg);
	if (enc != NULL && jose_enc_from_name(enc, &h->enc) != JOSE_OK)
		return usage_error("--enc %s is not supported (A128GCM, A256GCM)", enc);
	if (strlen(label) > JOSE_MAX_KID || (cty != NULL && strlen(cty) > JOSE_MAX_CTY))
		return usage_error("--label is at most %d bytes, --cty %d", JOSE_MAX_KID, JOSE_MAX_CTY);
	strcpy(h->kid, label);
	if (cty != NULL)
		strcpy(h->cty, cty);
	if (nonce != NULL) {
		n = hex_decode(nonce, h->nonce, sizeof(h->nonce));
		if (n <= 0)
			return usage_error("--nonce wants 1..%d bytes in hex (the Nonce or creationTime)",
					   JOSE_MAX_NONCE);
		h->nonce_len = (size_t)n;
	}
	return TOOL_EXIT_OK;
}

static void header_json(json_object *doc, const struct jose_header *h)
{
	out_str(doc, "alg", jose_alg_name(h->alg));
	if (h->enc != JOSE_ENC_UNSET)
		out_str(doc, "enc", jose_enc_name(h->enc));
	if (h->kid[0] != '\0')
		out_str(doc, "kid", h->kid);
	if (h->cty[0] != '\0')
		out_str(doc, "cty", h->cty);
	if (h->nonce_len > 0)
		out_hex(doc, "nonce", h->nonce, h->nonce_len);
}

/* The compact serialisation out, or its JSON document. */
static int print_compact(struct tool *t, const char *field, const struct jose_header *h, const char *compact)
{
	json_object *doc;

	if (!out_json(t)) {
		printf("%s\n", compact);
		return TOOL_EXIT_OK;
	}
	doc = json_object_new_object();
	out_str(doc, field, compact);
	header_json(doc, h);
	return out_print(doc, TOOL_EXIT_OK);
}

/* Produces a JWE or JWS of the input with the key labelled --label. */
static int produce(struct tool *t, const char *cmd, const char *alg, const char *enc)
{
	struct jose_header h;
	struct jose_ctx ctx;
	CK_OBJECT_HANDLE key;
	uint8_t *in = NULL;
	size_t in_len = 0;
	char *compact = NULL;
	int status, rc = header_options(t, alg, enc, &h);

	if (rc == TOOL_EXIT_OK)
		rc = read_input(t, &in, &in_len);
	if (rc != TOOL_EXIT_OK)
		return rc;
	rc = open_ctx(t, &ctx);
	if (rc != TOOL_EXIT_OK) {
		jose_free_secret(in, in_len);
		return rc;
	}
	status = jose_find_key(&ctx, h.kid, &key);
	if (status == JOSE_OK)
		status = enc != NULL ? jose_jwe_encrypt(&ctx, key, &h, in, in_len, &compact)
				     : jose_jws_sign(&ctx, key, &h, in, in_len, &compact);
	rc = status == JOSE_OK ? print_compact(t, enc != NULL ? "jwe" : "jws", &h, compact)
			       : jose_fail(cmd, &ctx, status);
	free(compact);
	jose_free_secret(in, in_len);
	session_close(t, ctx.session);
	return rc;
}

int cmd_jwe_encrypt(struct tool *t)
{
	return produce(t, "jwe-encrypt", "dir", "A256GCM");
}

int cmd_jws_sign(struct tool *t)
{
	return produce(t, "jws-sign", "HS256", NULL);
}

/* The key of a received JWE / JWS: the one its kid names; --label when it
 * has no kid; both given must agree (a --label never overrides a kid). */
static int consumer_key(struct tool *t, struct jose_ctx *ctx, const char *cmd, const struct jose_header *h,
			CK_OBJECT_HANDLE *key)
{
	const char *label = t->opts.value[OPT_LABEL], *name = h->kid[0] != '\0' ? h->kid : label;
	int status;

	if (name == NULL) {
		fprintf(stderr, "portfolio-tool: %s: the input has no kid; name the key with --label\n", cmd);
		return TOOL_EXIT_FAILURE;
	}
	if (label != NULL && strcmp(label, name) != 0) {
		fprintf(stderr, "portfolio-tool: %s: the input's kid is not --label %s\n", cmd, label);
		return TOOL_EXIT_FAILURE;
	}
	status = jose_find_key(ctx, name, key);
	return status == JOSE_OK ? TOOL_EXIT_OK : jose_fail(cmd, ctx, status);
}

/* The plaintext or payload: raw bytes on standard output, or with the
 * header in the JSON document (hex). */
static int print_content(struct tool *t, const struct jose_header *h, const uint8_t *p, size_t len)
{
	json_object *doc;

	if (!out_json(t))
		return fwrite(p, 1, len, stdout) == len && fflush(stdout) == 0 ? TOOL_EXIT_OK : TOOL_EXIT_FAILURE;
	doc = json_object_new_object();
	header_json(doc, h);
	out_hex(doc, "payload", p, len);
	return out_print(doc, TOOL_EXIT_OK);
}

/* The input without the line end a file or a pipe adds. */
static size_t trimmed(const uint8_t *in, size_t len)
{
	while (len > 0 && (in[len - 1] == '\n' || in[len - 1] == '\r' || in[len - 1] == ' '))
		len--;
	return len;
}

struct consumer {
	const char *cmd;
	int jwe;
	struct jose_jwe *jwe_obj;
	struct jose_jws *jws_obj;
	const struct jose_header *h;
};

static int consumer_parse(struct consumer *c, const uint8_t *in, size_t len)
{
	int status;

	if (c->jwe) {
		status = jose_jwe_parse((const char *)in, trimmed(in, len), &c->jwe_obj);
		c->h = jose_jwe_header(c->jwe_obj);
	} else {
		status = jose_jws_parse((const char *)in, trimmed(in, len), &c->jws_obj);
		c->h = jose_jws_header(c->jws_obj);
	}
	return status;
}

/* Checks and opens a JWE or JWS; the content goes out only when the token
 * said the tag or MAC is right. */
static int consume(struct tool *t, struct consumer *c)
{
	struct jose_ctx ctx;
	CK_OBJECT_HANDLE key;
	uint8_t *in = NULL, *pt = NULL;
	size_t in_len = 0, pt_len = 0;
	const uint8_t *payload;
	int status, rc = read_input(t, &in, &in_len);

	if (rc != TOOL_EXIT_OK)
		return rc;
	memset(&ctx, 0, sizeof(ctx));
	status = consumer_parse(c, in, in_len);
	free(in);
	if (status != JOSE_OK)
		return jose_fail(c->cmd, &ctx, status);
	rc = open_ctx(t, &ctx);
	if (rc == TOOL_EXIT_OK) {
		rc = consumer_key(t, &ctx, c->cmd, c->h, &key);
		if (rc == TOOL_EXIT_OK) {
			status = c->jwe ? jose_jwe_decrypt(&ctx, c->jwe_obj, key, &pt, &pt_len)
					: jose_jws_verify(&ctx, c->jws_obj, key);
			if (status != JOSE_OK)
				rc = jose_fail(c->cmd, &ctx, status);
		}
		session_close(t, ctx.session);
	}
	payload = c->jwe ? pt : jose_jws_payload(c->jws_obj, &pt_len);
	if (rc == TOOL_EXIT_OK)
		rc = print_content(t, c->h, payload != NULL ? payload : (const uint8_t *)"", pt_len);
	jose_free_secret(pt, c->jwe ? pt_len : 0);
	jose_jwe_free(c->jwe_obj);
	jose_jws_free(c->jws_obj);
	return rc;
}

int cmd_jwe_decrypt(struct tool *t)
{
	struct consumer c = { "jwe-decrypt", 1, NULL, NULL, NULL };

	return consume(t, &c);
}

int cmd_jws_verify(struct tool *t)
{
	struct consumer c = { "jws-verify", 0, NULL, NULL, NULL };

	return consume(t, &c);
}
