/* The text of an SMS (at most 160 characters, the title only for CLEAR and
 * GREEN), the webhook signature (checked against Python's hmac), and the
 * escalation policy's validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "comms/escalation.h"
#include "comms/sms.h"
#include "comms/webhook.h"

#define URL "https://warroom.example.be/a/AAAAAAAAAAYAAAAAazNNF83Zu0w0MGLGllvWSa_BjYA"

static void test_sms_short_title(void **state)
{
	(void)state;
	char t[SMS_MAX_CHARS * 4 + 1];
	sms_text("GREEN", "high", "Patch Citrix now", 0, URL, t, sizeof t);
	assert_string_equal(t, "warroom: Patch Citrix now Acknowledge: " URL);
}

static void test_sms_long_title_cut_on_characters(void **state)
{
	(void)state;
	char title[401], t[SMS_MAX_CHARS * 4 + 1];
	/* 200 two-byte characters: cut between characters, never inside one. */
	for (int i = 0; i < 200; i++)
		memcpy(title + 2 * i, "\xc3\xa9", 2);
	title[400] = '\0';
	sms_text("CLEAR", "low", title, 0, URL, t, sizeof t);
	assert_int_equal(sms_chars(t), SMS_MAX_CHARS);
	assert_non_null(strstr(t, "\xc3\xa9... Acknowledge: " URL));
	assert_non_null(strstr(t, URL));
}

static void test_sms_amber_hides_title(void **state)
{
	(void)state;
	char t[SMS_MAX_CHARS * 4 + 1];
	sms_text("AMBER+STRICT", "critical", "Breach at the city's payroll provider", 1, URL, t, sizeof t);
	assert_null(strstr(t, "payroll"));
	assert_string_equal(t, "warroom reminder: TLP:AMBER+STRICT critical advisory not"
			       " acknowledged yet. Acknowledge: " URL);
	assert_true(sms_chars(t) <= SMS_MAX_CHARS);
}

static void test_sms_link_too_long_is_dropped(void **state)
{
	(void)state;
	char url[300], t[SMS_MAX_CHARS * 4 + 1];
	memset(url, 'x', sizeof url - 1);
	url[sizeof url - 1] = '\0';
	sms_text("GREEN", "high", "Patch now", 0, url, t, sizeof t);
	assert_string_equal(t, "warroom: Patch now");
}

/* The gateway's JSON: the default shape, a template of another shape with
 * the placeholders in nested strings, a text that needs escaping. */
static void test_sms_body_template(void **state)
{
	(void)state;
	struct wr_err e = {0};
	char *b = sms_body(NULL, "+32499000443", "Patch \"now\"", &e);
	assert_non_null(b);
	assert_string_equal(b, "{\"to\":\"+32499000443\",\"text\":\"Patch \\\"now\\\"\"}");
	free(b);
	b = sms_body("{\"sender\": \"warroom\", \"messages\": [{\"destination\": \"tel:{to}\","
		     " \"content\": \"{text} ({to})\"}]}", "+32499000443", "Patch now", &e);
	assert_non_null(b);
	json_t *d = json_loads(b, 0, NULL);
	free(b);
	assert_non_null(d);
	json_t *m = json_array_get(json_object_get(d, "messages"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "destination")), "tel:+32499000443");
	assert_string_equal(json_string_value(json_object_get(m, "content")), "Patch now (+32499000443)");
	assert_string_equal(json_string_value(json_object_get(d, "sender")), "warroom");
	json_decref(d);
	assert_null(sms_body("{\"to\": ", "+32499000443", "x", &e));
	assert_string_equal(e.field, "WARROOM_SMS_TEMPLATE");
}

static void test_webhook_signature(void **state)
{
	(void)state;
	char sig[160];
	const char *body = "{\"a\":1}";
	webhook_sign("It's a Secret to Everybody", 1700000000, body, strlen(body), sig, sizeof sig);
	assert_string_equal(sig, "t=1700000000,v1="
				 "51538ab6f6314bb1f45de59d49edd93447bd4ca11fd52ee2fc1bb150735de0c6");
}

static int policy_ok(const char *text)
{
	json_t *p = json_loads(text, 0, NULL);
	struct wr_err e = {0};
	int rc = escalation_check(p, &e);
	json_decref(p);
	return rc == 0;
}

static void test_escalation_policy(void **state)
{
	(void)state;
	json_t *d = escalation_default();
	struct wr_err e = {0};
	assert_int_equal(escalation_check(d, &e), 0);
	json_decref(d);
	assert_true(policy_ok("[]"));
	assert_true(policy_ok("[{\"after_minutes\": 0, \"action\": \"sms\", \"roles\": [\"spoc\", \"deputy\"]},"
			      " {\"after_minutes\": 30, \"action\": \"call\"}]"));
	assert_false(policy_ok("{}"));
	assert_false(policy_ok("[{\"after_minutes\": 0, \"action\": \"sms\"}]"));          /* no roles */
	assert_false(policy_ok("[{\"after_minutes\": 0, \"action\": \"sms\", \"roles\": [\"boss\"]}]"));
	assert_false(policy_ok("[{\"after_minutes\": 0, \"action\": \"call\", \"roles\": [\"spoc\"]}]"));
	assert_false(policy_ok("[{\"after_minutes\": 50000, \"action\": \"call\"}]"));
	assert_false(policy_ok("[{\"after_minutes\": 5, \"action\": \"call\", \"extra\": 1}]"));
	assert_false(policy_ok("[{\"after_minutes\": 9, \"action\": \"call\"}, {\"after_minutes\": 5, \"action\": \"call\"}]"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sms_short_title),
		cmocka_unit_test(test_sms_long_title_cut_on_characters),
		cmocka_unit_test(test_sms_amber_hides_title),
		cmocka_unit_test(test_sms_link_too_long_is_dropped),
		cmocka_unit_test(test_sms_body_template),
		cmocka_unit_test(test_webhook_signature),
		cmocka_unit_test(test_escalation_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
