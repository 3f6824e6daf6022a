/* Random secrets, their hashes, and comparing them without timing leaks
 * (libsodium). Call secret_init() once at start-up. */
#ifndef WR_BASE_SECRET_H
#define WR_BASE_SECRET_H

#include <stddef.h>
#include <stdio.h>

int secret_init(void);
/* 256 random bits as 43 base64url characters (no padding) + NUL. */
#define SECRET_TOKEN_LEN 44
void secret_token(char out[SECRET_TOKEN_LEN]);
/* SHA-256 of data as 64 lower-case hex digits + NUL. */
#define SECRET_SHA256_HEX 65
void secret_sha256_hex(const void *data, size_t n, char out[SECRET_SHA256_HEX]);
/* The same of the rest of stream f, read to its end: 0, or -1 on a read
 * error (errno set). */
int secret_sha256_stream(FILE *f, char out[SECRET_SHA256_HEX]);
/* 1 when equal, in time independent of the content; lengths must match. */
int secret_equal(const char *a, const char *b);
void secret_wipe(void *p, size_t n);

#endif
