/*
 * obj16.h - libportfolio-lwm2m: a stack-neutral LwM2M Portfolio Object
 * (Object 16, OMA TS 1.0.1) backed by any PKCS#11 module that implements the
 * Portfolio vendor mechanisms (<pkcs11/portfolio.h>).
 *
 * The adapter owns the Object 16 semantics (argument grammar, AuthStatus state
 * machine, delivery rules); a thin binding maps one LwM2M stack's callbacks
 * onto these calls. docs/lwm2m.md is the contract: state table, argument
 * errors, integration pseudo-code.
 *
 * Model: one Object 16 instance per initialised token; instance id = slot id.
 * Every call is thread-safe. No call ever returns or logs key material.
 */
#ifndef PORTFOLIO_LWM2M_OBJ16_H
#define PORTFOLIO_LWM2M_OBJ16_H

#include <stddef.h>
#include <stdint.h>

#include <pkcs11/pkcs11.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Resource ids of Object 16. */
#define PF_OBJ16_OBJECT_ID     16
#define PF_OBJ16_RID_IDENTITY  0
#define PF_OBJ16_RID_GET_AUTH  1
#define PF_OBJ16_RID_AUTH_DATA 2
#define PF_OBJ16_RID_STATUS    3

/* AuthStatus values (resource 3). */
typedef enum pf_obj16_status {
	PF_OBJ16_IDLE = 0,       /* AuthData holds no valid data */
	PF_OBJ16_DATA_AVAIL = 1, /* AuthData holds valid data */
	PF_OBJ16_ERROR = 2,      /* the process triggered by GetAuthData failed */
} pf_obj16_status;

/* Outcome of an operation, to be turned into a CoAP response code by the
 * binding (pf_obj16_coap_code gives the code for the operation). */
typedef enum pf_obj16_result {
	PF_OBJ16_OK = 0,                 /* 2.04 Changed (Execute, Write), 2.05 Content (Read), 2.02 Deleted */
	PF_OBJ16_BAD_REQUEST = 1,        /* 4.00 */
	PF_OBJ16_NOT_FOUND = 2,          /* 4.04: no such instance / resource instance */
	PF_OBJ16_METHOD_NOT_ALLOWED = 3, /* 4.05 */
	PF_OBJ16_INTERNAL_ERROR = 4,     /* 5.00: token unreachable, out of memory */
	PF_OBJ16_BUFFER_TOO_SMALL = 5,   /* caller's buffer: *len says what is needed */
} pf_obj16_result;

/* The LwM2M operation a result answers, for pf_obj16_coap_code. */
typedef enum pf_obj16_op {
	PF_OBJ16_OP_READ,
	PF_OBJ16_OP_WRITE,
	PF_OBJ16_OP_EXECUTE,
	PF_OBJ16_OP_DELETE,
} pf_obj16_op;

/* CoAP code byte (class << 5 | detail), e.g. 0x44 for 2.04. */
uint8_t pf_obj16_coap_code(pf_obj16_result result, pf_obj16_op op);
const char *pf_obj16_result_name(pf_obj16_result result);

/* Log levels of the integrator's hook. */
typedef enum pf_obj16_log_level {
	PF_OBJ16_LOG_ERROR = 1,
	PF_OBJ16_LOG_WARNING = 2,
	PF_OBJ16_LOG_INFO = 3,
	PF_OBJ16_LOG_DEBUG = 4,
} pf_obj16_log_level;

typedef struct pf_obj16 pf_obj16;

typedef struct pf_obj16_config {
	/* The user PIN of every token: either a fixed string (copied, wiped at
	 * pf_obj16_free) or a callback that writes up to cap bytes into buf and
	 * sets *len; it returns 0 on success. Neither: no C_Login is attempted. */
	const char *user_pin;
	int (*get_pin)(void *ctx, uint16_t iid, char *buf, size_t cap, size_t *len);

	/* Called when a resource's value changed and observers of /16/iid/rid
	 * should be notified (AuthData 2 and AuthStatus 3). In async mode it runs
	 * on the adapter's worker thread: the binding must hand it over to its
	 * stack's thread. Never called with an adapter lock held. */
	void (*changed)(void *ctx, uint16_t iid, uint16_t rid);

	/* Diagnostics: a clear reason for every ERROR and every refused request.
	 * Messages carry instance ids, argument numbers and PKCS#11 return codes,
	 * never key material, PINs, identity values, challenges or AuthData. */
	void (*log)(void *ctx, pf_obj16_log_level level, const char *message);

	/* Optional: sees the application-dependent arguments 4..9 of each
	 * well-formed GetAuthData. value is NULL for an argument given without a
	 * value, and every value is NUL-terminated. A non-zero return fails the
	 * request (AuthStatus ERROR). */
	int (*app_args)(void *ctx, uint16_t iid, const char *const values[6], const int present[6]);

	void *ctx; /* passed to every callback */

	/* Mechanism per service (0 = SRV_AUTHENT, signed with C_Sign; 1 =
	 * SRV_ENCRYPT, C_Encrypt). 0 selects the defaults CKM_PORTFOLIO_AUTH_CMAC
	 * and CKM_PORTFOLIO_ENC_GCM; any mechanism taking CK_PORTFOLIO_PARAMS
	 * works (e.g. CKM_PORTFOLIO_AUTH_HMAC, CKM_PORTFOLIO_ENC_CBC). */
	CK_MECHANISM_TYPE mechanism[2];

	/* Non-zero: GetAuthData returns at once and a worker thread talks to the
	 * token; the changed hook announces the result. Zero: Execute completes
	 * the cryptographic operation before it returns. */
	int async;

	/* Non-zero: also accept the TS 1.0.1 example form of the arguments
	 * (`0=SRV_AUTHENT, 1=3, 2=0x2345178, 3=0`: unquoted values, blanks after
	 * commas, symbolic service names). Off by default: the Core TS grammar
	 * is what servers send and strict stacks enforce. */
	int lenient_args;

	/* Non-zero: pf_obj16_new neither calls C_Initialize nor (at free)
	 * C_Finalize; the integrator manages the module's life. */
	int module_initialized_by_caller;

	/* Longest Identity value accepted by a Write; 0 = 1024 bytes. */
	size_t max_identity_len;
} pf_obj16_config;

/* Creates the adapter and discovers the instances (slots with initialised
 * tokens). Returns NULL (after logging why) if the module cannot be used. */
pf_obj16 *pf_obj16_new(CK_FUNCTION_LIST_PTR module, const pf_obj16_config *config);
/* Waits for the worker, closes sessions, wipes the PIN, finalises the module
 * if pf_obj16_new initialised it. */
void pf_obj16_free(pf_obj16 *obj);

/* Convenience: dlopen a module and fetch its function list. *handle is for
 * pf_obj16_module_close. Returns NULL on failure. */
CK_FUNCTION_LIST_PTR pf_obj16_module_open(const char *path, void **handle);
void pf_obj16_module_close(void *handle);

/* ---- Discovery ------------------------------------------------------------ */

/* Instance ids in ascending order; *count is the number available (may exceed
 * cap: call again with a larger array). */
pf_obj16_result pf_obj16_list_instances(pf_obj16 *obj, uint16_t *iids, size_t cap, size_t *count);
/* Opens the instance's session and logs in now (otherwise the first use does).
 * NOT_FOUND for an unknown instance, INTERNAL_ERROR if the token refuses. */
pf_obj16_result pf_obj16_open_instance(pf_obj16 *obj, uint16_t iid);

typedef struct pf_obj16_resource_info {
	uint16_t rid;
	const char *name;
	const char *operations; /* "RW", "E", "R" */
	int multiple;
	int mandatory;
	const char *type; /* "String", "none", "Opaque", "Integer" */
} pf_obj16_resource_info;

/* The four resources of the object definition (Table 1). */
const pf_obj16_resource_info *pf_obj16_resources(size_t *count);
/* Resource instance ids of a multiple resource (0 Identity, 2 AuthData) in
 * ascending order; AuthData has instance 0 only while AuthStatus is
 * DATA_AVAIL. METHOD_NOT_ALLOWED for single resources. */
pf_obj16_result pf_obj16_list_resource_instances(pf_obj16 *obj, uint16_t iid, uint16_t rid,
						 uint16_t *riids, size_t cap, size_t *count);

/* ---- Identity (resource 0) -------------------------------------------------- */

/* Reads /16/iid/0/riid into buf (no NUL added). BUFFER_TOO_SMALL sets *len. */
pf_obj16_result pf_obj16_read_identity(pf_obj16 *obj, uint16_t iid, uint16_t riid,
				       char *buf, size_t cap, size_t *len);
/* Writes /16/iid/0/riid; creates the resource instance if absent. The value
 * persists in the token. A created instance has no provisioned hash, so it
 * can be encrypted but not authenticated (only the SO provisions hashes). */
pf_obj16_result pf_obj16_write_identity(pf_obj16 *obj, uint16_t iid, uint16_t riid,
					const char *value, size_t len);
/* One Identity resource instance of a Write. value need not be
 * NUL-terminated; len bounds it. */
typedef struct pf_obj16_identity_write {
	uint16_t riid;
	const char *value;
	size_t len;
} pf_obj16_identity_write;

/* Flags of pf_obj16_write_identities. */
#define PF_OBJ16_WRITE_REPLACE    1 /* Write-Replace: identities not named are deleted */
#define PF_OBJ16_WRITE_CHECK_ONLY 2 /* check everything against the token, change nothing */

/* A whole Write of resource 0 (/16/iid/0 or /16/iid), all or nothing: the
 * request is checked first (ids, lengths, no id twice, and for a replace
 * that no identity with a provisioned hash would be deleted), then applied;
 * if the token refuses a step, the steps already done are undone. On any
 * result other than OK the identities are as they were. Results: as
 * pf_obj16_write_identity, plus METHOD_NOT_ALLOWED when a replace would
 * delete a provisioned identity, BAD_REQUEST for an id named twice. */
pf_obj16_result pf_obj16_write_identities(pf_obj16 *obj, uint16_t iid, const pf_obj16_identity_write *values,
					  size_t count, int flags);

/* Deletes /16/iid/0/riid (for Write-Replace of the multiple resource).
 * METHOD_NOT_ALLOWED for an instance with a provisioned hash: a remote write
 * must not destroy provisioning. */
pf_obj16_result pf_obj16_delete_identity(pf_obj16 *obj, uint16_t iid, uint16_t riid);

/* ---- GetAuthData (resource 1) ----------------------------------------------- */

/* Execute /16/iid/1 with the raw argument payload (not NUL-terminated).
 * Every Execute that reaches the object is a triggered GetAuthData (TS
 * 1.0.1 5.2.1): any AuthData it finds is dropped. BAD_REQUEST, with
 * AuthStatus ERROR, for arguments that break the grammar or are missing,
 * out of range or too long; OK once the request is taken (the result,
 * DATA_AVAIL or ERROR, may arrive later in async mode). */
pf_obj16_result pf_obj16_execute(pf_obj16 *obj, uint16_t iid, const char *args, size_t len);

/* The longest value an application-dependent argument (4..9) may have.
 * Arguments 0..3 have their own bounds (Challenge: 64 bytes). A longer
 * value is refused by the adapter like any other bad argument; a binding
 * must pass it on (truncated to PF_OBJ16_MAX_ARG_VALUE + 1 bytes is
 * enough) rather than answer before the adapter. */
#define PF_OBJ16_MAX_ARG_VALUE 256

/* The stack found the Execute's argument list malformed before the object
 * could see it (Anjay's lazy parser). The request was still triggered:
 * like every refused GetAuthData it answers BAD_REQUEST and sets
 * AuthStatus to ERROR, clearing AuthData. */
pf_obj16_result pf_obj16_execute_malformed(pf_obj16 *obj, uint16_t iid);

/* One argument of an Execute that the stack has already parsed (Anjay:
 * anjay_execute_get_next_arg / anjay_execute_get_arg_value). */
typedef struct pf_obj16_exec_arg {
	int number;        /* 0..9 */
	const char *value; /* NULL when the argument came without "=value" */
	size_t value_len;  /* bytes of value, no NUL needed */
} pf_obj16_exec_arg;

/* Execute /16/iid/1 with parsed arguments: the same rules and outcomes as
 * pf_obj16_execute (a number outside 0..9, a repeated number or a value
 * character outside the Core TS CHAR set is refused like a grammar error:
 * BAD_REQUEST, AuthStatus ERROR). lenient_args only matters for argument
 * 0's symbolic names. */
pf_obj16_result pf_obj16_execute_args(pf_obj16 *obj, uint16_t iid, const pf_obj16_exec_arg *args,
				      size_t count);

/* ---- AuthData (2) and AuthStatus (3) ------------------------------------------ */

/* A delivery tag names one AuthData value; 0 names none. Pass it back to
 * pf_obj16_delivered once that value has reached the server. */
typedef uint64_t pf_obj16_delivery;

pf_obj16_result pf_obj16_read_status(pf_obj16 *obj, uint16_t iid, pf_obj16_status *status);
/* Reads /16/iid/2/0. NOT_FOUND unless AuthStatus is DATA_AVAIL. Never changes
 * the state: reading is not delivering. */
pf_obj16_result pf_obj16_read_auth_data(pf_obj16 *obj, uint16_t iid, uint8_t *buf, size_t cap,
					size_t *len, pf_obj16_delivery *tag);
/* The binding sent a READ response or NOTIFY that carried the AuthData named
 * by tag: AuthStatus returns to IDLE and AuthData is cleared. A stale tag
 * (a newer GetAuthData came in between) or 0 changes nothing. */
pf_obj16_result pf_obj16_delivered(pf_obj16 *obj, uint16_t iid, pf_obj16_delivery tag);

typedef struct pf_obj16_identity_value {
	uint16_t riid;
	size_t len;
	char *value; /* NUL-terminated copy */
} pf_obj16_identity_value;

/* A consistent view of the whole instance (READ /16/iid): AuthStatus and
 * AuthData taken together under the instance lock. */
typedef struct pf_obj16_snapshot {
	uint16_t iid;
	pf_obj16_status status;
	uint8_t *auth_data; /* NULL unless status is DATA_AVAIL */
	size_t auth_data_len;
	pf_obj16_delivery tag; /* for pf_obj16_delivered once the response is sent */
	size_t identity_count;
	pf_obj16_identity_value *identities;
} pf_obj16_snapshot;

pf_obj16_result pf_obj16_read_snapshot(pf_obj16 *obj, uint16_t iid, pf_obj16_snapshot **out);
void pf_obj16_snapshot_free(pf_obj16_snapshot *snap);

/* The reason of the instance's last ERROR (or refused Execute), as logged. */
pf_obj16_result pf_obj16_last_error(pf_obj16 *obj, uint16_t iid, char *buf, size_t cap);

/* Blocks until the instance has no GetAuthData in progress (async mode; at
 * once otherwise). For tests and orderly shutdown. */
pf_obj16_result pf_obj16_wait_idle(pf_obj16 *obj, uint16_t iid);

#ifdef __cplusplus
}
#endif
#endif /* PORTFOLIO_LWM2M_OBJ16_H */
