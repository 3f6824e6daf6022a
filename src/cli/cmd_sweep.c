/* warroom sweep: the edge IOC sweeper (docs/sweep.md). Exit status like
 * grep: 0 nothing found, 1 hits, 2 an error (what could be read is still
 * swept). Needs no database. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ioc/ioc.h"
#include "sweep/match.h"
#include "sweep/scan.h"
#include "sweep/sweep.h"
#include "sweep/sweep_cli.h"

#define MAX_IOC_FILES 64

static void usage(FILE *out)
{
	fprintf(out,
		"usage: warroom sweep --iocs FILE [--iocs FILE ...] [--format text|tsv|json]\n"
		"                     [--threads N] [--hash-files] [--max-file-size MIB]\n"
		"                     [--pack-key FILE] [--report URL --token TOKEN] [--quiet] PATH...\n"
		"PATH: files or directories (recursive); - is standard input; .gz and .zst are\n"
		"read transparently. Exit status: 0 nothing found, 1 hits, 2 an error.\n");
}

struct skips {
	const char *file;
	size_t n;
};

static void on_skip(void *arg, const struct ioc_skip *k)
{
	struct skips *s = arg;
	if (s->n++ < 20) {
		if (k->line)
			fprintf(stderr, "warroom: sweep: %s:%ld: %s%s%s\n", s->file, k->line, k->id,
				*k->id ? ": " : "", k->reason);
		else
			fprintf(stderr, "warroom: sweep: %s: %s%s%s\n", s->file, k->id,
				*k->id ? ": " : "", k->reason);
	}
}

static int load_iocs(struct ioc_set *set, const char *path, const char *pack_key)
{
	char *text = NULL;
	size_t len = 0;
	struct wr_err e = {0};
	int rc = sweep_slurp(path, &text, &len, &e);
	if (!rc)
		rc = sweep_cli_check_pack(path, text, len, pack_key, &e);
	if (rc == 1) {
		rc = 0; /* a verified pack: read below like any JSON document */
	}
	if (!rc) {
		struct skips sk = {path, 0};
		rc = ioc_read_text(set, text, len, path, NULL, on_skip, &sk, &e);
		if (sk.n > 20)
			fprintf(stderr, "warroom: sweep: %s: %zu more records skipped\n", path,
				sk.n - 20);
	}
	free(text);
	if (rc) {
		if (e.line && !strstr(e.message, "line "))
			fprintf(stderr, "warroom: sweep: %s:%d: %s%s%s\n", path, e.line, e.field,
				*e.field ? " " : "", e.message);
		else
			fprintf(stderr, "warroom: sweep: %s: %s%s%s\n", path, e.field,
				*e.field ? " " : "", e.message);
		return -1;
	}
	return 0;
}

static int parse_count(const char *s, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

int cmd_sweep(struct cli *c, int argc, char **argv)
{
	(void)c;
	const char *iocs[MAX_IOC_FILES];
	size_t niocs = 0;
	struct sweep_opts o = {.format = SWEEP_TEXT};
	struct sweep_cli_extra x = {.max_file_size = 256ull << 20};
	long threads = sysconf(_SC_NPROCESSORS_ONLN);
	int quiet = 0;
	const char *pack_key = getenv("WARROOM_PACK_KEY");
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--iocs") && v) {
			if (niocs == MAX_IOC_FILES) {
				fprintf(stderr, "warroom: sweep: at most %d --iocs\n", MAX_IOC_FILES);
				return 2;
			}
			iocs[niocs++] = v, i++;
		} else if (!strcmp(a, "--format") && v) {
			if (!strcmp(v, "text"))
				o.format = SWEEP_TEXT;
			else if (!strcmp(v, "tsv"))
				o.format = SWEEP_TSV;
			else if (!strcmp(v, "json"))
				o.format = SWEEP_JSON;
			else {
				fprintf(stderr, "warroom: sweep: --format is text, tsv or json\n");
				return 2;
			}
			i++;
		} else if (!strcmp(a, "--threads") && v) {
			if (parse_count(v, 256, &threads)) {
				fprintf(stderr, "warroom: sweep: --threads is a number from 1 to 256\n");
				return 2;
			}
			i++;
		} else if (!strcmp(a, "--max-file-size") && v) {
			long mb;
			if (parse_count(v, 1L << 30, &mb)) {
				fprintf(stderr, "warroom: sweep: --max-file-size is a number of MiB\n");
				return 2;
			}
			x.max_file_size = (uint64_t)mb << 20;
			i++;
		} else if (!strcmp(a, "--hash-files")) {
			x.hash_files = 1;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = 1;
		} else if (!strcmp(a, "--pack-key") && v) {
			pack_key = v, i++;
		} else if (!strcmp(a, "--report") && v) {
			x.report_url = v, i++;
		} else if (!strcmp(a, "--token") && v) {
			x.token = v, i++;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "warroom: sweep: unknown option or missing value: %s\n", a);
			usage(stderr);
			return 2;
		} else {
			break;
		}
	}
	if (!niocs || i >= argc) {
		usage(stderr);
		return 2;
	}
	/* For benchmarks and bug reports: the byte-class kernel by name. */
	const char *kname = getenv("WARROOM_SWEEP_KERNEL");
	if (kname && *kname) {
		enum scan_kernel k;
		if (scan_kernel_parse(kname, &k)) {
			fprintf(stderr, "warroom: sweep: WARROOM_SWEEP_KERNEL is c, sse2, avx2 or avx512, not %s\n",
				kname);
			return 2;
		}
		if (!scan_kernel_available(k)) {
			fprintf(stderr, "warroom: sweep: WARROOM_SWEEP_KERNEL=%s: this processor or build lacks it\n",
				kname);
			return 2;
		}
		o.kernel = (int)k;
	}
	x.roots = argv + i;
	x.nroots = (size_t)(argc - i);
	if (x.report_url && !x.token)
		x.token = getenv("WARROOM_TOKEN");
	if (x.report_url && (!x.token || !*x.token)) {
		fprintf(stderr, "warroom: sweep: --report needs --token (or $WARROOM_TOKEN)\n");
		return 2;
	}
	struct ioc_set *set = ioc_set_new();
	if (!set) {
		fprintf(stderr, "warroom: sweep: out of memory\n");
		return 2;
	}
	int status = 0, rc = 0;
	for (size_t k = 0; k < niocs && !rc; k++)
		rc = load_iocs(set, iocs[k], pack_key);
	struct matcher *m = NULL;
	struct wr_err e = {0};
	if (!rc && matcher_new(set, &m, &e)) {
		fprintf(stderr, "warroom: sweep: %s\n", e.message);
		rc = -1;
	}
	if (rc) {
		ioc_set_free(set);
		return 2;
	}
	if (!ioc_set_count(set)) {
		/* Sweeping for nothing would report "clean" (exit 0): refuse instead. */
		fprintf(stderr, "warroom: sweep: no usable indicator in any --iocs file; "
			"nothing to look for\n");
		matcher_free(m);
		ioc_set_free(set);
		return 2;
	}
	struct sweep_files files = {0};
	struct sweep_stats st = {0};
	if (sweep_walk(argv + i, (size_t)(argc - i), &files, &st.errors)) {
		fprintf(stderr, "warroom: sweep: out of memory\n");
		status = 2;
	}
	if (x.report_url) {
		st.per_ioc = calloc(ioc_set_count(set) + 1, sizeof *st.per_ioc);
		st.first_file = calloc(ioc_set_count(set) + 1, sizeof *st.first_file);
		st.first_time = calloc(ioc_set_count(set) + 1, sizeof *st.first_time);
		st.last_time = calloc(ioc_set_count(set) + 1, sizeof *st.last_time);
		if (!st.per_ioc || !st.first_file || !st.first_time || !st.last_time) {
			fprintf(stderr, "warroom: sweep: out of memory\n");
			status = 2;
		}
	}
	if (!status) {
		o.threads = (int)threads;
		o.progress = !quiet && isatty(2);
		rc = sweep_run(m, &files, &o, stdout, &st);
		if (rc) {
			fprintf(stderr, "warroom: sweep: %s\n",
				rc == WR_EIO ? "cannot write the output" : "out of memory");
			status = 2;
		}
	}
	if (!status)
		status = sweep_cli_file_names(m, &files, &o, &st);
	if (!status && x.hash_files)
		status = sweep_cli_hash_files(m, &files, &x, &o, &st);
	if (!quiet) {
		double mbs = st.seconds > 0 ? (double)st.bytes / 1e6 / st.seconds : 0;
		fprintf(stderr,
			"warroom: sweep: %llu indicators, %llu files, %llu bytes, %llu lines, "
			"%llu hits, %.2f s, %.0f MB/s%s\n",
			(unsigned long long)ioc_set_count(set), (unsigned long long)st.files,
			(unsigned long long)st.bytes, (unsigned long long)st.lines,
			(unsigned long long)st.hits, st.seconds, mbs,
			st.errors ? " (with errors, see above)" : "");
	}
	if (!status && x.report_url && st.hits &&
	    sweep_cli_report(set, &files, &st, &x) != 0)
		status = 2;
	if (!status)
		status = st.errors ? 2 : st.hits ? 1 : 0;
	free(st.per_ioc);
	free(st.first_file);
	free(st.first_time);
	free(st.last_time);
	sweep_files_release(&files);
	matcher_free(m);
	ioc_set_free(set);
	return status;
}
