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
#include <immintrin.h>
#endif

#if defined(__x86_64__)
/* Builds the tables; urlend[c] is 1 for the bytes that end a URL (all
 * below 0x80), kept for the tail of a search. Called once. */
void ssse3_init(const unsigned char urlend[256]);

/* Dotted quads with SSSE3: the dots give the lengths of the four octets,
 * and the lengths (81 shapes) a byte shuffle that puts each octet's digits
 * in a 32-bit lane as [hundreds, tens, ones, 0], where one multiply-add
 * gives its value. lead marks each octet's first digit when it has more
 * than one (it must not be 0). Inline, so that the scanner's SSSE3 code
 * keeps the address in a register. */
struct ssse3_quad_shape {
	unsigned char shuf[16], lead[16];
};
extern struct ssse3_quad_shape ssse3_quad_shapes[81];

/* s[0..n) (7 to 15 digits and dots, digits at both ends; 16 bytes
 * readable): 1 and the address in *ip when it is a strict dotted quad
 * (four octets of 1 to 3 digits, at most 255, no leading zero), else 0. */
__attribute__((target("ssse3"))) static inline int ssse3_quad(const unsigned char *s, unsigned n,
							     uint32_t *ip)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	unsigned dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))) &
		      ((1u << n) - 1);
	unsigned dm1 = dm & (dm - 1), dm2 = dm1 & (dm1 - 1);
	if (!dm2 || (dm2 & (dm2 - 1)))
		return 0; /* not exactly three dots */
	unsigned d1 = (unsigned)__builtin_ctz(dm), d2 = (unsigned)__builtin_ctz(dm1),
		 d3 = (unsigned)__builtin_ctz(dm2);
	unsigned l0 = d1 - 1, l1 = d2 - d1 - 2, l2 = d3 - d2 - 2, l3 = n - d3 - 2; /* length - 1 */
	if ((l0 > 2) | (l1 > 2) | (l2 > 2) | (l3 > 2))
		return 0;
	const struct ssse3_quad_shape *q = &ssse3_quad_shapes[l0 * 27 + l1 * 9 + l2 * 3 + l3];
	__m128i x = _mm_shuffle_epi8(_mm_sub_epi8(v, _mm_set1_epi8('0')),
				     _mm_loadu_si128((const __m128i *)(const void *)q->shuf));
	__m128i lz = _mm_and_si128(_mm_cmpeq_epi8(x, _mm_setzero_si128()),
				   _mm_loadu_si128((const __m128i *)(const void *)q->lead));
	/* bytes 100, 10, 1, 0 per lane */
	__m128i val = _mm_madd_epi16(_mm_maddubs_epi16(x, _mm_set1_epi32(0x00010a64)),
				     _mm_set1_epi16(1));
	if (_mm_movemask_epi8(_mm_or_si128(lz, _mm_cmpgt_epi32(val, _mm_set1_epi32(255)))))
		return 0;
	__m128i be = _mm_shuffle_epi8(val, _mm_setr_epi8(12, 8, 4, 0, -1, -1, -1, -1, -1, -1, -1,
							 -1, -1, -1, -1, -1));
	*ip = (uint32_t)_mm_cvtsi128_si32(be);
	return 1;
}

/* The first byte of p[b..n) that ends a URL, or n. */
size_t ssse3_url_end(const unsigned char *p, size_t b, size_t n);
#endif

#endif
