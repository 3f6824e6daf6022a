/* Files embedded in the binary at build time (tools/embed.c): the web UI
 * under "web/..." and the reference data under "data/...". */
#ifndef WR_BASE_EMBEDDED_H
#define WR_BASE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* "web/index.html", "data/municipalities.csv" */
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t len;
};

extern const struct embedded_file embedded_files[]; /* ends with name NULL */

const struct embedded_file *embedded_find(const char *name);

#endif
