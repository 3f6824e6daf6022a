/* One error convention for the whole program: functions return 0 or a
 * negative wr_code and fill a struct wr_err for the user-facing message.
 * wr_code_http_status() is the one table from codes to HTTP statuses. */
#ifndef WR_BASE_ERR_H
#define WR_BASE_ERR_H

enum wr_code {
	WR_OK = 0,
	WR_EINVAL = -1,     /* a value is wrong (422) */
	WR_EPARSE = -2,     /* a document cannot be parsed (400) */
	WR_ENOTFOUND = -3,  /* no such object, or outside the caller's scope (404) */
	WR_ECONFLICT = -4,  /* clashes with the state (409) */
	WR_ETOOBIG = -5,    /* over a configured size (413) */
	WR_EAUTH = -6,      /* not authenticated (401) */
	WR_EFORBIDDEN = -7, /* authenticated but the role may not (403) */
	WR_ERATE = -8,      /* too many attempts (429) */
	WR_EDB = -9,        /* the database failed (500) */
	WR_ENOMEM = -10,    /* out of memory (500) */
	WR_EIO = -11,       /* a file or socket failed (500) */
	WR_EINTERNAL = -12, /* a bug (500) */
	WR_EMETHOD = -13,   /* method not allowed on this path (405) */
	WR_EMEDIA = -14,    /* the body is not of the media type required (415) */
};

struct wr_err {
	int code;          /* an enum wr_code */
	int line;          /* 1-based input line, 0 when not about a line */
	char field[64];    /* the offending field, "" when none */
	char message[256]; /* for people; never contains a secret */
};

/* Fills e (when not NULL) and returns code, so that callers can write
 * `return wr_err_set(e, WR_EINVAL, "email", "has no @");`. field may be NULL. */
int wr_err_set(struct wr_err *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void wr_err_clear(struct wr_err *e);
/* "invalid", "parse_error", "not_found", ... */
const char *wr_code_name(int code);
int wr_code_http_status(int code);

#endif
