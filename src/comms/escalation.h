/* Escalation of advisories that ask for an acknowledgement (docs/comms.md):
 * a policy is a list of steps, each {"after_minutes": minutes past the
 * deadline, "action": "email" | "sms" | "call", "roles": contact roles
 * (email, sms)}. The default: at the deadline e-mail the deputies, an hour
 * later text the SPOC, two hours later put the town on the call list.
 * Each step is executed once per town that has not acknowledged. */
#ifndef WR_COMMS_ESCALATION_H
#define WR_COMMS_ESCALATION_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"
#include "store/scope.h"

/* Validates the "escalation" field of an advisory (null: the default;
 * []: none). e names the step and field. */
int escalation_check(const json_t *policy, struct wr_err *e);
/* The default policy (a new reference). */
json_t *escalation_default(void);

/* Executes every step due at now for every unacknowledged town of every
 * advisory past its deadline: records the step (once: a second pass or a
 * restarted server does nothing again) and queues its messages in the
 * same transaction. *executed (may be NULL): the (town, step) pairs done. */
int escalation_pass(sqlite3 *db, int64_t now, int *executed, struct wr_err *e);

/* The call list (staff): towns a step put there that have neither
 * acknowledged nor been reached by phone, with since, what was tried, the
 * calls so far and every number of their SPOC and deputies.
 * advisory_id 0: the whole war room's. */
int call_list(sqlite3 *db, const struct actor *a, int64_t advisory_id, json_t **items,
	      struct wr_err *e);
/* Records a call to a town of advisory_id: {"org_id", "outcome":
 * "reached" | "no-answer" | "voicemail" | "wrong-number", "note"}.
 * "reached" takes the town off the call list. */
int call_record(sqlite3 *db, const struct actor *a, int64_t advisory_id, const json_t *body,
		json_t **out, struct wr_err *e);

#endif
