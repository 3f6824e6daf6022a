/* The walk of the sweep's paths (see sweep.h). */
#include "sweep/sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct seen {
	struct {
		dev_t dev;
		ino_t ino;
	} *v;
	size_t n, cap; /* open addressing, cap a power of two */
};

/* 1 when (dev, ino) was already visited, else records it and returns 0;
 * -1 when memory runs out. */
static int seen_add(struct seen *s, dev_t dev, ino_t ino)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		void *v = calloc(cap, sizeof *s->v);
		if (!v)
			return -1;
		struct seen t = {v, 0, cap};
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i].dev || s->v[i].ino)
				seen_add(&t, s->v[i].dev, s->v[i].ino);
		free(s->v);
		*s = t;
	}
	size_t k = ((size_t)ino * 0x9e3779b97f4a7c15ull ^ (size_t)dev) & (s->cap - 1);
	while (s->v[k].dev || s->v[k].ino) {
		if (s->v[k].dev == dev && s->v[k].ino == ino)
			return 1;
		k = (k + 1) & (s->cap - 1);
	}
	s->v[k].dev = dev;
	s->v[k].ino = ino;
	s->n++;
	return 0;
}

static void complain(const char *path, const char *why, uint64_t *errors)
{
	fprintf(stderr, "warroom: sweep: %s: %s\n", path, why);
	if (errors)
		(*errors)++;
}

/* The compression of a file by its first bytes (not its name). */
static int sniff(const char *path, int *kind)
{
	*kind = SWEEP_RAW;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	unsigned char m[4] = {0};
	ssize_t n = pread(fd, m, sizeof m, 0);
	int err = n < 0 ? errno : 0;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		*kind = SWEEP_GZIP;
	else if (n == 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		*kind = SWEEP_ZSTD;
	return 0;
}

static int add_file(struct sweep_files *f, const char *path, uint64_t size, int kind, int stream)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		void *v = realloc(f->v, cap * sizeof *f->v);
		if (!v)
			return WR_ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	char *p = strdup(path);
	if (!p)
		return WR_ENOMEM;
	f->v[f->n++] = (struct sweep_file){.path = p, .size = size, .kind = kind, .stream = stream};
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *path, int top, struct seen *seen, struct sweep_files *out,
		uint64_t *errors);

static int walk_dir(const char *path, struct seen *seen, struct sweep_files *out,
		    uint64_t *errors)
{
	DIR *d = opendir(path);
	if (!d) {
		complain(path, strerror(errno), errors);
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **v = realloc(names, cap * sizeof *names);
			if (!v) {
				rc = WR_ENOMEM;
				break;
			}
			names = v;
		}
		size_t l = strlen(path) + strlen(de->d_name) + 2;
		names[n] = malloc(l);
		if (!names[n]) {
			rc = WR_ENOMEM;
			break;
		}
		snprintf(names[n], l, "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
		n++;
	}
	if (!rc && errno)
		complain(path, strerror(errno), errors);
	closedir(d);
	if (!rc)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			rc = walk(names[i], 0, seen, out, errors);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int walk(const char *path, int top, struct seen *seen, struct sweep_files *out,
		uint64_t *errors)
{
	if (top && !strcmp(path, "-"))
		return add_file(out, "-", 0, SWEEP_RAW, 1);
	struct stat st;
	if (stat(path, &st)) {
		complain(path, strerror(errno), errors);
		return 0;
	}
	int r = seen_add(seen, st.st_dev, st.st_ino);
	if (r < 0)
		return WR_ENOMEM;
	if (r) {
		fprintf(stderr, "warroom: sweep: %s: already swept (a link or a directory loop), "
				"skipped\n", path);
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(path, seen, out, errors);
	if (!S_ISREG(st.st_mode)) {
		/* A pipe given by name (<(zcat ...)) is read; devices, sockets
		 * and pipes met in a directory are not logs. */
		if (top && S_ISFIFO(st.st_mode))
			return add_file(out, path, 0, SWEEP_RAW, 1);
		fprintf(stderr, "warroom: sweep: %s: not a regular file, skipped\n", path);
		return 0;
	}
	int kind;
	if (sniff(path, &kind)) {
		complain(path, strerror(errno), errors);
		return 0;
	}
	return add_file(out, path, (uint64_t)st.st_size, kind, 0);
}

int sweep_walk(char *const *paths, size_t n, struct sweep_files *out, uint64_t *errors)
{
	struct seen seen = {0};
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = walk(paths[i], 1, &seen, out, errors);
	free(seen.v);
	return rc;
}

void sweep_files_release(struct sweep_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].path);
	free(f->v);
	memset(f, 0, sizeof *f);
}
