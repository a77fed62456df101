/*
 * arg_cases.h - the GetAuthData argument error tables (docs/lwm2m.md), shared
 * by the fake-module and real-module tests so both check every case.
 */
#ifndef LWM2M_ARG_CASES_H
#define LWM2M_ARG_CASES_H

#include <stdlib.h>
#include <string.h>

typedef struct bad_case {
	const char *args;
	const char *why; /* part of the reason the adapter records */
} bad_case;

/* Grammar errors: 4.00 and AuthStatus ERROR, AuthData dropped (every
 * GetAuthData that reaches the object was triggered). */
static const bad_case syntax_cases[] = {
	{"0=SRV_AUTHENT, 1=3, 2=0x2345178, 3=0", "single quotes"}, /* the TS's own example */
	{"0='0', 1='3', 2='0x2345178', 3='0'", "expected an argument digit"},
	{"0='0',1='3',2='0x2345178',3='0',", "trailing ','"},
	{"0='0',1='3',2='0x2345178',3='0',3='0'", "argument 3 repeated"},
	{"0='0',1='3',2='0x2345178',3='0' ", "expected ',' or end"},
	{"0='0',1='3',2='0x 2345178',3='0'", "character not allowed"},
	{"0='0',1='3',2='0x2345178,3='0'", "expected ',' or end"},
	{"0='0',1='3',2='0x2345178',3='0", "unterminated quote"},
	{"0='0',1='3',2='1',34='0'", "expected ',' or end"},
};

/* Well-formed, wrong GetAuthData arguments: 4.00 and AuthStatus ERROR. */
static const bad_case semantic_cases[] = {
	{"", "argument 0 missing"},
	{"1='3',2='0x2345178',3='0'", "argument 0 missing"},
	{"0='0',2='0x2345178',3='0'", "argument 1 missing"},
	{"0='0',1='3',3='0'", "argument 2 missing"},
	{"0='0',1='3',2='0x2345178'", "argument 3 missing"},
	{"0,1='3',2='0x2345178',3='0'", "argument 0 has no value"},
	{"0='0',1='3',2,3='0'", "argument 2 has no value"},
	{"0='2',1='3',2='0x2345178',3='0'", "argument 0 (Service)"},
	{"0='SRV_AUTHENT',1='3',2='0x2345178',3='0'", "argument 0 (Service)"},
	{"0='0',1='65535',2='0x2345178',3='0'", "argument 1 (Identity"},
	{"0='0',1='x',2='0x2345178',3='0'", "argument 1 (Identity"},
	{"0='0',1='3',2='0x',3='0'", "argument 2 (Challenge)"},
	{"0='0',1='3',2='0xZZ',3='0'", "argument 2 (Challenge)"},
	{"0='0',1='3',2='',3='0'", "argument 2 (Challenge)"},
	{"0='0',1='3',2='0x2345178',3='-1'", "argument 3 (Key Index)"},
	{"0='0',1='3',2='0x2345178',3='4294967296'", "argument 3 (Key Index)"},
};

/* Too long, one case per kind of argument: 4.00 and AuthStatus ERROR,
 * under every stack (the adapter owns the limits, docs/lwm2m.md). The
 * payload is head + `count` times `fill` + tail. */
typedef struct oversized_case {
	const char *head;
	char fill;
	size_t count;
	const char *tail;
	const char *why;
} oversized_case;

static const oversized_case oversized_cases[] = {
	{"0='", '0', 1000, "',1='3',2='0x2345178',3='0'", "argument 0 (Service)"},
	{"0='0',1='", '0', 1000, "',2='0x2345178',3='0'", "argument 1 (Identity"},
	{"0='0',1='3',2='0x", '1', 130, "',3='0'", "argument 2 (Challenge)"},  /* 65 bytes */
	{"0='0',1='3',2='0x", '1', 600, "',3='0'", "argument 2 (Challenge)"},
	{"0='0',1='3',2='", '9', 1000, "',3='0'", "argument 2 (Challenge)"},
	{"0='0',1='3',2='0x2345178',3='", '1', 1000, "'", "argument 3 (Key Index)"},
	{"0='0',1='3',2='0x2345178',3='0',4='", 'A', 1000, "'", "argument 4 longer than 256 bytes"},
	{"0='0',1='3',2='0x2345178',3='0',9='", 'A', 257, "'", "argument 9 longer than 256 bytes"},
};

/* malloc'd, NUL-terminated payload of an oversized case. */
static inline char *oversized_payload(const oversized_case *c)
{
	size_t h = strlen(c->head), t = strlen(c->tail);
	char *p = malloc(h + c->count + t + 1);
	if (p == NULL)
		abort();
	memcpy(p, c->head, h);
	memset(p + h, c->fill, c->count);
	memcpy(p + h + c->count, c->tail, t + 1);
	return p;
}

#define N_CASES(t) (sizeof(t) / sizeof((t)[0]))

#endif
