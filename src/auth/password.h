/* Password hashing with argon2id (libsodium, 64 MiB, 2 passes). At most
 * PASSWORD_MAX_PARALLEL hashes run at once: each takes ~0.2 s and 64 MiB,
 * so a login flood must queue instead of exhausting memory. */
#ifndef WR_AUTH_PASSWORD_H
#define WR_AUTH_PASSWORD_H

#include <stddef.h>

#include "base/err.h"

#define PASSWORD_MAX_PARALLEL 2
#define PASSWORD_MIN_LEN 12
#define PASSWORD_MAX_LEN 1024

/* 0, or WR_EINVAL with the reason (too short, too long). */
int password_check_policy(const char *pw, struct wr_err *e);
/* out gets the encoded argon2id string (at most 128 bytes). */
int password_hash(const char *pw, char *out, size_t n, struct wr_err *e);
/* 1 when pw matches the stored hash, 0 otherwise. */
int password_verify(const char *stored, const char *pw);
/* A hash of a random password, verified against when the user does not
 * exist, so that timing does not reveal which names exist. */
const char *password_dummy_hash(void);
/* A new random password for people: 20 characters from an unambiguous set. */
void password_generate(char out[21]);

#endif
