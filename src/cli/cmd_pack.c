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
#include "sweep/sweep_cli.h"

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

/* A pack file's bytes and the name of its signature file. */
struct pack_file {
	char sig_path[PATH_MAX];
	char *data; /* caller frees */
	size_t len;
};

/* 0, or the exit status after a message. */
static int load(const char *file, struct pack_file *p)
{
	struct wr_err e = {0};
	if (snprintf(p->sig_path, sizeof p->sig_path, "%s.sig", file) >= (int)sizeof p->sig_path)
		return fail("%s: name too long", file);
	if (sweep_slurp(file, &p->data, &p->len, &e))
		return fail("cannot read %s: %s", file, e.message);
	return 0;
}

static int sign(const char *key_path, const char *file)
{
	char sec[PACK_LINE_MAX], sig[PACK_LINE_MAX];
	struct wr_err e = {0};
	struct pack_file p = {0};
	int rc = load(file, &p);
	if (rc)
		return rc;
	if (!pack_is_pack(p.data, p.len)) {
		rc = fail("%s is not a warroom pack (JSON with \"format\": \"warroom-pack\")",
			  file);
	} else if (sweep_read_line(key_path, sec)) {
		rc = fail("cannot read the secret key %s: %s", key_path, strerror(errno));
	} else if (pack_sign(p.data, p.len, sec, sig, &e)) {
		rc = fail("%s: %s", key_path, e.message);
	} else {
		/* A fresh signature replaces the old one. */
		unlink(p.sig_path);
		if (write_new(p.sig_path, sig, 0644))
			rc = fail("cannot write %s: %s", p.sig_path, strerror(errno));
		else
			printf("%s\n", p.sig_path);
	}
	sodium_memzero(sec, sizeof sec);
	free(p.data);
	return rc;
}

static int verify(const char *pub_path, const char *file)
{
	char pub[PACK_LINE_MAX], sig[PACK_LINE_MAX];
	struct wr_err e = {0};
	struct pack_file p = {0};
	int rc = load(file, &p);
	if (rc)
		return rc;
	if (sweep_read_line(pub_path, pub))
		rc = fail("cannot read the public key %s: %s", pub_path, strerror(errno));
	else if (sweep_read_line(p.sig_path, sig))
		rc = fail("cannot read the signature %s: %s", p.sig_path, strerror(errno));
	else
		rc = pack_verify(p.data, p.len, sig, pub, &e); /* 0 or a negative WR_E* */
	free(p.data);
	if (rc > 0)
		return rc;
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
