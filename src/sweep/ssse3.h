/* SSSE3 helpers of the line scanner (scan.c): dotted quads parsed without a
 * branch per octet, and the end of a URL found 16 bytes at a time. Used
 * with the AVX2 and AVX-512 kernels (processors that have those have
 * SSSE3); the C and SSE2 kernels keep the scalar code, and the tests
 * compare the two. x86-64 only. */
#ifndef WR_SWEEP_SSSE3_H
#define WR_SWEEP_SSSE3_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
/* Builds the tables; urlend[c] is 1 for the bytes that end a URL (all
 * below 0x80), kept for the tail of a search. Called once. */
void ssse3_init(const unsigned char urlend[256]);

/* s[0..n) (7 to 15 digits and dots, digits at both ends; 16 bytes
 * readable): 1 and the address in *ip when it is a strict dotted quad
 * (four octets of 1 to 3 digits, at most 255, no leading zero), else 0. */
int ssse3_quad(const unsigned char *s, unsigned n, uint32_t *ip);

/* The first byte of p[b..n) that ends a URL, or n. */
size_t ssse3_url_end(const unsigned char *p, size_t b, size_t n);
#endif

#endif
