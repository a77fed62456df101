#include "config.h"
#include "lwm2m/args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CHAR of the Core TS grammar: printable ASCII without space (0x20), '"'
 * (0x22), quote (0x27) and backslash (0x5C). */
static int is_arg_char(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x26) || (c >= 0x28 && c <= 0x5B) ||
	       (c >= 0x5D && c <= 0x7E);
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static int fail(char *why, size_t cap, size_t pos, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(char *why, size_t cap, size_t pos, const char *fmt, ...)
{
	if (why != NULL && cap > 0) {
		char msg[96];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		snprintf(why, cap, "argument list: %s (offset %zu)", msg, pos);
	}
	return -1;
}

void pf_args_clear(pf_exec_args *args)
{
	if (args == NULL)
		return;
	free(args->storage);
	memset(args, 0, sizeof(*args));
}

/* Where the parser is in the payload, and where it reports. */
typedef struct args_scan {
	const char *in;
	size_t len, pos;
	int lenient;        /* blanks allowed around tokens, unquoted values */
	char *why;
	size_t why_cap;
} args_scan;

static void skip_blanks(args_scan *s)
{
	if (s->lenient)
		while (s->pos < s->len && is_blank(s->in[s->pos]))
			s->pos++;
}

/* Copies CHARs to *dst until the end of the input or a character that
 * ends the value (the closing quote; unquoted: ',' or a blank). */
static int copy_value_chars(args_scan *s, int d, int quoted, char **dst)
{
	while (s->pos < s->len) {
		char c = s->in[s->pos];
		if (quoted ? c == '\'' : c == ',' || is_blank(c))
			break;
		if (!is_arg_char((unsigned char)c))
			return fail(s->why, s->why_cap, s->pos, "argument %d: character not allowed in a value", d);
		*(*dst)++ = c;
		s->pos++;
	}
	return 0;
}

/* The value after "d=": 'quoted', or (lenient only) a bare run of CHARs. */
static int parse_value(args_scan *s, int d, char **dst, pf_exec_args *out)
{
	char *start = *dst;

	if (s->pos < s->len && s->in[s->pos] == '\'') {
		s->pos++;
		if (copy_value_chars(s, d, 1, dst) != 0)
			return -1;
		if (s->pos >= s->len)
			return fail(s->why, s->why_cap, s->pos, "argument %d: unterminated quote", d);
		s->pos++; /* closing quote */
	} else if (s->lenient) {
		if (copy_value_chars(s, d, 0, dst) != 0)
			return -1;
		if (*dst == start)
			return fail(s->why, s->why_cap, s->pos, "argument %d: empty unquoted value", d);
	} else {
		return fail(s->why, s->why_cap, s->pos, "argument %d: value must be in single quotes", d);
	}
	*(*dst)++ = '\0';
	out->value[d] = start;
	out->value_len[d] = (size_t)(*dst - start - 1);
	return 0;
}

/* One argument: a digit not seen before, then optionally '=' and its value. */
static int parse_argument(args_scan *s, char **dst, pf_exec_args *out, int *digit)
{
	if (s->pos >= s->len || s->in[s->pos] < '0' || s->in[s->pos] > '9')
		return fail(s->why, s->why_cap, s->pos, "expected an argument digit 0-9");
	int d = s->in[s->pos] - '0';
	*digit = d;
	if (out->present[d])
		return fail(s->why, s->why_cap, s->pos, "argument %d repeated", d);
	out->present[d] = 1;
	s->pos++;
	skip_blanks(s);
	if (s->pos < s->len && s->in[s->pos] == '=') {
		s->pos++;
		skip_blanks(s);
		return parse_value(s, d, dst, out);
	}
	return 0;
}

/* The list: arguments separated by ',', nothing after the last one. */
static int parse_list(args_scan *s, char *dst, pf_exec_args *out)
{
	for (;;) {
		int d = 0;
		if (parse_argument(s, &dst, out, &d) != 0)
			return -1;
		skip_blanks(s);
		if (s->pos == s->len)
			return 0;
		if (s->in[s->pos] != ',')
			return fail(s->why, s->why_cap, s->pos, "argument %d: expected ',' or end", d);
		s->pos++;
		skip_blanks(s);
		if (s->pos == s->len)
			return fail(s->why, s->why_cap, s->pos, "trailing ','");
	}
}

int pf_args_parse(const char *in, size_t len, int lenient, pf_exec_args *out, char *why, size_t why_cap)
{
	memset(out, 0, sizeof(*out));
	if (in == NULL && len != 0)
		return fail(why, why_cap, 0, "no payload");
	/* Values are copied out NUL-terminated; they never outgrow the input. */
	out->storage = malloc(len + PF_ARGS_COUNT + 1);
	if (out->storage == NULL)
		return fail(why, why_cap, 0, "out of memory");
	args_scan s = {in, len, 0, lenient, why, why_cap};

	skip_blanks(&s);
	if (s.pos == len)
		return 0; /* no arguments at all: LwM2M allows an empty Execute */
	if (parse_list(&s, out->storage, out) != 0) {
		pf_args_clear(out);
		return -1;
	}
	return 0;
}

int pf_args_from_list(const pf_obj16_exec_arg *list, size_t count, pf_exec_args *out, char *why,
		      size_t why_cap)
{
	memset(out, 0, sizeof(*out));
	if (list == NULL && count != 0)
		return fail(why, why_cap, 0, "no argument list");
	size_t total = 0;
	for (size_t i = 0; i < count; i++) {
		if (list[i].value == NULL)
			continue;
		if (list[i].value_len > (size_t)-1 - total - PF_ARGS_COUNT - 1)
			return fail(why, why_cap, i, "arguments too long");
		total += list[i].value_len;
	}
	out->storage = malloc(total + PF_ARGS_COUNT + 1);
	if (out->storage == NULL)
		return fail(why, why_cap, 0, "out of memory");
	char *dst = out->storage;
	/* The offset reported is the argument's position in the list. */
	for (size_t i = 0; i < count; i++) {
		int d = list[i].number;
		if (d < 0 || d >= PF_ARGS_COUNT) {
			pf_args_clear(out);
			return fail(why, why_cap, i, "argument number must be 0-9");
		}
		if (out->present[d]) {
			pf_args_clear(out);
			return fail(why, why_cap, i, "argument %d repeated", d);
		}
		out->present[d] = 1;
		if (list[i].value == NULL)
			continue;
		for (size_t k = 0; k < list[i].value_len; k++)
			if (!is_arg_char((unsigned char)list[i].value[k])) {
				pf_args_clear(out);
				return fail(why, why_cap, i, "argument %d: character not allowed in a value", d);
			}
		memcpy(dst, list[i].value, list[i].value_len);
		out->value[d] = dst;
		out->value_len[d] = list[i].value_len;
		dst += list[i].value_len;
		*dst++ = '\0';
	}
	return 0;
}

/* Decimal, digits only (no sign, no blanks), at most max. */
static int parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	if (s == NULL || n == 0 || n > 20)
		return -1;
	unsigned long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned long digit = (unsigned long)(s[i] - '0');
		/* v * 10 + digit <= max, without overflow */
		if (v > max / 10 || (v == max / 10 && digit > max % 10))
			return -1;
		v = v * 10 + digit;
	}
	*out = v;
	return 0;
}

static int need(const pf_exec_args *a, int d, char *why, size_t cap)
{
	if (!a->present[d]) {
		snprintf(why, cap, "argument %d missing", d);
		return -1;
	}
	if (a->value[d] == NULL) {
		snprintf(why, cap, "argument %d has no value", d);
		return -1;
	}
	return 0;
}

int pf_getauth_from_args(const pf_exec_args *a, int lenient, pf_getauth_request *req,
			 char *why, size_t cap)
{
	memset(req, 0, sizeof(*req));
	for (int d = 0; d <= 3; d++)
		if (need(a, d, why, cap) != 0)
			return -1;

	unsigned long v;
	if (lenient && strcmp(a->value[0], "SRV_AUTHENT") == 0) {
		req->service = 0;
	} else if (lenient && strcmp(a->value[0], "SRV_ENCRYPT") == 0) {
		req->service = 1;
	} else if (parse_uint(a->value[0], a->value_len[0], 1, &v) == 0) {
		req->service = (unsigned)v;
	} else {
		snprintf(why, cap, "argument 0 (Service) must be 0 or 1");
		return -1;
	}

	/* 65535 is the reserved "no id" value of LwM2M ids. */
	if (parse_uint(a->value[1], a->value_len[1], 65534, &v) != 0) {
		snprintf(why, cap, "argument 1 (Identity Instance ID) must be an integer 0..65534");
		return -1;
	}
	req->identity_id = (uint16_t)v;

	if (pf_challenge_parse(a->value[2], a->value_len[2], req->challenge, &req->challenge_len) != 0) {
		snprintf(why, cap,
			 "argument 2 (Challenge) must be 0x<hex> or decimal, 1..64 bytes");
		return -1;
	}

	if (parse_uint(a->value[3], a->value_len[3], UINT32_MAX, &v) != 0) {
		snprintf(why, cap, "argument 3 (Key Index) must be an integer 0..4294967295");
		return -1;
	}
	req->key_index = (uint32_t)v;

	/* Arguments 0..3 are bounded by their own rules above; the
	 * application-dependent ones by the one limit every binding shares. */
	for (int d = 4; d < PF_ARGS_COUNT; d++)
		if (a->present[d] && a->value[d] != NULL && a->value_len[d] > PF_OBJ16_MAX_ARG_VALUE) {
			snprintf(why, cap, "argument %d longer than %d bytes", d, PF_OBJ16_MAX_ARG_VALUE);
			return -1;
		}
	return 0;
}
