/* Signing and verifying warroom packs (see pack.h). */
#include "ioc/pack.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void key_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char id[17])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, pk, crypto_sign_PUBLICKEYBYTES);
	sodium_bin2hex(id, 17, h, 8);
}

/* Parses "KIND 1 KEYID BASE64" into its key id and n bytes; 0 or -1. */
static int parse_line(const char *text, const char *kind, char id[17], unsigned char *bin,
		      size_t n)
{
	char k[40], ver[8], kid[40], b64[200];
	if (!text || sscanf(text, "%39s %7s %39s %199s", k, ver, kid, b64) != 4 ||
	    strcmp(k, kind) || strcmp(ver, "1") || strlen(kid) != 16)
		return -1;
	size_t got;
	if (sodium_base642bin(bin, n, b64, strlen(b64), NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    got != n)
		return -1;
	memcpy(id, kid, 17);
	return 0;
}

static void format_line(char out[PACK_LINE_MAX], const char *kind, const char *id,
			const unsigned char *bin, size_t n)
{
	char b64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, bin, n, sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, PACK_LINE_MAX, "%s 1 %s %s\n", kind, id, b64);
}

int pack_keygen(char pub[PACK_LINE_MAX], char sec[PACK_LINE_MAX], struct wr_err *e)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	if (sodium_init() < 0 || crypto_sign_keypair(pk, sk))
		return wr_err_set(e, WR_EINTERNAL, NULL, "libsodium cannot make a key");
	char id[17];
	key_id(pk, id);
	format_line(pub, "warroom-pack-key", id, pk, sizeof pk);
	format_line(sec, "warroom-pack-secret-key", id, sk, sizeof sk);
	sodium_memzero(sk, sizeof sk);
	return 0;
}

int pack_sign(const char *data, size_t len, const char *sec, char sig[PACK_LINE_MAX],
	      struct wr_err *e)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES], s[crypto_sign_BYTES];
	char id[17];
	if (parse_line(sec, "warroom-pack-secret-key", id, sk, sizeof sk))
		return wr_err_set(e, WR_EINVAL, "key", "is not a warroom pack secret key");
	int rc = crypto_sign_detached(s, NULL, (const unsigned char *)data, len, sk);
	sodium_memzero(sk, sizeof sk);
	if (rc)
		return wr_err_set(e, WR_EINTERNAL, NULL, "libsodium cannot sign");
	format_line(sig, "warroom-pack-signature", id, s, sizeof s);
	return 0;
}

int pack_verify(const char *data, size_t len, const char *sig, const char *pub,
		struct wr_err *e)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], s[crypto_sign_BYTES];
	char kid[17], sid[17], want[17];
	if (parse_line(pub, "warroom-pack-key", kid, pk, sizeof pk))
		return wr_err_set(e, WR_EINVAL, "key", "is not a warroom pack public key");
	key_id(pk, want);
	if (strcmp(kid, want))
		return wr_err_set(e, WR_EINVAL, "key", "has a key id that does not match the key");
	if (parse_line(sig, "warroom-pack-signature", sid, s, sizeof s))
		return wr_err_set(e, WR_EINVAL, "signature", "is not a warroom pack signature");
	if (strcmp(sid, kid))
		return wr_err_set(e, WR_EAUTH, "signature",
				  "was made with key %s, not with the given key %s", sid, kid);
	if (crypto_sign_verify_detached(s, (const unsigned char *)data, len, pk))
		return wr_err_set(e, WR_EAUTH, "signature",
				  "does not match the pack: it was changed or damaged");
	return 0;
}

int pack_is_pack(const char *data, size_t len)
{
	size_t i = 0;
	while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
		i++;
	if (i == len || data[i] != '{')
		return 0;
	json_t *doc = json_loadb(data, len, 0, NULL);
	const char *f = json_string_value(json_object_get(doc, "format"));
	int yes = f && !strcmp(f, PACK_FORMAT);
	json_decref(doc);
	return yes;
}
