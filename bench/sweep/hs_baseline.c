/*
 * hs_baseline: the Hyperscan literal baseline of the sweep benchmark
 * (bench/sweep/run.sh). Not part of the warroom build.
 *
 *   hs_baseline [-s] IOCS PATH...
 *
 * Compiles every indicator value of IOCS (one per line, as iocs.txt; or
 * iocs.tsv: value<TAB>type<TAB>source, '#' lines skipped, repeats merged)
 * as a literal with hs_compile_lit_multi, case-insensitive unless -s, then
 * scans every regular file under each PATH (mmap, Hyperscan block mode,
 * whole file at once in chunks cut at line ends) and prints, like
 * `warroom sweep --format tsv`,
 *
 *   path<TAB>line<TAB>indicator<TAB>type<TAB>matched-text
 *
 * once per (file, line, indicator): a substring match of a value counts as a
 * claim of that indicator on that line (so notbad.com claims bad.com). The
 * compile time goes to stderr as "hs: compile N literals S s, database K KiB".
 * Exit status: 0 no match, 1 matches, 2 error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ioc {
	char *value;
	char *type;
	size_t len;
};

static struct ioc *iocs;
static unsigned n_iocs;
static hs_database_t *db;
static hs_scratch_t *scratch;
static int status;	   /* 0 no match, 1 matches, 2 error */
static unsigned long hits; /* rows printed */

/* per scan: where the line counter stands, and the ids printed on that line */
struct scan {
	const char *path;
	const unsigned char *buf; /* the whole file */
	size_t base;		  /* offset of the current chunk in buf */
	size_t cur;		  /* offset whose line number is `line` */
	unsigned long line;	  /* 1-based line of offset cur */
	unsigned long last_line;
	unsigned *ids;
	size_t n_ids, cap_ids;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t count_nl(const unsigned char *p, size_t n)
{
	size_t c = 0;
	const unsigned char *end = p + n;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx)
{
	(void)from;
	(void)flags;
	struct scan *s = ctx;
	size_t len = iocs[id].len;
	size_t start = s->base + (size_t)to - len;
	/* matches come in order of end offset; cope with the other order too */
	if (start >= s->cur)
		s->line += count_nl(s->buf + s->cur, start - s->cur);
	else
		s->line -= count_nl(s->buf + start, s->cur - start);
	s->cur = start;
	if (s->line != s->last_line) {
		s->last_line = s->line;
		s->n_ids = 0;
	}
	for (size_t i = 0; i < s->n_ids; i++)
		if (s->ids[i] == id)
			return 0;
	if (s->n_ids == s->cap_ids) {
		s->cap_ids = s->cap_ids ? 2 * s->cap_ids : 16;
		s->ids = realloc(s->ids, s->cap_ids * sizeof *s->ids);
		if (!s->ids) {
			perror("hs_baseline");
			exit(2);
		}
	}
	s->ids[s->n_ids++] = id;
	printf("%s\t%lu\t%s\t%s\t%.*s\n", s->path, s->line, iocs[id].value, iocs[id].type,
	       (int)len, (const char *)s->buf + start);
	hits++;
	return 0;
}

static void scan_file(const char *path, size_t size)
{
	static struct scan s; /* keeps its ids buffer between files */
	if (size == 0)
		return;
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "hs_baseline: %s: %s\n", path, strerror(errno));
		status = 2;
		return;
	}
	void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		fprintf(stderr, "hs_baseline: %s: mmap: %s\n", path, strerror(errno));
		status = 2;
		return;
	}
	madvise(map, size, MADV_SEQUENTIAL);
	s.path = path;
	s.buf = map;
	s.cur = 0;
	s.line = 1;
	s.last_line = 0;
	s.n_ids = 0;
	/* hs_scan takes an unsigned length: chunks of at most 1 GiB, cut after a '\n' */
	const size_t max = (size_t)1 << 30;
	size_t off = 0;
	while (off < size) {
		size_t n = size - off;
		if (n > max) {
			const unsigned char *nl = memrchr(s.buf + off, '\n', max);
			n = nl ? (size_t)(nl - (s.buf + off)) + 1 : max;
		}
		s.base = off;
		hs_error_t e = hs_scan(db, (const char *)s.buf + off, (unsigned)n, 0, scratch, on_match, &s);
		if (e != HS_SUCCESS) {
			fprintf(stderr, "hs_baseline: %s: hs_scan error %d\n", path, e);
			status = 2;
			break;
		}
		off += n;
	}
	munmap(map, size);
}

static int walk(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode))
		scan_file(path, (size_t)st->st_size);
	else if (type == FTW_DNR || type == FTW_NS) {
		fprintf(stderr, "hs_baseline: %s: cannot read\n", path);
		status = 2;
	}
	return 0;
}

static int cmp_value(const void *a, const void *b)
{
	return strcmp(((const struct ioc *)a)->value, ((const struct ioc *)b)->value);
}

static void load_iocs(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		fprintf(stderr, "hs_baseline: %s: %s\n", file, strerror(errno));
		exit(2);
	}
	size_t cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	while ((n = getline(&line, &lcap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		char *type = "-";
		char *tab = strchr(line, '\t');
		if (tab) {
			*tab = '\0';
			type = tab + 1;
			char *t2 = strchr(type, '\t');
			if (t2)
				*t2 = '\0';
		}
		if (n_iocs == cap) {
			cap = cap ? 2 * cap : 1024;
			iocs = realloc(iocs, cap * sizeof *iocs);
			if (!iocs) {
				perror("hs_baseline");
				exit(2);
			}
		}
		iocs[n_iocs].value = strdup(line);
		iocs[n_iocs].type = strdup(type);
		iocs[n_iocs].len = strlen(line);
		n_iocs++;
	}
	free(line);
	fclose(f);
	/* merge repeated values (iocs.tsv lists some twice, with two sources) */
	qsort(iocs, n_iocs, sizeof *iocs, cmp_value);
	unsigned k = 0;
	for (unsigned i = 0; i < n_iocs; i++)
		if (k == 0 || strcmp(iocs[k - 1].value, iocs[i].value) != 0)
			iocs[k++] = iocs[i];
	n_iocs = k;
}

int main(int argc, char **argv)
{
	unsigned flag = HS_FLAG_CASELESS;
	int a = 1;
	if (a < argc && strcmp(argv[a], "-s") == 0) {
		flag = 0;
		a++;
	}
	if (argc - a < 2) {
		fprintf(stderr, "usage: hs_baseline [-s] IOCS PATH...\n");
		return 2;
	}
	if (hs_valid_platform() != HS_SUCCESS) {
		fprintf(stderr, "hs_baseline: this CPU lacks SSSE3; Hyperscan cannot run\n");
		return 2;
	}
	static char obuf[1 << 20];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);

	double t0 = now();
	load_iocs(argv[a++]);
	if (n_iocs == 0) {
		fprintf(stderr, "hs_baseline: no indicators\n");
		return 2;
	}
	const char **exprs = malloc(n_iocs * sizeof *exprs);
	unsigned *flags = malloc(n_iocs * sizeof *flags);
	unsigned *ids = malloc(n_iocs * sizeof *ids);
	size_t *lens = malloc(n_iocs * sizeof *lens);
	if (!exprs || !flags || !ids || !lens) {
		perror("hs_baseline");
		return 2;
	}
	for (unsigned i = 0; i < n_iocs; i++) {
		exprs[i] = iocs[i].value;
		flags[i] = flag;
		ids[i] = i;
		lens[i] = iocs[i].len;
	}
	double t1 = now();
	hs_compile_error_t *err = NULL;
	if (hs_compile_lit_multi(exprs, flags, ids, lens, n_iocs, HS_MODE_BLOCK, NULL, &db, &err) !=
	    HS_SUCCESS) {
		fprintf(stderr, "hs_baseline: compile: %s (expression %d)\n", err->message, err->expression);
		hs_free_compile_error(err);
		return 2;
	}
	if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
		fprintf(stderr, "hs_baseline: hs_alloc_scratch failed\n");
		return 2;
	}
	double t2 = now();
	size_t dbsize = 0;
	hs_database_size(db, &dbsize);

	for (; a < argc; a++) {
		struct stat st;
		if (stat(argv[a], &st) != 0) {
			fprintf(stderr, "hs_baseline: %s: %s\n", argv[a], strerror(errno));
			status = 2;
		} else if (S_ISDIR(st.st_mode)) {
			nftw(argv[a], walk, 64, FTW_PHYS);
		} else {
			scan_file(argv[a], (size_t)st.st_size);
		}
	}
	if (fflush(stdout) != 0) {
		perror("hs_baseline: stdout");
		status = 2;
	}
	double t3 = now();
	fprintf(stderr, "hs: load %.2f s, compile %u literals %.2f s, database %zu KiB, scan %.2f s, %lu rows\n",
		t1 - t0, n_iocs, t2 - t1, dbsize / 1024, t3 - t2, hits);
	hs_free_scratch(scratch);
	hs_free_database(db);
	if (status == 2)
		return 2;
	return hits ? 1 : 0;
}
