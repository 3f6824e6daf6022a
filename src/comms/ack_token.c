/* Acknowledgement links (comms/comms.h): base64url of the delivery id and
 * expiry (8 bytes each, big-endian) and the first 16 bytes of their
 * HMAC-SHA256 under the server's key. A mail gateway that opens every link
 * only sees a page: acknowledging is a POST (docs/comms.md). */
#include "comms/comms.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void put64(unsigned char *p, int64_t v)
{
	for (int i = 7; i >= 0; i--, v = (int64_t)((uint64_t)v >> 8))
		p[i] = (unsigned char)(v & 0xff);
}

static int64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

void ack_token_make(const unsigned char key[32], int64_t delivery_id, int64_t expires,
		    char out[64])
{
	unsigned char raw[32], mac[crypto_auth_hmacsha256_BYTES];
	put64(raw, delivery_id);
	put64(raw + 8, expires);
	crypto_auth_hmacsha256(mac, raw, 16, key);
	memcpy(raw + 16, mac, 16);
	sodium_bin2base64(out, 64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int ack_token_check(const unsigned char key[32], const char *token, int64_t now,
		    int64_t *delivery_id, struct wr_err *e)
{
	unsigned char raw[32], mac[crypto_auth_hmacsha256_BYTES];
	size_t n = 0;
	if (!token || strlen(token) > 60 ||
	    sodium_base642bin(raw, sizeof raw, token, strlen(token), NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    n != sizeof raw)
		return wr_err_set(e, WR_EAUTH, NULL, "this acknowledgement link is not valid");
	crypto_auth_hmacsha256(mac, raw, 16, key);
	if (sodium_memcmp(mac, raw + 16, 16))
		return wr_err_set(e, WR_EAUTH, NULL, "this acknowledgement link is not valid");
	if (get64(raw + 8) < now)
		return wr_err_set(e, WR_EAUTH, NULL,
				  "this acknowledgement link has expired: acknowledge in the portal "
				  "or call the war room");
	*delivery_id = get64(raw);
	return 0;
}

int comms_key_load(const char *db_path, unsigned char key[32], struct wr_err *e)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s.comms.key", db_path) >= (int)sizeof path)
		return wr_err_set(e, WR_EINVAL, NULL, "the database path is too long");
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t r = read(fd, key, 32);
			close(fd);
			if (r == 32)
				return 0;
			return wr_err_set(e, WR_EIO, NULL, "%s: not a key (32 bytes)", path);
		}
		if (errno != ENOENT)
			break;
		/* First use: a new key; another thread may win the race. */
		unsigned char k[32];
		randombytes_buf(k, sizeof k);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			ssize_t w = write(fd, k, sizeof k);
			int ok = w == (ssize_t)sizeof k && fsync(fd) == 0;
			close(fd);
			sodium_memzero(k, sizeof k);
			if (!ok) {
				unlink(path);
				return wr_err_set(e, WR_EIO, NULL, "cannot write %s", path);
			}
		} else if (errno != EEXIST) {
			break;
		}
	}
	return wr_err_set(e, WR_EIO, NULL, "cannot read or create %s: %s", path, strerror(errno));
}
