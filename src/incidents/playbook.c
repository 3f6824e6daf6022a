/* Loading and validating playbook data files (playbook.h). */
#include "incidents/playbook.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "base/jsonutil.h"

#define PLAYBOOK_DIR "data/playbooks/"
#define PLAYBOOK_MAX_FILES 32

/* 1 to max-1 bytes of a-z, 0-9 and '-'. */
static int slug_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n >= max)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (!((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9') || s[k] == '-'))
			return 0;
	return 1;
}

static int task_err(struct wr_err *e, size_t i, const char *id, const char *field, const char *what)
{
	char f[64];
	snprintf(f, sizeof f, "tasks[%zu].%s", i, field);
	return wr_err_set(e, WR_EINVAL, f, "task %s: %s %s", id && id[0] ? id : "(no id)", field, what);
}

static int text_ok(const json_t *v, size_t max)
{
	return json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) <= max;
}

static int load_task(const json_t *tasks, size_t i, struct wr_err *e)
{
	static const char *const allowed[] = {"id", "title", "owner", "due_hours", "guidance", NULL};
	const json_t *t = json_array_get(tasks, i);
	if (!json_is_object(t))
		return task_err(e, i, "", "id", "(the task is not an object)");
	const json_t *v = json_object_get(t, "id");
	const char *id = json_is_string(v) ? json_string_value(v) : "";
	if (!slug_ok(id, 40))
		return task_err(e, i, id, "id", "must be 1 to 39 of a-z, 0-9 and -");
	for (size_t k = 0; k < i; k++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(tasks, k), "id")), id))
			return task_err(e, i, id, "id", "is used twice");
	const char *key;
	json_t *unused;
	json_object_foreach((json_t *)t, key, unused)
	{
		int ok = 0;
		for (size_t k = 0; allowed[k]; k++)
			ok |= !strcmp(key, allowed[k]);
		if (!ok)
			return task_err(e, i, id, key, "is not a known field");
	}
	if (!text_ok(json_object_get(t, "title"), 200))
		return task_err(e, i, id, "title", "must be a text of 1 to 200 bytes");
	v = json_object_get(t, "owner");
	if (!json_is_string(v) || (strcmp(json_string_value(v), "town") &&
				   strcmp(json_string_value(v), "war-room") &&
				   strcmp(json_string_value(v), "provider")))
		return task_err(e, i, id, "owner", "must be \"town\", \"war-room\" or \"provider\"");
	v = json_object_get(t, "due_hours");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
		  json_integer_value(v) > PLAYBOOK_MAX_DUE_HOURS))
		return task_err(e, i, id, "due_hours", "must be an integer from 0 to 2160 (90 days)");
	v = json_object_get(t, "guidance");
	if (v && !text_ok(v, 2000))
		return task_err(e, i, id, "guidance", "must be a text of 1 to 2000 bytes");
	return 0;
}

static int load_doc(struct playbook *p, const char *file_id, struct wr_err *e)
{
	static const char *const allowed[] = {"id", "version", "title", "description", "tasks", NULL};
	const char *id, *version, *title, *desc;
	int rc;
	if (!json_is_object(p->doc))
		return wr_err_set(e, WR_EINVAL, NULL, "a playbook is a JSON object");
	if ((rc = json_reject_unknown(p->doc, allowed, e)) ||
	    (rc = json_get_string(p->doc, "id", 1, &id, NULL, e)) ||
	    (rc = json_get_string(p->doc, "version", 1, &version, NULL, e)) ||
	    (rc = json_get_string(p->doc, "title", 1, &title, NULL, e)) ||
	    (rc = json_get_string(p->doc, "description", 1, &desc, NULL, e)))
		return rc;
	if (!slug_ok(id, sizeof p->id))
		return wr_err_set(e, WR_EINVAL, "id", "must be 1 to 47 of a-z, 0-9 and -");
	if (file_id && strcmp(id, file_id))
		return wr_err_set(e, WR_EINVAL, "id", "%s differs from the file's name (%.40s.json)", id,
				  file_id);
	if (!version[0] || strlen(version) >= sizeof p->version)
		return wr_err_set(e, WR_EINVAL, "version", "must be 1 to 23 bytes");
	if (!title[0] || strlen(title) > 200)
		return wr_err_set(e, WR_EINVAL, "title", "must be 1 to 200 bytes");
	if (!desc[0] || strlen(desc) > 2000)
		return wr_err_set(e, WR_EINVAL, "description", "must be 1 to 2000 bytes");
	snprintf(p->id, sizeof p->id, "%s", id);
	snprintf(p->version, sizeof p->version, "%s", version);
	const json_t *tasks = json_object_get(p->doc, "tasks");
	if (!json_is_array(tasks) || json_array_size(tasks) == 0 ||
	    json_array_size(tasks) > PLAYBOOK_MAX_TASKS)
		return wr_err_set(e, WR_EINVAL, "tasks", "must be a list of 1 to %d tasks",
				  PLAYBOOK_MAX_TASKS);
	for (size_t i = 0; i < json_array_size(tasks); i++)
		if ((rc = load_task(tasks, i, e)))
			return rc;
	return 0;
}

int playbook_load_text(const char *text, size_t len, const char *file_id, struct playbook **out,
		       struct wr_err *e)
{
	*out = NULL;
	struct playbook *p = calloc(1, sizeof *p);
	if (!p)
		return wr_err_set(e, WR_ENOMEM, NULL, "out of memory");
	int rc = json_parse_text(text, len, &p->doc, e);
	if (!rc)
		rc = load_doc(p, file_id, e);
	if (rc) {
		playbook_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void playbook_free(struct playbook *p)
{
	if (!p)
		return;
	json_decref(p->doc);
	free(p);
}

int64_t playbook_task_due(int64_t aware, const json_t *task)
{
	const json_t *h = json_object_get(task, "due_hours");
	return json_is_integer(h) ? aware + (int64_t)json_integer_value(h) * 3600 : 0;
}

static struct playbook *all[PLAYBOOK_MAX_FILES];
static size_t n_all;
static struct wr_err all_err;
static pthread_once_t all_once = PTHREAD_ONCE_INIT;

static int by_id(const void *a, const void *b)
{
	return strcmp((*(struct playbook *const *)a)->id, (*(struct playbook *const *)b)->id);
}

static void load_all(void)
{
	size_t plen = strlen(PLAYBOOK_DIR);
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		size_t n = strlen(f->name);
		if (strncmp(f->name, PLAYBOOK_DIR, plen) || n < plen + 6 || strcmp(f->name + n - 5, ".json"))
			continue;
		char id[64];
		snprintf(id, sizeof id, "%.*s", (int)(n - plen - 5), f->name + plen);
		struct playbook *p = NULL;
		int rc = n_all >= PLAYBOOK_MAX_FILES
				 ? wr_err_set(&all_err, WR_EINVAL, NULL, "more than %d playbooks", PLAYBOOK_MAX_FILES)
				 : playbook_load_text((const char *)f->data, f->len, id, &p, &all_err);
		if (rc) {
			/* Name the file: the field alone does not say which one. */
			char msg[sizeof all_err.message];
			snprintf(msg, sizeof msg, "%s", all_err.message);
			snprintf(all_err.message, sizeof all_err.message, "%.60s: %.190s", f->name, msg);
			for (size_t k = 0; k < n_all; k++)
				playbook_free(all[k]);
			n_all = 0;
			all_err.code = all_err.code ? all_err.code : WR_EINVAL;
			return;
		}
		all[n_all++] = p;
	}
	qsort(all, n_all, sizeof all[0], by_id);
}

const struct playbook *const *playbooks_all(size_t *n, struct wr_err *e)
{
	pthread_once(&all_once, load_all);
	*n = n_all;
	if (all_err.code) {
		if (e)
			*e = all_err;
		return NULL;
	}
	return (const struct playbook *const *)all;
}

const struct playbook *playbook_find(const char *id)
{
	size_t n;
	const struct playbook *const *p = playbooks_all(&n, NULL);
	for (size_t i = 0; p && i < n; i++)
		if (!strcmp(p[i]->id, id))
			return p[i];
	return NULL;
}

json_t *playbooks_json(void)
{
	size_t n;
	const struct playbook *const *p = playbooks_all(&n, NULL);
	json_t *a = json_array();
	for (size_t i = 0; p && a && i < n; i++)
		json_array_append(a, p[i]->doc);
	return a;
}
