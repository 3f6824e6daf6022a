/* SSSE3 helpers of the line scanner (see ssse3.h). */
#include "sweep/ssse3.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

/* Dotted quads with SSSE3: the dots give the lengths of the four octets,
 * and the lengths (81 shapes) a byte shuffle that puts each octet's digits
 * in a 32-bit lane as [hundreds, tens, ones, 0], where one multiply-add
 * gives its value. lead marks each octet's first digit when it has more
 * than one (it must not be 0). */
struct quad_shape {
	unsigned char shuf[16], lead[16];
};
static struct quad_shape quad_shapes[81];

static void init_quad_shapes(void)
{
	for (int idx = 0; idx < 81; idx++) {
		int l[4] = {idx / 27 + 1, idx / 9 % 3 + 1, idx / 3 % 3 + 1, idx % 3 + 1};
		struct quad_shape *q = &quad_shapes[idx];
		memset(q->shuf, 0x80, sizeof q->shuf); /* 0x80: a zero byte */
		memset(q->lead, 0, sizeof q->lead);
		int st = 0;
		for (int i = 0; i < 4; i++) {
			for (int j = 0; j < l[i]; j++)
				q->shuf[4 * i + 3 - l[i] + j] = (unsigned char)(st + j);
			if (l[i] > 1)
				q->lead[4 * i + 3 - l[i]] = 0xff;
			st += l[i] + 1;
		}
	}
}

__attribute__((target("ssse3"))) int ssse3_quad(const unsigned char *s, unsigned n, uint32_t *ip)
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
	const struct quad_shape *q = &quad_shapes[l0 * 27 + l1 * 9 + l2 * 3 + l3];
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

/* The end of a URL 16 bytes at a time: a byte is in the set when its
 * low-nibble entry and its high-nibble entry share a bit (one bit per high
 * nibble of the set's members, all below 0x80). */
static unsigned char url_lo[16] __attribute__((aligned(16))), url_hi[16] __attribute__((aligned(16)));

static const unsigned char *url_ends;

static void init_url_nibbles(const unsigned char urlend[256])
{
	url_ends = urlend;
	int next = 0;
	for (int c = 0; c < 128; c++)
		if (urlend[c]) {
			if (!url_hi[c >> 4])
				url_hi[c >> 4] = (unsigned char)(1u << next++);
			url_lo[c & 15] |= url_hi[c >> 4];
		}
}

__attribute__((target("ssse3"))) size_t ssse3_url_end(const unsigned char *p, size_t b, size_t n)
{
	const __m128i lo = _mm_load_si128((const __m128i *)(const void *)url_lo);
	const __m128i hi = _mm_load_si128((const __m128i *)(const void *)url_hi);
	const __m128i low4 = _mm_set1_epi8(0x0f);
	for (; b + 16 <= n; b += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + b));
		__m128i c = _mm_and_si128(_mm_shuffle_epi8(lo, _mm_and_si128(v, low4)),
					  _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), low4)));
		unsigned in = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_setzero_si128())) ^ 0xffffu;
		if (in)
			return b + (size_t)__builtin_ctz(in);
	}
	while (b < n && !url_ends[p[b]])
		b++;
	return b;
}

void ssse3_init(const unsigned char urlend[256])
{
	init_quad_shapes();
	init_url_nibbles(urlend);
}
#endif
