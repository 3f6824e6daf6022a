/* Reading log bytes, plain or decompressed (see source.h). */
#include "sweep/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define IN_SIZE (256 * 1024)

struct source {
	int fd, own;
	int kind, stream;
	uint64_t pos;
	unsigned char *in;
	size_t in_len, in_pos;
	int in_eof;
	z_stream z;
	int z_ready, z_end; /* inflate initialised; a member ended */
	ZSTD_DStream *zs;
	size_t zret; /* 0 when a zstd frame is complete */
	int done;
};

struct source *source_open(const struct sweep_file *f, uint64_t start, char *err, size_t errsz)
{
	struct source *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->kind = f->kind;
	s->stream = f->stream;
	s->pos = start;
	if (!strcmp(f->path, "-") && f->stream) {
		s->fd = 0;
	} else {
		s->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (s->fd < 0) {
			snprintf(err, errsz, "%s", strerror(errno));
			free(s);
			return NULL;
		}
		s->own = 1;
	}
	if (s->stream && s->kind == SWEEP_RAW) {
		/* Compression of a pipe is decided on its first bytes below. */
		s->kind = -1;
	}
	if (s->kind != SWEEP_RAW) {
		s->in = malloc(IN_SIZE);
		if (!s->in) {
			snprintf(err, errsz, "out of memory");
			source_close(s);
			return NULL;
		}
	}
	return s;
}

void source_close(struct source *s)
{
	if (!s)
		return;
	if (s->own)
		close(s->fd);
	if (s->z_ready)
		inflateEnd(&s->z);
	ZSTD_freeDStream(s->zs);
	free(s->in);
	free(s);
}

static ssize_t raw_read(struct source *s, unsigned char *buf, size_t cap, char *err, size_t errsz)
{
	for (;;) {
		ssize_t n = s->stream ? read(s->fd, buf, cap) : pread(s->fd, buf, cap, (off_t)s->pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errsz, "%s", strerror(errno));
			return -1;
		}
		s->pos += (uint64_t)n;
		return n;
	}
}

/* Refills the compressed input; 0, or -1 with err filled. */
static int fill_in(struct source *s, char *err, size_t errsz)
{
	if (s->in_pos < s->in_len || s->in_eof)
		return 0;
	ssize_t n = raw_read(s, s->in, IN_SIZE, err, errsz);
	if (n < 0)
		return -1;
	s->in_len = (size_t)n, s->in_pos = 0;
	if (n == 0)
		s->in_eof = 1;
	return 0;
}

static ssize_t gz_read(struct source *s, unsigned char *buf, size_t cap, char *err, size_t errsz)
{
	if (!s->z_ready) {
		memset(&s->z, 0, sizeof s->z);
		if (inflateInit2(&s->z, 15 + 32) != Z_OK) {
			snprintf(err, errsz, "cannot start zlib");
			return -1;
		}
		s->z_ready = 1;
	}
	size_t got = 0;
	while (got < cap) {
		if (fill_in(s, err, errsz))
			return -1;
		if (s->in_pos == s->in_len) {
			if (!s->z_end && (got == 0)) {
				snprintf(err, errsz, "truncated gzip data (the file ends inside a member)");
				return -1;
			}
			break;
		}
		if (s->z_end) {
			/* Another member follows (concatenated gzip files). */
			inflateReset(&s->z);
			s->z_end = 0;
		}
		s->z.next_in = s->in + s->in_pos;
		s->z.avail_in = (uInt)(s->in_len - s->in_pos);
		size_t room = cap - got > (1u << 30) ? (1u << 30) : cap - got;
		s->z.next_out = buf + got;
		s->z.avail_out = (uInt)room;
		int rc = inflate(&s->z, Z_NO_FLUSH);
		s->in_pos = s->in_len - s->z.avail_in;
		got += room - s->z.avail_out;
		if (rc == Z_STREAM_END) {
			s->z_end = 1;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(err, errsz, "corrupt gzip data (%s)", s->z.msg ? s->z.msg : "zlib error");
			return -1;
		}
		if (rc == Z_BUF_ERROR && s->z.avail_in > 0 && s->z.avail_out > 0) {
			snprintf(err, errsz, "corrupt gzip data");
			return -1;
		}
	}
	return (ssize_t)got;
}

static ssize_t zst_read(struct source *s, unsigned char *buf, size_t cap, char *err, size_t errsz)
{
	if (!s->zs) {
		s->zs = ZSTD_createDStream();
		if (!s->zs || ZSTD_isError(ZSTD_initDStream(s->zs))) {
			snprintf(err, errsz, "cannot start zstd");
			return -1;
		}
	}
	ZSTD_outBuffer out = {buf, cap, 0};
	while (out.pos < out.size) {
		if (fill_in(s, err, errsz))
			return -1;
		if (s->in_pos == s->in_len) {
			if (s->zret != 0 && out.pos == 0) {
				snprintf(err, errsz, "truncated zstd data (the file ends inside a frame)");
				return -1;
			}
			break;
		}
		ZSTD_inBuffer in = {s->in, s->in_len, s->in_pos};
		size_t r = ZSTD_decompressStream(s->zs, &out, &in);
		s->in_pos = in.pos;
		if (ZSTD_isError(r)) {
			snprintf(err, errsz, "corrupt zstd data (%s)", ZSTD_getErrorName(r));
			return -1;
		}
		s->zret = r;
	}
	return (ssize_t)out.pos;
}

ssize_t source_read(struct source *s, unsigned char *buf, size_t cap, char *err, size_t errsz)
{
	if (s->done)
		return 0;
	if (s->kind < 0) {
		/* A pipe: its first bytes decide. */
		if (fill_in(s, err, errsz))
			return -1;
		const unsigned char *m = s->in;
		if (s->in_len >= 2 && m[0] == 0x1f && m[1] == 0x8b)
			s->kind = SWEEP_GZIP;
		else if (s->in_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
			s->kind = SWEEP_ZSTD;
		else
			s->kind = SWEEP_RAW + 100; /* plain, but the first bytes sit in s->in */
	}
	ssize_t n;
	switch (s->kind) {
	case SWEEP_GZIP:
		n = gz_read(s, buf, cap, err, errsz);
		break;
	case SWEEP_ZSTD:
		n = zst_read(s, buf, cap, err, errsz);
		break;
	case SWEEP_RAW + 100:
		if (s->in_pos < s->in_len) {
			size_t k = s->in_len - s->in_pos < cap ? s->in_len - s->in_pos : cap;
			memcpy(buf, s->in + s->in_pos, k);
			s->in_pos += k;
			n = (ssize_t)k;
		} else {
			n = s->in_eof ? 0 : raw_read(s, buf, cap, err, errsz);
		}
		break;
	default:
		n = raw_read(s, buf, cap, err, errsz);
	}
	if (n <= 0)
		s->done = 1;
	return n;
}
