#include "base/secret.h"
#include "base/err.h"

#include <sodium.h>
#include <string.h>

int secret_init(void)
{
	return sodium_init() < 0 ? WR_EINTERNAL : 0;
}

void secret_token(char out[SECRET_TOKEN_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, SECRET_TOKEN_LEN, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void secret_sha256_hex(const void *data, size_t n, char out[SECRET_SHA256_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, n);
	sodium_bin2hex(out, SECRET_SHA256_HEX, h, sizeof h);
}

int secret_sha256_stream(FILE *f, char out[SECRET_SHA256_HEX])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES], buf[1 << 16];
	size_t n;
	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		crypto_hash_sha256_update(&st, buf, n);
	if (ferror(f))
		return -1;
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, SECRET_SHA256_HEX, h, sizeof h);
	return 0;
}

int secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

void secret_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}
