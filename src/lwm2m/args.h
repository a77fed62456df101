/*
 * args.h - LwM2M Execute arguments: the Core TS grammar, then the meaning
 * Object 16 gives to GetAuthData's arguments.
 *
 *   arglist = arg *( "," arg )
 *   arg     = DIGIT / DIGIT "=" "'" *CHAR "'"
 *   CHAR    = "!" / %x23-26 / %x28-5B / %x5D-7E
 *
 * Two stages, so that the logged reason names the check that refused a
 * request (the grammar, or the meaning of arguments 0..3 and the limits).
 * The outcome is the same for both: every refused GetAuthData answers 4.00
 * and sets AuthStatus to ERROR (getauth.c, docs/lwm2m.md).
 */
#ifndef PF_LWM2M_ARGS_H
#define PF_LWM2M_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "util/challenge.h"
#include "portfolio-lwm2m/obj16.h"

#define PF_ARGS_COUNT 10

typedef struct pf_exec_args {
	int present[PF_ARGS_COUNT];
	/* NUL-terminated value, NULL when the argument has no "=value" part. */
	const char *value[PF_ARGS_COUNT];
	size_t value_len[PF_ARGS_COUNT];
	char *storage; /* owns the values */
} pf_exec_args;

/* 0 when in[0..len) is a valid argument list (an empty payload is zero
 * arguments); -1 otherwise with a reason in why. lenient also accepts the
 * TS 1.0.1 example form: blanks around commas, unquoted values. */
int pf_args_parse(const char *in, size_t len, int lenient, pf_exec_args *out, char *why, size_t why_cap);
void pf_args_clear(pf_exec_args *args);
/* The same outcome for arguments a stack has already split (Anjay): each
 * number 0..9 at most once, each value made of CHAR only. 0, or -1 with a
 * reason. */
int pf_args_from_list(const pf_obj16_exec_arg *list, size_t count, pf_exec_args *out, char *why,
		      size_t why_cap);

typedef struct pf_getauth_request {
	unsigned service;          /* 0 SRV_AUTHENT, 1 SRV_ENCRYPT */
	uint16_t identity_id;      /* /16/x/0/<identity_id> */
	uint8_t challenge[PF_CHALLENGE_MAX];
	size_t challenge_len;
	uint32_t key_index;        /* Kn */
} pf_getauth_request;

/* 0 when arguments 0..3 are present, have values and are in range; -1
 * otherwise with a reason (naming the argument, never echoing its value). */
int pf_getauth_from_args(const pf_exec_args *args, int lenient, pf_getauth_request *req,
			 char *why, size_t why_cap);

#endif
