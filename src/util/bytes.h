/*
 * bytes.h - big-endian integers in byte strings (APDU fields, sealed rows):
 * one definition for every layer that lays out a wire or storage format.
 */
#ifndef PORTFOLIO_BYTES_H
#define PORTFOLIO_BYTES_H

#include <stdint.h>

static inline void pf_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t pf_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void pf_put_be64(uint8_t *p, uint64_t v)
{
	pf_put_be32(p, (uint32_t)(v >> 32));
	pf_put_be32(p + 4, (uint32_t)v);
}

static inline uint64_t pf_get_be64(const uint8_t *p)
{
	return (uint64_t)pf_get_be32(p) << 32 | pf_get_be32(p + 4);
}

#endif
