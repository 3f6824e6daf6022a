#include "base/buf.h"
#include "base/err.h"
#include "base/secret.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->wipe = 0;
}

void buf_init_secret(struct buf *b, size_t max)
{
	buf_init(b, max);
	b->wipe = 1;
}

void buf_release(struct buf *b)
{
	if (b->wipe && b->ptr)
		secret_wipe(b->ptr, b->cap);
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

static int buf_reserve(struct buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return WR_ETOOBIG;
	if (b->len + extra == SIZE_MAX) /* no room for the NUL (max == SIZE_MAX) */
		return WR_ENOMEM;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p;
	if (b->wipe) {
		/* realloc would leave the old copy behind unwiped */
		p = malloc(cap);
		if (!p)
			return WR_ENOMEM;
		if (b->ptr) {
			memcpy(p, b->ptr, b->len + 1);
			secret_wipe(b->ptr, b->cap);
			free(b->ptr);
		}
	} else {
		p = realloc(b->ptr, cap);
		if (!p)
			return WR_ENOMEM;
	}
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t n)
{
	int rc = buf_reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	/* Into the room there is first: one formatting pass when it fits,
	 * which it mostly does (a notice is written in thousands of pieces). */
	size_t room = b->cap - b->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->ptr ? b->ptr + b->len : NULL, b->ptr ? room : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return WR_EINTERNAL;
	if (b->ptr && (size_t)n < room) {
		if ((size_t)n > b->max || b->len > b->max - (size_t)n) {
			b->ptr[b->len] = '\0';
			return WR_ETOOBIG;
		}
		b->len += (size_t)n;
		return 0;
	}
	int rc = buf_reserve(b, (size_t)n);
	if (rc) {
		if (b->ptr)
			b->ptr[b->len] = '\0';
		return rc;
	}
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *buf_detach(struct buf *b)
{
	char *p = b->ptr;
	if (!p)
		p = calloc(1, 1);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
