/* The signed warroom pack (docs/packs.md): a JSON document
 * {"format": "warroom-pack", "version": 1, ...} and, beside it in
 * FILE.sig, a detached Ed25519 signature (libsodium) over the exact bytes
 * of FILE. Keys and signatures are one-line texts:
 *   warroom-pack-key 1 KEYID BASE64(public key, 32 bytes)
 *   warroom-pack-secret-key 1 KEYID BASE64(secret key, 64 bytes)
 *   warroom-pack-signature 1 KEYID BASE64(signature, 64 bytes)
 * KEYID is the first 8 bytes of SHA-256(public key) in hex. */
#ifndef WR_IOC_PACK_H
#define WR_IOC_PACK_H

#include <stddef.h>

#include "base/err.h"

#define PACK_FORMAT "warroom-pack"
#define PACK_LINE_MAX 256

/* A new key pair as the two texts above (each NUL-terminated, with "\n").
 * 0 or WR_EINTERNAL. The secret text is the caller's to wipe. */
int pack_keygen(char pub[PACK_LINE_MAX], char sec[PACK_LINE_MAX], struct wr_err *e);

/* The signature text of data[0..len) with the secret key text sec.
 * 0, or WR_EINVAL for a malformed key. */
int pack_sign(const char *data, size_t len, const char *sec, char sig[PACK_LINE_MAX],
	      struct wr_err *e);

/* 0 when sig is a good signature of data by the key pub; WR_EAUTH when it is
 * not (or made with another key); WR_EINVAL for malformed texts. */
int pack_verify(const char *data, size_t len, const char *sig, const char *pub,
		struct wr_err *e);

/* 1 when data is a JSON document whose "format" is "warroom-pack". */
int pack_is_pack(const char *data, size_t len);

#endif
