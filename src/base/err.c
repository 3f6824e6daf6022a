#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A truncated text may end inside a UTF-8 sequence; JSON (and people)
 * need whole characters, so an incomplete last sequence is cut off. */
static void cut_partial_utf8(char *s, size_t len)
{
	size_t i = len, cont = 0;
	while (i > 0 && cont < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--, cont++;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
	if (lead >= 0xC0 && cont < need)
		s[i - 1] = '\0';
}

int wr_err_set(struct wr_err *e, int code, const char *field, const char *fmt, ...)
{
	if (!e)
		return code;
	e->code = code;
	int n = snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	if (n >= (int)sizeof e->field)
		cut_partial_utf8(e->field, sizeof e->field - 1);
	va_list ap;
	va_start(ap, fmt);
	n = vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof e->message)
		cut_partial_utf8(e->message, sizeof e->message - 1);
	return code;
}

void wr_err_clear(struct wr_err *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

static const struct {
	int code;
	const char *name;
	int status;
} table[] = {
	{WR_OK, "ok", 200},
	{WR_EINVAL, "invalid", 422},
	{WR_EPARSE, "parse_error", 400},
	{WR_ENOTFOUND, "not_found", 404},
	{WR_ECONFLICT, "conflict", 409},
	{WR_ETOOBIG, "too_large", 413},
	{WR_EAUTH, "unauthenticated", 401},
	{WR_EFORBIDDEN, "forbidden", 403},
	{WR_ERATE, "rate_limited", 429},
	{WR_EDB, "database_error", 500},
	{WR_ENOMEM, "out_of_memory", 500},
	{WR_EIO, "io_error", 500},
	{WR_EINTERNAL, "internal_error", 500},
	{WR_EMETHOD, "method_not_allowed", 405},
	{WR_EMEDIA, "unsupported_media_type", 415},
};

const char *wr_code_name(int code)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == code)
			return table[i].name;
	return "internal_error";
}

int wr_code_http_status(int code)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == code)
			return table[i].status;
	return 500;
}
