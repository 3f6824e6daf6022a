/* Writes the awkward sample indicators (export_sample.h) in one export
 * format to standard output, for the tests that check exports with outside
 * validators: export_sample stix|misp|csv|list|zeek, export_sample
 * suricata TYPE, export_sample misp-feed DIR. */
#include <stdlib.h>

#include "export_sample.h"

int main(int argc, char **argv)
{
	struct intel_export_meta m = sample_meta();
	struct wr_err e = {0};
	if (argc == 3 && !strcmp(argv[1], "misp-feed")) {
		if (intel_export_misp_feed(argv[2], sample_items, SAMPLE_N, &m, &e)) {
			fprintf(stderr, "export_sample: %s\n", e.message);
			return 1;
		}
		return 0;
	}
	enum intel_format f;
	if (argc < 2 || intel_format_from_name(argv[1], &f)) {
		fprintf(stderr, "usage: export_sample FORMAT [TYPE] | misp-feed DIR\n");
		return 2;
	}
	if (argc == 3)
		m.only_type = ioc_type_from_name(argv[2]);
	struct buf out;
	buf_init(&out, 1u << 24);
	if (intel_export_write(f, sample_items, SAMPLE_N, &m, &out, &e)) {
		fprintf(stderr, "export_sample: %s\n", e.message);
		buf_release(&out);
		return 1;
	}
	int rc = fwrite(out.ptr, 1, out.len, stdout) == out.len && fflush(stdout) == 0 ? 0 : 1;
	buf_release(&out);
	return rc;
}
