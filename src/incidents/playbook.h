/* Incident playbooks: versioned JSON data files (data/playbooks/<id>.json,
 * embedded in the binary), validated on load. Each task has an owner role
 * (town, war-room, provider) and an optional due offset in hours from the
 * moment of awareness. A bad file is refused as a whole, naming the task and
 * the field. */
#ifndef WR_INCIDENTS_PLAYBOOK_H
#define WR_INCIDENTS_PLAYBOOK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define PLAYBOOK_MAX_TASKS 40
#define PLAYBOOK_MAX_DUE_HOURS (24 * 90)

struct playbook {
	char id[48];
	char version[24];
	json_t *doc; /* owned; validated */
};

/* Parses and validates one playbook document; when file_id is not NULL the
 * document's id must equal it (the file's name). Caller frees with
 * playbook_free(). */
int playbook_load_text(const char *text, size_t len, const char *file_id, struct playbook **out,
		       struct wr_err *e);
void playbook_free(struct playbook *p);

/* Every embedded playbook, sorted by id (loaded once; NULL with e filled when
 * one of them is bad). Borrowed, lives until exit. */
const struct playbook *const *playbooks_all(size_t *n, struct wr_err *e);
const struct playbook *playbook_find(const char *id);
/* The playbooks as [{"id", "version", "title", "description", "tasks"}]. */
json_t *playbooks_json(void);

/* When a task of a playbook falls due: aware + due_hours, or 0 when the task
 * has no due offset. */
int64_t playbook_task_due(int64_t aware, const json_t *task);

#endif
