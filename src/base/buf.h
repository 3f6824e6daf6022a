/* A growing byte buffer with a hard maximum (after curl's dynbuf): input
 * that would grow it past max fails with WR_ETOOBIG instead of eating memory.
 * The content is always NUL-terminated. */
#ifndef WR_BASE_BUF_H
#define WR_BASE_BUF_H

#include <stddef.h>

struct buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max;
	int wipe; /* set by buf_init_secret */
};

void buf_init(struct buf *b, size_t max);
/* For content that may hold a secret (a request body with a password):
 * memory is wiped before it is given back, on growth and on release. */
void buf_init_secret(struct buf *b, size_t max);
void buf_release(struct buf *b); /* frees the content; b may be reused after buf_init */
void buf_reset(struct buf *b);   /* empties, keeps the memory */
int buf_add(struct buf *b, const void *data, size_t n); /* 0, WR_ETOOBIG or WR_ENOMEM */
int buf_addc(struct buf *b, char c);
int buf_adds(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the content to the caller (caller frees) and resets b. Never NULL
 * unless memory runs out. */
char *buf_detach(struct buf *b);

#endif
