/*
 * scp80.h - the Secured Packet Structure of ETSI TS 102 225 / 3GPP TS 31.115
 * ("SCP80") for SMS-PP: command packets and their Proof of Receipt (PoR).
 *
 * This layer knows the byte format, the SPI/KIc/KID coding, the counter
 * rules and the status codes. It never holds a key: every key is an opaque
 * handle passed to a scp80_crypto (function pointers), so that a token can
 * later run the same code with keys that never leave it. scp80_crypto_evp.h
 * gives the implementation over src/crypto (OpenSSL EVP).
 *
 * Framing (docs/sms.md dissects one packet byte by byte):
 *   command  = CPL(2) CHL(1) SPI(2) KIc KID TAR(3) CNTR(5) PCNTR CC(0|8)
 *              data padding                 (from CPL: the UDH 027000 is the
 *              transport's; the CC covers CPL..PCNTR || data || padding)
 *   response = UDHL IEI(71) IEIDL RPL(2) RHL TAR(3) CNTR(5) PCNTR STS CC(0|8)
 *              data padding                 (the UDH is part of the packet
 *              here because the CC covers it: UDH..STS || data || padding)
 * Ciphering (AES-CBC, zero IV) runs from CNTR to the end in both.
 *
 * Return convention: SCP80_OK (0) or a scp80_err; every rejected packet also
 * has the TS 102 225 status code its PoR carries (scp80_err_status).
 */
#ifndef PORTFOLIO_SCP80_H
#define PORTFOLIO_SCP80_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCP80_TAR_LEN 3
#define SCP80_CNTR_LEN 5
#define SCP80_CC_LEN 8                   /* leftmost 8 bytes of AES-CMAC */
#define SCP80_BLOCK 16                   /* AES */
#define SCP80_COUNTER_MAX 0xFFFFFFFFFFull /* 5 bytes: reaching it blocks the counter */
/* CHL without a CC: SPI(2) KIc KID TAR(3) CNTR(5) PCNTR. */
#define SCP80_CMD_HEADER_MIN 13
/* RHL without a CC: TAR(3) CNTR(5) PCNTR STS. */
#define SCP80_RSP_HEADER_MIN 10
/* The response UDH this layer writes: UDHL 02, IEI 71 (response packet), IEIDL 00. */
#define SCP80_RSP_UDH_LEN 3
/*
 * The SMS concatenation limit (3GPP TS 23.040): at most 255 segments of 140
 * bytes of user data. Every segment's UDH carries the 8-bit-reference
 * concatenation element (UDHL + 00 03 ref total seq = 6 bytes); the first
 * also carries the command packet element (70 00). A command packet, counted
 * from CPL, thus holds at most (140 - 8) + 254 * (140 - 6) = 34168 bytes.
 */
#define SCP80_SMS_USER_DATA 140
#define SCP80_SMS_MAX_SEGMENTS 255
#define SCP80_MAX_PACKET ((SCP80_SMS_USER_DATA - 8) + (SCP80_SMS_MAX_SEGMENTS - 1) * (SCP80_SMS_USER_DATA - 6))

/* PoR status codes (TS 102 225 table 5.2.2 and TS 31.115 for 0B). */
typedef enum scp80_status {
	SCP80_STS_OK = 0x00,
	SCP80_STS_CC_FAILED = 0x01,          /* RC/CC/DS failed */
	SCP80_STS_CNTR_LOW = 0x02,
	SCP80_STS_CNTR_HIGH = 0x03,
	SCP80_STS_CNTR_BLOCKED = 0x04,
	SCP80_STS_CIPHER_ERROR = 0x05,
	SCP80_STS_UNIDENTIFIED = 0x06,       /* header not interpretable: PoR unsecured */
	SCP80_STS_NO_MEMORY = 0x07,
	SCP80_STS_MORE_TIME = 0x08,
	SCP80_STS_TAR_UNKNOWN = 0x09,        /* no keyset: PoR unsecured */
	SCP80_STS_SECURITY_LEVEL = 0x0A,     /* insufficient security level */
	SCP80_STS_DATA_VIA_SUBMIT = 0x0B,    /* TS 31.115: response data follows by SMS-SUBMIT */
} scp80_status;

/* Why a packet or a call was refused (each maps to one status code). */
typedef enum scp80_err {
	SCP80_OK = 0,
	SCP80_ERR_TRUNCATED,        /* fewer bytes than CPL/RPL or the header announce   -> 06 */
	SCP80_ERR_LENGTH,           /* CPL/CHL (RPL/RHL) inconsistent with the length    -> 06 */
	SCP80_ERR_TOO_LONG,         /* over the SMS concatenation limit                  -> 06 */
	SCP80_ERR_TAR_UNKNOWN,      /* no keyset for the TAR                             -> 09 */
	SCP80_ERR_DES_REFUSED,      /* KIc/KID name single DES or 2-key 3DES             -> 0A */
	SCP80_ERR_ALG_UNSUPPORTED,  /* unknown algorithm or mode, 3-key 3DES, RC, DS     -> 06 */
	SCP80_ERR_SECURITY_LEVEL,   /* the SPI asks less than the keyset requires        -> 0A */
	SCP80_ERR_CIPHER,           /* ciphered part not whole AES blocks                -> 05 */
	SCP80_ERR_CC,               /* wrong cryptographic checksum                      -> 01 */
	SCP80_ERR_COUNTER_LOW,      /* replayed or lower counter                         -> 02 */
	SCP80_ERR_COUNTER_HIGH,     /* more than one higher, or beyond the allowed step  -> 03 */
	SCP80_ERR_COUNTER_BLOCKED,  /* the stored counter reached FFFFFFFFFF             -> 04 */
	SCP80_ERR_PADDING,          /* PCNTR larger than the secured data                -> 05 */
	SCP80_ERR_CRYPTO,           /* the crypto provider failed                        -> 06 */
	SCP80_ERR_BUFFER,           /* the caller's output buffer is too small (no PoR)  */
	SCP80_ERR_ARG,              /* misuse: NULL, bad parameter (no PoR)              */
	SCP80_ERR_COUNT
} scp80_err;

scp80_status scp80_err_status(scp80_err err);
const char *scp80_err_text(scp80_err err);

/* ---- SPI coding (TS 102 225 5.1.1) -------------------------------------- */

typedef enum scp80_counter_mode {
	SCP80_CNTR_NONE = 0,        /* no counter */
	SCP80_CNTR_PRESENT = 1,     /* counter present, not checked */
	SCP80_CNTR_HIGHER = 2,      /* process if higher than the stored one */
	SCP80_CNTR_ONE_HIGHER = 3,  /* process if exactly one higher */
} scp80_counter_mode;

typedef enum scp80_integrity {
	SCP80_INTEGRITY_NONE = 0, SCP80_INTEGRITY_RC = 1, SCP80_INTEGRITY_CC = 2, SCP80_INTEGRITY_DS = 3,
} scp80_integrity;

typedef enum scp80_por_when {
	SCP80_POR_NONE = 0, SCP80_POR_ALWAYS = 1, SCP80_POR_ON_ERROR = 2, SCP80_POR_RESERVED = 3,
} scp80_por_when;

typedef struct scp80_spi {
	scp80_counter_mode counter;
	bool ciphered;
	scp80_integrity integrity;
	scp80_por_when por;
	scp80_integrity por_integrity;
	bool por_ciphered;
	bool por_via_submit;        /* SMS-SUBMIT instead of SMS-DELIVER-REPORT */
} scp80_spi;

void scp80_spi_decode(const uint8_t spi[2], scp80_spi *out);
void scp80_spi_encode(const scp80_spi *spi, uint8_t out[2]);
/* The algorithm a KIc (cipher) or KID (checksum) byte names; SCP80_OK when it
 * is AES (CBC for KIc, CMAC for KID), else why it is refused. */
scp80_err scp80_kic_check(uint8_t kic);
scp80_err scp80_kid_check(uint8_t kid);
static inline unsigned scp80_key_index(uint8_t kic_or_kid) { return kic_or_kid >> 4; }

/* ---- Counters ------------------------------------------------------------ */

/*
 * The receiving entity's counter rule, pure: given the received and the
 * stored counter, SCP80_OK and *commit = the counter to store once the packet
 * is accepted, or the refusal (and *commit = stored). max_step limits how far
 * ahead a "higher" counter may jump (0: no limit); beyond it COUNTER_HIGH.
 */
scp80_err scp80_counter_check(scp80_counter_mode mode, uint64_t received, uint64_t stored,
                              uint64_t max_step, uint64_t *commit);
/* The sending entity's next counter after `last`; COUNTER_BLOCKED at the end. */
scp80_err scp80_counter_next(uint64_t last, uint64_t *next);

/*
 * The sending entity's record of the PoRs it accepted, so that each is
 * accepted at most once (PoRs may come out of order). state packs the highest
 * counter acknowledged (bits 63..24; 0: none yet) and a window of the
 * SCP80_ACK_WINDOW counters below it (bit i: counter top - 1 - i acknowledged).
 * For counter (1..SCP80_COUNTER_MAX): SCP80_OK and *next = the state with it
 * acknowledged, or SCP80_ERR_COUNTER_LOW (already acknowledged, or older than
 * the window) and *next = state. Pure: the caller stores *next atomically with
 * accepting the PoR.
 */
#define SCP80_ACK_WINDOW 24u
scp80_err scp80_ack_check(uint64_t state, uint64_t counter, uint64_t *next);

/* ---- The crypto provider ------------------------------------------------- */

typedef struct scp80_span {
	const uint8_t *p;
	size_t n;
} scp80_span;

/* Keys are opaque handles; each function returns 0 on success. */
typedef struct scp80_crypto_ops {
	/* AES-CMAC of the concatenated parts, first mac_len (<= 16) bytes. */
	int (*cmac)(void *ctx, const void *key, const scp80_span *parts, size_t n_parts, uint8_t *mac,
	            size_t mac_len);
	/* AES-CBC, zero IV, in place, len a multiple of 16. */
	int (*cbc_encrypt)(void *ctx, const void *key, uint8_t *buf, size_t len);
	int (*cbc_decrypt)(void *ctx, const void *key, uint8_t *buf, size_t len);
} scp80_crypto_ops;

typedef struct scp80_crypto {
	const scp80_crypto_ops *ops;
	void *ctx;
} scp80_crypto;

/* ---- Keysets (one per TAR) ----------------------------------------------- */

typedef struct scp80_keyset {
	const void *kic;            /* handle for cbc_*, NULL if none */
	const void *kid;            /* handle for cmac, NULL if none */
	uint64_t counter;           /* the stored receive counter */
	uint64_t max_step;          /* see scp80_counter_check; 0 = no limit */
	/* Minimum security a command must ask for (else status 0A). */
	bool require_cc, require_cipher, require_counter_higher;
} scp80_keyset;

/* Finds the keyset of a TAR; returns 0 and fills *out, or -1 (unknown TAR). */
typedef int (*scp80_lookup_fn)(void *ctx, const uint8_t tar[SCP80_TAR_LEN], scp80_keyset *out);

/* ---- Command packets ---------------------------------------------------- */

typedef struct scp80_header {
	uint8_t spi_bytes[2];
	uint8_t kic, kid;
	uint8_t tar[SCP80_TAR_LEN];
	uint64_t counter;
	scp80_spi spi;
} scp80_header;

/* What the receiving entity learned from one command packet. */
typedef struct scp80_received {
	scp80_err err;
	scp80_status status;
	bool header_read;           /* SPI..TAR readable: a PoR can be addressed */
	bool keys_usable;           /* keyset found, algorithms accepted: a PoR may be secured */
	scp80_header hdr;
	scp80_keyset keys;          /* valid when keys_usable */
	/* Store this on SCP80_OK only. On failure it is the keyset's stored
	 * counter (0 when no keyset was found): nothing to commit. */
	uint64_t commit_counter;
	const uint8_t *data;        /* secured data, deciphered, padding removed (inside plain) */
	size_t data_len;
} scp80_received;

/*
 * Checks and opens one command packet (bytes from CPL). plain (room >= len)
 * receives the deciphered packet; data points into it. Returns rcv->err. On
 * failure plain is wiped and rcv->commit_counter is the stored counter.
 * The caller stores rcv->commit_counter atomically with accepting the data,
 * and wipes plain when done.
 */
scp80_err scp80_command_unwrap(const scp80_crypto *crypto, scp80_lookup_fn lookup, void *lookup_ctx,
                               const uint8_t *pkt, size_t len, uint8_t *plain, size_t room,
                               scp80_received *rcv);

/* The sending entity: protect data into a command packet (from CPL). */
typedef struct scp80_command_params {
	uint8_t spi_bytes[2];
	uint8_t kic, kid;
	uint8_t tar[SCP80_TAR_LEN];
	uint64_t counter;
	const void *kic_key, *kid_key;
} scp80_command_params;

scp80_err scp80_command_wrap(const scp80_crypto *crypto, const scp80_command_params *p,
                             const uint8_t *data, size_t data_len, uint8_t *out, size_t room,
                             size_t *out_len);

/* ---- Response packets (PoR) ----------------------------------------------- */

/*
 * 1 when the SPI asks for a PoR for this outcome (always, or on error and
 * status != 00); 0 when none is sent (also when the header was unreadable).
 */
bool scp80_por_wanted(const scp80_received *rcv);

/*
 * Builds the PoR for rcv (UDH 027100 first) carrying data (may be empty).
 * Secured as the SPI asks when rcv->keys_usable and the status is neither 06
 * nor 09; otherwise unsecured (no ciphering, no CC: RHL 0A). SCP80_ERR_ARG
 * when no PoR is wanted.
 */
scp80_err scp80_por_build(const scp80_crypto *crypto, const scp80_received *rcv,
                          const uint8_t *data, size_t data_len, uint8_t *out, size_t room,
                          size_t *out_len);

/* What the sending entity reads from a PoR. */
typedef struct scp80_por {
	uint8_t tar[SCP80_TAR_LEN];
	uint64_t counter;
	scp80_status status;
	bool secured;               /* CC verified (or deciphered) with the keyset */
	const uint8_t *data;        /* inside plain */
	size_t data_len;
} scp80_por;

/*
 * Opens a PoR (from the UDH) answering a command sent with spi_bytes and the
 * keys kic_key/kid_key. A PoR without the security the SPI asked for is
 * accepted only as a bare unsecured failure report (RHL 0A, no data; status
 * 06, 09 or 0A; secured = false). scp80_por_build refuses data for such a PoR.
 */
scp80_err scp80_por_unwrap(const scp80_crypto *crypto, const uint8_t spi_bytes[2], const void *kic_key,
                           const void *kid_key, const uint8_t *pkt, size_t len, uint8_t *plain,
                           size_t room, scp80_por *por);

#endif /* PORTFOLIO_SCP80_H */
