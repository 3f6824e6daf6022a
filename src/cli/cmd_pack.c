/* `warroom pack keygen|sign|verify`: the publisher's side of signed
 * indicator packs (docs/packs.md). The crypto is ioc/pack.h (libsodium). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ioc/pack.h"

#define PACK_FILE_MAX (256L * 1024 * 1024)

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("warroom: pack: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* Writes text to a new file (never over an existing one) with mode. */
static int write_new(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = errno;
			close(fd);
			unlink(path);
			errno = saved;
			return -1;
		}
		off += (size_t)n;
	}
	if (fsync(fd) || close(fd)) {
		unlink(path);
		return -1;
	}
	return 0;
}

/* The whole file into a malloc'd buffer (*len bytes, NUL-terminated). */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
		if (n == cap) {
			if (cap >= (size_t)PACK_FILE_MAX) {
				free(buf);
				buf = NULL;
				errno = EFBIG;
				break;
			}
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int bad = buf && ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	if (buf) {
		buf[n] = 0;
		*len = n;
	}
	return buf;
}

static int read_line(const char *path, char out[PACK_LINE_MAX])
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int ok = fgets(out, PACK_LINE_MAX, f) != NULL;
	fclose(f);
	if (!ok)
		errno = EINVAL;
	return ok ? 0 : -1;
}

static int keygen(const char *prefix)
{
	char pub[PACK_LINE_MAX], sec[PACK_LINE_MAX], pub_path[PATH_MAX], sec_path[PATH_MAX];
	struct wr_err e = {0};
	if (snprintf(pub_path, sizeof pub_path, "%s.pub", prefix) >= (int)sizeof pub_path ||
	    snprintf(sec_path, sizeof sec_path, "%s.key", prefix) >= (int)sizeof sec_path)
		return fail("%s: name too long", prefix);
	if (pack_keygen(pub, sec, &e))
		return fail("%s", e.message);
	int rc = 0;
	if (write_new(sec_path, sec, 0600)) {
		rc = fail("cannot create %s: %s", sec_path, strerror(errno));
	} else if (write_new(pub_path, pub, 0644)) {
		rc = fail("cannot create %s: %s", pub_path, strerror(errno));
		unlink(sec_path);
	} else {
		printf("%s (secret: stays on the war room's server, never shared)\n%s (public: give it to the towns)\n",
		       sec_path, pub_path);
	}
	sodium_memzero(sec, sizeof sec);
	return rc;
}

static int sign(const char *key_path, const char *file)
{
	char sec[PACK_LINE_MAX], sig[PACK_LINE_MAX], sig_path[PATH_MAX];
	struct wr_err e = {0};
	if (snprintf(sig_path, sizeof sig_path, "%s.sig", file) >= (int)sizeof sig_path)
		return fail("%s: name too long", file);
	size_t len = 0;
	char *data = read_all(file, &len);
	if (!data)
		return fail("cannot read %s: %s", file, strerror(errno));
	int rc = 0;
	if (!pack_is_pack(data, len)) {
		rc = fail("%s is not a warroom pack (JSON with \"format\": \"warroom-pack\")",
			  file);
	} else if (read_line(key_path, sec)) {
		rc = fail("cannot read the secret key %s: %s", key_path, strerror(errno));
	} else if (pack_sign(data, len, sec, sig, &e)) {
		rc = fail("%s: %s", key_path, e.message);
	} else {
		/* A fresh signature replaces the old one. */
		unlink(sig_path);
		if (write_new(sig_path, sig, 0644))
			rc = fail("cannot write %s: %s", sig_path, strerror(errno));
		else
			printf("%s\n", sig_path);
	}
	sodium_memzero(sec, sizeof sec);
	free(data);
	return rc;
}

static int verify(const char *pub_path, const char *file)
{
	char pub[PACK_LINE_MAX], sig[PACK_LINE_MAX], sig_path[PATH_MAX];
	struct wr_err e = {0};
	if (snprintf(sig_path, sizeof sig_path, "%s.sig", file) >= (int)sizeof sig_path)
		return fail("%s: name too long", file);
	if (read_line(pub_path, pub))
		return fail("cannot read the public key %s: %s", pub_path, strerror(errno));
	if (read_line(sig_path, sig))
		return fail("cannot read the signature %s: %s", sig_path, strerror(errno));
	size_t len = 0;
	char *data = read_all(file, &len);
	if (!data)
		return fail("cannot read %s: %s", file, strerror(errno));
	int rc = pack_verify(data, len, sig, pub, &e);
	free(data);
	if (rc == WR_EAUTH)
		return fail("%s: BAD signature (changed after signing, or another key): %s", file,
			    e.message);
	if (rc)
		return fail("%s: %s", file, e.message);
	printf("%s: good signature\n", file);
	return 0;
}

int cmd_pack(struct cli *c, int argc, char **argv)
{
	(void)c;
	if (sodium_init() < 0)
		return fail("cannot initialise libsodium");
	const char *usage = "usage: warroom pack keygen --out PREFIX\n"
			    "       warroom pack sign --key PREFIX.key FILE\n"
			    "       warroom pack verify --pub PREFIX.pub FILE\n";
	if (argc == 4 && !strcmp(argv[1], "keygen") && !strcmp(argv[2], "--out"))
		return keygen(argv[3]);
	if (argc == 5 && !strcmp(argv[1], "sign") && !strcmp(argv[2], "--key"))
		return sign(argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "verify") && !strcmp(argv[2], "--pub"))
		return verify(argv[3], argv[4]);
	fputs(usage, stderr);
	return 2;
}
