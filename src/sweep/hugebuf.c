/* Huge-page buffers (see hugebuf.h). */
#include "sweep/hugebuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define HUGEBUF_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HUGEBUF_MALLOC 1
#endif
#endif

#if !defined(HUGEBUF_MALLOC) && defined(MADV_HUGEPAGE)
#define HUGE (2u << 20)

static size_t rounded(size_t n)
{
	return (n + HUGE - 1) & ~(size_t)(HUGE - 1);
}
#endif

void *hugebuf_alloc(size_t n)
{
#if defined(HUGEBUF_MALLOC) || !defined(MADV_HUGEPAGE)
	return malloc(n ? n : 1);
#else
	size_t len = rounded(n ? n : 1);
	if (len < n)
		return NULL; /* n near SIZE_MAX */
	/* Map one huge page more and trim, so that the buffer is aligned. */
	unsigned char *p = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	size_t lead = (HUGE - (uintptr_t)p % HUGE) % HUGE;
	if (lead)
		munmap(p, lead);
	if (HUGE - lead)
		munmap(p + lead + len, HUGE - lead);
	p += lead;
	(void)madvise(p, len, MADV_HUGEPAGE); /* only a hint: small pages otherwise */
	return p;
#endif
}

void hugebuf_free(void *p, size_t n)
{
#if defined(HUGEBUF_MALLOC) || !defined(MADV_HUGEPAGE)
	(void)n;
	free(p);
#else
	if (p)
		munmap(p, rounded(n ? n : 1));
#endif
}

void hugebuf_advise(void *p, size_t n)
{
#if defined(HUGEBUF_MALLOC) || !defined(MADV_HUGEPAGE)
	(void)p;
	(void)n;
#else
	uintptr_t a = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
	uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE - 1);
	if (b > a)
		(void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#endif
}
