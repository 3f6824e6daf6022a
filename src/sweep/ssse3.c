/* SSSE3 helpers of the line scanner (see ssse3.h). */
#include "sweep/ssse3.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

struct ssse3_quad_shape ssse3_quad_shapes[81];

static void init_quad_shapes(void)
{
	for (int idx = 0; idx < 81; idx++) {
		int l[4] = {idx / 27 + 1, idx / 9 % 3 + 1, idx / 3 % 3 + 1, idx % 3 + 1};
		struct ssse3_quad_shape *q = &ssse3_quad_shapes[idx];
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
