/* Small whole-file and one-line reads for indicator files, packs and keys. */
#include "sweep/sweep_cli.h"

#include "sweep/hugebuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define IOC_FILE_MAX (1024ull << 20)

int sweep_slurp(const char *path, char **out, size_t *len, struct wr_err *e)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return wr_err_set(e, WR_EIO, NULL, "%s", strerror(errno));
	size_t cap = 1 << 16, n = 0;
	struct stat st;
	if (f != stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size < IOC_FILE_MAX)
		cap = (size_t)st.st_size + 1; /* the whole file at once, no regrowing */
	char *b = malloc(cap + 1);
	if (b)
		hugebuf_advise(b, cap + 1); /* a large indicator file: fewer page faults */
	int rc = 0;
	while (b) {
		if (n == cap) {
			if (cap >= IOC_FILE_MAX) {
				rc = wr_err_set(e, WR_ETOOBIG, NULL, "larger than %llu MiB",
						IOC_FILE_MAX >> 20);
				break;
			}
			char *nb = realloc(b, cap * 2 + 1);
			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f))
				rc = wr_err_set(e, WR_EIO, NULL, "%s", strerror(errno));
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (!b)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	if (rc) {
		free(b);
		return rc;
	}
	b[n] = '\0';
	*out = b;
	*len = n;
	return 0;
}

int sweep_read_line(const char *path, char out[PACK_LINE_MAX])
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int ok = fgets(out, PACK_LINE_MAX, f) != NULL;
	fclose(f);
	if (!ok)
		errno = EINVAL; /* empty: strerror says "Invalid argument" */
	return ok ? 0 : -1;
}
