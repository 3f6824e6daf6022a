/* Page faults in bulk. On a virtual machine a page fault costs some
 * microseconds: an array that is about to be written all over (a hash
 * table, a bitmap) or front to back (a string pool, a record array) can
 * have its pages mapped by one madvise(MADV_POPULATE_WRITE) call instead of
 * one fault per 4 KiB page. Only a hint: contents are unchanged, and
 * nothing happens where the call is not known (Linux before 5.14, other
 * systems). */
#ifndef WR_BASE_PREFAULT_H
#define WR_BASE_PREFAULT_H

#include <stddef.h>

/* Maps the whole pages inside p[0..n). */
void prefault(void *p, size_t n);

/* For a block filled front to back (and moved by realloc at times): what
 * has been mapped ahead of it. Zero-initialise. */
struct prefault_mark {
	const void *base;
	size_t upto;
};

/* PREFAULT_STEP more bytes of block[0..cap) are mapped when used goes past
 * the mark (or the block moved): one call per step, not one fault per page,
 * and at most a step mapped that is not used yet. */
#define PREFAULT_STEP ((size_t)256 << 10)
void prefault_ahead_slow(struct prefault_mark *m, void *block, size_t used, size_t cap);
static inline void prefault_ahead(struct prefault_mark *m, void *block, size_t used, size_t cap)
{
	if (used > m->upto || block != m->base)
		prefault_ahead_slow(m, block, used, cap);
}

#endif
