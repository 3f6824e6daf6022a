/* The format of an indicator document is decided by its content: JSON
 * (a signed warroom pack, a STIX 2.1 bundle, a MISP event) or text (CSV,
 * TSV, plain list). */
#include "ioc/ioc.h"

#include "ioc/read_json.h"

int ioc_read_text(struct ioc_set *s, const char *text, size_t len, const char *name,
		  const char *source, ioc_skip_fn skip, void *arg, struct wr_err *e)
{
	return ioc_read_text_meta(s, text, len, name, source, skip, arg, NULL, NULL, e);
}

int ioc_read_text_meta(struct ioc_set *s, const char *text, size_t len, const char *name,
		       const char *source, ioc_skip_fn skip, void *arg, ioc_meta_fn meta,
		       void *meta_arg, struct wr_err *e)
{
	(void)name;
	size_t i = 0;
	/* A UTF-8 byte order mark and leading blanks say nothing. */
	if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
	    (unsigned char)text[2] == 0xBF)
		i = 3;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i < len && (text[i] == '{' || text[i] == '['))
		return ioc_read_json_meta(s, text, len, source, skip, arg, meta, meta_arg, e);
	return ioc_read_list(s, text, len, source, skip, arg, e);
}
