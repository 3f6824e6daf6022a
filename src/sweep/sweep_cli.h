/* The parts of `warroom sweep` beyond the log sweep: the signed pack check,
 * --hash-files and --report. */
#ifndef WR_SWEEP_SWEEP_CLI_H
#define WR_SWEEP_SWEEP_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "ioc/ioc.h"
#include "ioc/pack.h"
#include "sweep/match.h"
#include "sweep/sweep.h"

struct sweep_cli_extra {
	char *const *roots; /* the PATH arguments */
	size_t nroots;
	int hash_files;
	uint64_t max_file_size;
	const char *report_url;
	const char *token;
};

/* The whole file path ("-": standard input, up to 1 GiB) into *out
 * (NUL-terminated, *len bytes; caller frees). 0 or a code with e filled. */
int sweep_slurp(const char *path, char **out, size_t *len, struct wr_err *e);
/* The first line of a small text file (a key, a signature). 0, or -1 with errno. */
int sweep_read_line(const char *path, char out[PACK_LINE_MAX]);

/* When text (read from path) is a warroom pack: verifies the signature in
 * path.sig with the public key in key_path (NULL: refused). 1 when a
 * verified pack, 0 when not a pack, or a negative code with e filled. */
int sweep_cli_check_pack(const char *path, const char *text, size_t len, const char *key_path,
			 struct wr_err *e);

/* MD5, SHA-1 and SHA-256 of every regular file of files (up to
 * x->max_file_size) matched against the hash indicators; hits printed
 * like log hits with line 0. Returns the exit status so far (0 or 2). */
int sweep_cli_hash_files(const struct matcher *m, const struct sweep_files *files,
			 const struct sweep_cli_extra *x, const struct sweep_opts *o,
			 struct sweep_stats *st);

/* The base name of every file of files (not streams) matched against the
 * filename indicators, any ASCII case; hits printed like log hits with
 * line 0. Returns the exit status so far (0 or 2). */
int sweep_cli_file_names(const struct matcher *m, const struct sweep_files *files,
			 const struct sweep_opts *o, struct sweep_stats *st);

/* POSTs the sightings (hits aggregated per indicator) to x->report_url.
 * 0, or -1 after a message on stderr. */
int sweep_cli_report(const struct ioc_set *set, const struct sweep_files *files,
		     const struct sweep_stats *st, const struct sweep_cli_extra *x);

#endif
