/* The files themselves, beside their lines: their names against the
 * filename indicators, and with --hash-files their MD5, SHA-1 and SHA-256
 * (OpenSSL's libcrypto; libsodium has no MD5 or SHA-1) against the hash
 * indicators. Files over the size limit, streams (standard input, pipes)
 * and files whose real path leaves the trees given are not hashed. */
#include "sweep/sweep_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep/output.h"

/* 1 when the real path of path is inside one of the roots. */
static int inside(const char *path, char *const *roots, size_t nroots)
{
	char real[PATH_MAX], root[PATH_MAX];
	if (!realpath(path, real))
		return 0;
	for (size_t i = 0; i < nroots; i++) {
		if (!realpath(roots[i], root))
			continue;
		size_t n = strlen(root);
		if (!strcmp(real, root) ||
		    (!strncmp(real, root, n) && (real[n] == '/' || (n == 1 && root[0] == '/'))))
			return 1;
	}
	return 0;
}

/* The three digests of the file at path, as lower-case hex. 0 or -1. */
static int digest_file(const char *path, char md5[33], char sha1[41], char sha256[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	EVP_MD_CTX *c[3] = {EVP_MD_CTX_new(), EVP_MD_CTX_new(), EVP_MD_CTX_new()};
	const EVP_MD *md[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
	char *out[3] = {md5, sha1, sha256};
	int rc = 0;
	for (int k = 0; k < 3; k++)
		if (!c[k] || !EVP_DigestInit_ex(c[k], md[k], NULL))
			rc = -1;
	static __thread unsigned char buf[1 << 16];
	while (!rc) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = -1;
		if (n <= 0)
			break;
		for (int k = 0; k < 3; k++)
			if (!EVP_DigestUpdate(c[k], buf, (size_t)n))
				rc = -1;
	}
	for (int k = 0; k < 3 && !rc; k++) {
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned int dl;
		if (!EVP_DigestFinal_ex(c[k], d, &dl)) {
			rc = -1;
			break;
		}
		for (unsigned i = 0; i < dl; i++)
			snprintf(out[k] + 2 * i, 3, "%02x", d[i]);
	}
	for (int k = 0; k < 3; k++)
		EVP_MD_CTX_free(c[k]);
	close(fd);
	return rc;
}

int sweep_cli_hash_files(const struct matcher *m, const struct sweep_files *files,
			 const struct sweep_cli_extra *x, const struct sweep_opts *o,
			 struct sweep_stats *st)
{
	if (!m->has_hex)
		return 0;
	struct output out;
	output_init(&out, m->set, o->format, stdout);
	int status = 0;
	for (size_t i = 0; i < files->n; i++) {
		const struct sweep_file *f = &files->v[i];
		if (f->stream)
			continue;
		if (f->size > x->max_file_size) {
			fprintf(stderr, "warroom: sweep: %s: larger than --max-file-size, not hashed\n",
				f->path);
			continue;
		}
		if (!inside(f->path, x->roots, x->nroots)) {
			fprintf(stderr, "warroom: sweep: %s: a link out of the tree, not hashed\n",
				f->path);
			continue;
		}
		char h[3][65];
		if (digest_file(f->path, h[0], h[1], h[2])) {
			fprintf(stderr, "warroom: sweep: %s: cannot hash: %s\n", f->path,
				strerror(errno));
			status = 2;
			continue;
		}
		static const enum ioc_type types[3] = {IOC_MD5, IOC_SHA1, IOC_SHA256};
		for (int k = 0; k < 3; k++) {
			uint32_t id = matcher_find(m, types[k], h[k], strlen(h[k]));
			if (!id)
				continue;
			st->hits++;
			if (st->per_ioc && !st->per_ioc[id - 1]++)
				st->first_file[id - 1] = (size_t)(f - files->v) + 1;
			if (output_hit(&out, f->path, 0, 0, 0, id - 1, h[k], strlen(h[k])))
				status = 2;
		}
	}
	if (output_flush(&out))
		status = 2;
	buf_release(&out.b);
	return status;
}

int sweep_cli_file_names(const struct matcher *m, const struct sweep_files *files,
			 const struct sweep_opts *o, struct sweep_stats *st)
{
	if (!m->counts[IOC_FILENAME])
		return 0;
	struct output out;
	output_init(&out, m->set, o->format, stdout);
	int status = 0;
	for (size_t i = 0; i < files->n; i++) {
		const struct sweep_file *f = &files->v[i];
		if (f->stream)
			continue;
		const char *slash = strrchr(f->path, '/');
		const char *name = slash ? slash + 1 : f->path;
		uint32_t id = matcher_find_name(m, name, strlen(name));
		if (!id)
			continue;
		st->hits++;
		if (st->per_ioc && !st->per_ioc[id - 1]++)
			st->first_file[id - 1] = i + 1;
		if (output_hit(&out, f->path, 0, 0, 0, id - 1, name, strlen(name)))
			status = 2;
	}
	if (output_flush(&out))
		status = 2;
	buf_release(&out.b);
	return status;
}
