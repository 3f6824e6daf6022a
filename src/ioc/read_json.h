/* Indicator documents in JSON: STIX 2.1 bundles and MISP events (the
 * warroom pack is checked by ioc/pack.h first, then read here). */
#ifndef WR_IOC_READ_JSON_H
#define WR_IOC_READ_JSON_H

#include "ioc/ioc.h"

/* WR_EPARSE with line and column for a malformed document or one of no
 * known kind; records that cannot be represented go to skip. */
int ioc_read_json(struct ioc_set *s, const char *text, size_t len, const char *source,
		  ioc_skip_fn skip, void *arg, struct wr_err *e);

/* The same with a metadata callback (ioc.h, ioc_read_text_meta). */
int ioc_read_json_meta(struct ioc_set *s, const char *text, size_t len, const char *source,
		       ioc_skip_fn skip, void *arg, ioc_meta_fn meta, void *meta_arg,
		       struct wr_err *e);

#endif
