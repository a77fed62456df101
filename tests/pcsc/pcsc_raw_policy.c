/*
 * pcsc_raw_policy.c - attacker (d) of docs/security.md on the real PC/SC path:
 * a process with raw access to the reader, the SCP03 keys and the user PIN,
 * talking to the card directly (pcsc_link: SELECT, SCP03, plain APDUs), no
 * PKCS#11 module in between. It finds the items a module provisioned
 * (tests/pcsc/pcsc_policy.py) from the card's own layout and policies, then
 * asks the applet for everything its policy forbids, and checks that each
 * request gets the status word of docs/apdu.md ("Item policy"):
 *
 *   sign a hash of its choice with the device AUTH key        69F3
 *   sign with the verify-only AUTH key                        69F2
 *   sign identity 1's hash while asking for identity 2        69F4
 *   encrypt data of its choice with the device ENC key        69F3
 *   encrypt the identity value with the AUTH key              69F1
 *   encrypt the rewritten identity value (not provisioned)    69F5
 *   give the verify-only key its SIGN usage back              69F6
 *   sign, verify (PORTFOLIO SIGN / VERIFY) with the master     69F2
 *   read the master / give it SIGN usage                      6986 / 69F6
 *   DIV VERIFY with a key that is not a master                69F2
 *
 * and that the one legitimate request, the device key signing identity 1's
 * provisioned hash, and the master verifying a device's known answer
 * (PORTFOLIO DIV VERIFY), still get 9000. Exit 0 when every answer is the expected
 * one, 1 otherwise, 2 on a usage or transport error.
 *
 *   pcsc_raw_policy READER KEYS(kvn:enc:mac:dek) USER-PIN IDENTITY-ID
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "se/pcsc/pcsc_link.h"
#include "se/pcsc/pcsc_policy.h"

#define KIND_AES 1u
#define KIND_ID_VALUE 3u
#define KIND_ID_HASH 4u

typedef struct card_items {
	uint8_t signer, verifier, encrypter, hash, value, master;
} card_items;

static int failures;

/* out, when not NULL, holds RESP_CAP bytes. */
#define RESP_CAP 256u

static uint16_t apdu(pcsc_link *l, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn, int le,
                     uint8_t *out, size_t *out_len)
{
	uint16_t sw = 0;

	if (pcsc_link_run(l, ins, p1, p2, d, dn, le, out, RESP_CAP, out_len, &sw) != CKR_OK) {
		fprintf(stderr, "pcsc_raw_policy: transport error\n");
		exit(2);
	}
	return sw;
}

static void expect(uint16_t got, uint16_t want, const char *what)
{
	printf("%s %-58s SW %04X (want %04X)\n", got == want ? "ok  " : "FAIL", what, got, want);
	failures += got != want;
}

static void be32(uint8_t *p, unsigned long v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* One item of the layout, classified by the policy the card keeps with it. */
static void classify(pcsc_link *l, uint8_t item, uint8_t kind, unsigned long identity, card_items *c)
{
	uint8_t r[256];
	size_t n = 0;
	se_item_policy pol;

	if (apdu(l, 0xCA, 0x02, item, NULL, 0, 1, r, &n) != 0x9000 || n != PCSC_POLICY_LEN ||
	    !pcsc_policy_decode(r, &pol))
		return;
	if (kind == KIND_ID_HASH && pol.identity_id == identity)
		c->hash = item;
	else if (kind == KIND_ID_VALUE && pol.identity_id == identity)
		c->value = item;
	else if (pol.service == CK_PORTFOLIO_SRV_AUTHENT && (pol.usage & SE_USE_MASTER))
		c->master = item;
	else if (pol.service == CK_PORTFOLIO_SRV_AUTHENT && (pol.usage & SE_USE_SIGN))
		c->signer = item;
	else if (pol.service == CK_PORTFOLIO_SRV_AUTHENT && pol.usage == SE_USE_VERIFY)
		c->verifier = item;
	else if (pol.service == CK_PORTFOLIO_SRV_ENCRYPT && (pol.usage & SE_USE_ENCRYPT) && kind == KIND_AES)
		c->encrypter = item;
}

/* GET LAYOUT P1 = 01, page by page; then each item's policy. */
static void find_items(pcsc_link *l, unsigned long identity, card_items *c)
{
	uint8_t r[256], from = 0;
	size_t n = 0, i;
	int pages;

	memset(c, 0, sizeof(*c));
	for (pages = 0; pages < 8; pages++) {
		if (apdu(l, 0xCA, 0x01, from, NULL, 0, 1, r, &n) != 0x9000 || n == 0)
			break;
		for (i = 1; i + 5 <= n; i += 5)
			classify(l, r[i], r[i + 1], identity, c);
		if (r[0] == 0)
			break;
		from = r[0];
	}
}

static uint16_t sign(pcsc_link *l, uint8_t key, unsigned long identity, uint8_t hash_item, uint8_t *sig,
                     size_t *sig_len)
{
	uint8_t d[5 + 1 + 16] = {0};

	be32(d, identity);
	d[4] = hash_item;
	d[5] = 16;
	memset(d + 6, 0xc4, 16);
	return apdu(l, 0x70, key, 0x00, d, sizeof(d), 1, sig, sig_len);
}

static uint16_t encrypt_identity(pcsc_link *l, uint8_t key, unsigned long identity, const card_items *c)
{
	uint8_t d[1 + 16 + 6], out[256];
	size_t n;

	d[0] = 16;
	memset(d + 1, 0xc4, 16);
	be32(d + 17, identity);
	d[21] = c->value;
	d[22] = c->hash;
	return apdu(l, 0x72, key, 0x80, d, sizeof(d), 1, out, &n);
}

static void attack(pcsc_link *l, unsigned long identity, const card_items *c)
{
	uint8_t d[64], out[256], u;
	size_t n;

	expect(sign(l, c->signer, identity, c->hash, out, &n), 0x9000, "device key signs the provisioned hash");
	/* a hash of the attacker's choice (here: 32 x 0x41) and a challenge */
	memset(d, 0x41, 32);
	d[32] = 16;
	memset(d + 33, 0xc4, 16);
	expect(apdu(l, 0x70, c->signer, 0x01, d, 49, 1, out, &n), 0x69F3, "device key signs a hash in the data");
	expect(sign(l, c->verifier, identity, c->hash, out, &n), 0x69F2, "verify-only key signs");
	expect(sign(l, c->signer, identity + 1, c->hash, out, &n), 0x69F4, "identity 1's hash signed as identity 2");
	d[0] = 16;
	memcpy(d + 17, "urn:attacker", 12);
	expect(apdu(l, 0x72, c->encrypter, 0x00, d, 29, 1, out, &n), 0x69F3, "device ENC key encrypts data");
	expect(encrypt_identity(l, c->signer, identity, c), 0x69F1, "AUTH key encrypts the identity value");
	expect(encrypt_identity(l, c->encrypter, identity, c), 0x69F5, "ENC key encrypts a rewritten identity value");
	u = SE_USE_SIGN | SE_USE_VERIFY;
	expect(apdu(l, 0xDA, c->verifier, 0, &u, 1, 0, NULL, NULL), 0x69F6, "verify-only key given SIGN back");
	expect(sign(l, c->verifier, identity, c->hash, out, &n), 0x69F2, "... and it still does not sign");
}

/* PORTFOLIO DIV VERIFY of tests/unit/test_p11_div.c's known answer: device
 * "urn:imei:490154203237518", I 1, n 1, AES-128 device key, SHA-256 of
 * "HostSwV-1.2.3", challenge 02345178; last_bit flips the signature's last bit. */
static uint16_t div_verify(pcsc_link *l, uint8_t key, int last_bit)
{
	static const char device[] = "urn:imei:490154203237518";
	static const uint8_t hash[32] = {0x38, 0xcc, 0x74, 0x0d, 0x57, 0x99, 0x5e, 0x01, 0x32, 0xf9, 0x39,
	                                 0x6b, 0xa8, 0xdf, 0x92, 0x48, 0xbd, 0x77, 0xed, 0x02, 0x89, 0x5f,
	                                 0x1e, 0x07, 0xf2, 0xb5, 0x85, 0xaa, 0x5b, 0xca, 0x11, 0x85};
	static const uint8_t tail[1 + 4 + 16] = {4, 0x02, 0x34, 0x51, 0x78, 0x0d, 0x17, 0x86, 0xea, 0x88, 0xc6,
	                                         0x87, 0xb2, 0x68, 0xb1, 0xd7, 0x08, 0xad, 0x95, 0xb5, 0x86};
	uint8_t d[1 + sizeof(device) - 1 + 9 + 32 + sizeof(tail)];
	size_t n = 0;

	d[n++] = sizeof(device) - 1;
	memcpy(d + n, device, sizeof(device) - 1);
	n += sizeof(device) - 1;
	be32(d + n, 1);
	be32(d + n + 4, 1);
	d[n + 8] = 16;
	n += 9;
	memcpy(d + n, hash, 32);
	memcpy(d + n + 32, tail, sizeof(tail));
	d[sizeof(d) - 1] ^= (uint8_t)last_bit;
	return apdu(l, 0x74, key, 0x00, d, sizeof(d), 0, NULL, NULL);
}

/* The master does PORTFOLIO DIV VERIFY and nothing else; nothing else does it. */
static void attack_master(pcsc_link *l, unsigned long identity, const card_items *c)
{
	uint8_t d[32 + 1 + 16 + 16], out[256], u;
	size_t n;

	expect(div_verify(l, c->master, 0), 0x9000, "master verifies a device's known answer (DIV VERIFY)");
	expect(div_verify(l, c->master, 1), 0x6300, "... and refuses it one bit off");
	expect(sign(l, c->master, identity, c->hash, out, &n), 0x69F2, "master signs (PORTFOLIO SIGN)");
	memset(d, 0x41, 32);
	d[32] = 16;
	memset(d + 33, 0xc4, 32);
	expect(apdu(l, 0x70, c->master, 0x81, d, sizeof(d), 0, NULL, NULL), 0x69F2, "master verifies (PORTFOLIO VERIFY)");
	expect(apdu(l, 0xB0, c->master, 0, NULL, 0, 1, out, &n), 0x6986, "master read out");
	u = SE_USE_SIGN;
	expect(apdu(l, 0xDA, c->master, 0, &u, 1, 0, NULL, NULL), 0x69F6, "master given SIGN usage");
	expect(div_verify(l, c->verifier, 0), 0x69F2, "DIV VERIFY with the verify-only key (no master)");
	expect(div_verify(l, c->signer, 0), 0x69F2, "DIV VERIFY with the device key (no master)");
}

int main(int argc, char **argv)
{
	pcsc_link l;
	card_items c;
	unsigned long identity;

	if (argc != 5) {
		fprintf(stderr, "usage: pcsc_raw_policy READER KEYS USER-PIN IDENTITY-ID\n");
		return 2;
	}
	identity = strtoul(argv[4], NULL, 10);
	if (pcsc_link_init(&l, argv[1], NULL, argv[2]) != CKR_OK)
		return 2;
	expect(apdu(&l, 0x20, 0x00, 0x81, (const uint8_t *)argv[3], strlen(argv[3]), 0, NULL, NULL), 0x9000,
	       "VERIFY user PIN");
	find_items(&l, identity, &c);
	printf("items: signer %u verifier %u encrypter %u hash %u value %u master %u\n", c.signer, c.verifier,
	       c.encrypter, c.hash, c.value, c.master);
	if (!c.signer || !c.verifier || !c.encrypter || !c.hash || !c.value || !c.master) {
		printf("FAIL the card does not hold the items pcsc_policy.py provisioned\n");
		pcsc_link_free(&l);
		return 1;
	}
	attack(&l, identity, &c);
	attack_master(&l, identity, &c);
	pcsc_link_free(&l);
	printf("%s\n", failures == 0 ? "PASS" : "FAILED");
	return failures == 0 ? 0 : 1;
}
