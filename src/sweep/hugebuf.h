/* Large buffers backed by transparent huge pages where the kernel allows
 * them (its "madvise" mode): one page fault per 2 MiB instead of one per
 * 4 KiB. On a virtual machine a fault can cost 10-15 us, so the faults of
 * a 4 MiB read buffer alone are a visible share of a sweep's time. */
#ifndef WR_SWEEP_HUGEBUF_H
#define WR_SWEEP_HUGEBUF_H

#include <stddef.h>

/* n bytes (uninitialised), or NULL. Under AddressSanitizer plain malloc,
 * so that reads past the end are still caught. */
void *hugebuf_alloc(size_t n);
/* Frees p from hugebuf_alloc(n) (same n); NULL is ignored. */
void hugebuf_free(void *p, size_t n);
/* Asks for huge pages under the whole 2 MiB pages inside p[0..n), memory
 * from malloc not touched yet (large blocks are mapped on their own, so
 * this concerns no other data); a hint, nothing happens if refused. */
void hugebuf_advise(void *p, size_t n);

#endif
