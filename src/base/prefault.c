/* Page faults in bulk (see prefault.h). */
#include "base/prefault.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

void prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	long ps = sysconf(_SC_PAGESIZE);
	size_t page = ps > 0 ? (size_t)ps : 4096;
	/* Whole pages only: the neighbours of the block are not ours. */
	uintptr_t a = ((uintptr_t)p + page - 1) & ~(uintptr_t)(page - 1);
	uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)(page - 1);
	if (p && b > a)
		(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

void prefault_ahead_slow(struct prefault_mark *m, void *block, size_t used, size_t cap)
{
	if (block != m->base) {
		m->base = block;
		m->upto = 0;
	}
	if (used <= m->upto)
		return;
	size_t from = m->upto, to = used + PREFAULT_STEP < cap ? used + PREFAULT_STEP : cap;
	if (to > from)
		prefault((char *)block + from, to - from);
	m->upto = to;
}
