/* Growing arrays for the intel/ files (intel_internal.h). */
#include <stdint.h>
#include <stdlib.h>

#include "intel/intel_internal.h"

int intel_grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	if (c > SIZE_MAX / size)
		return WR_ENOMEM;
	void *q = realloc(*p, c * size);
	if (!q)
		return WR_ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}
