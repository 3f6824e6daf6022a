/* libFuzzer harness for the metadata side of the STIX and MISP readers
 * (ioc_read_text_meta: TLP markings, times, confidence, to_ids): any bytes
 * read or fail cleanly; every metadata callback names an indicator that is
 * in the set, in canonical form, with a TLP name or none. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_meta(void *arg, enum ioc_type t, const char *value, const struct ioc_meta *m)
{
	struct ioc_set *s = arg;
	static const char *const tlps[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
	int ok = !m->tlp;
	for (int i = 0; i < 5 && !ok; i++)
		ok = !strcmp(m->tlp, tlps[i]);
	if (!ok || ioc_set_find(s, t, value, strlen(value)) < 0 || m->confidence < -1 ||
	    m->confidence > 100 || m->to_ids < -1 || m->to_ids > 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	struct ioc_set *s = ioc_set_new();
	if (!s)
		return 0;
	struct wr_err e;
	wr_err_clear(&e);
	int rc = ioc_read_text_meta(s, (const char *)data, size, "fuzz", NULL, NULL, NULL, on_meta, s, &e);
	if (rc && rc != WR_EPARSE && rc != WR_ETOOBIG && rc != WR_ENOMEM)
		abort();
	ioc_set_free(s);
	return 0;
}
