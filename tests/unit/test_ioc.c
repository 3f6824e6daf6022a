/* Indicators: canonical forms, refanging, type detection, the set, and the
 * list readers with real abuse.ch feeds and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/ioc.h"
#include "ioc/pack.h"

static const char *canon(enum ioc_type t, const char *v, enum ioc_type *out_t)
{
	static char out[IOC_VALUE_MAX + 1];
	struct wr_err e = {0};
	if (ioc_canonical(&t, v, out, sizeof out, &e))
		fail_msg("\"%s\" refused: %s", v, e.message);
	if (out_t)
		*out_t = t;
	return out;
}

static void refused(enum ioc_type t, const char *v)
{
	char out[IOC_VALUE_MAX + 1];
	struct wr_err e = {0};
	if (ioc_canonical(&t, v, out, sizeof out, &e) != WR_EINVAL)
		fail_msg("\"%s\" accepted as \"%s\"", v, out);
	assert_true(e.message[0] != '\0');
}

static void test_canonical(void **state)
{
	(void)state;
	enum ioc_type t;
	assert_string_equal(canon(IOC_DOMAIN, "Bad.Example.COM.", NULL), "bad.example.com");
	assert_string_equal(canon(IOC_DOMAIN, "bücher.example", NULL), "xn--bcher-kva.example");
	assert_string_equal(canon(IOC_DOMAIN, "_dmarc.example.org", NULL), "_dmarc.example.org");
	assert_string_equal(canon(IOC_IPV4, " 192.0.2.1 ", NULL), "192.0.2.1");
	assert_string_equal(canon(IOC_IPV6, "2001:0DB8:0:0:0:0:0:1", NULL), "2001:db8::1");
	assert_string_equal(canon(IOC_IPV6, "::ffff:198.51.100.1", &t), "198.51.100.1");
	assert_int_equal(t, IOC_IPV4);
	assert_string_equal(canon(IOC_CIDR, "198.51.100.0/24", NULL), "198.51.100.0/24");
	assert_string_equal(canon(IOC_CIDR, "2001:DB8::/32", NULL), "2001:db8::/32");
	assert_string_equal(canon(IOC_URL, "HTTPS://Evil.Example:443/A/B?x=Y", NULL),
			    "https://evil.example/A/B?x=Y");
	assert_string_equal(canon(IOC_URL, "http://Evil.Example:8080", NULL),
			    "http://evil.example:8080");
	assert_string_equal(canon(IOC_EMAIL, "CEO@Example.ORG", NULL), "ceo@example.org");
	assert_string_equal(canon(IOC_MD5, "D41D8CD98F00B204E9800998ECF8427E", NULL),
			    "d41d8cd98f00b204e9800998ecf8427e");
	refused(IOC_DOMAIN, "notadomain");
	refused(IOC_DOMAIN, "192.0.2.1");
	refused(IOC_DOMAIN, "-bad.example");
	refused(IOC_IPV4, "10.1.2.300");
	refused(IOC_CIDR, "10.1.2.3/8");
	refused(IOC_URL, "evil.example/path");
	refused(IOC_URL, "http://evil.example/a b");
	refused(IOC_MD5, "d41d8cd98f00b204e9800998ecf8427");
	refused(IOC_SHA1, "d41d8cd98f00b204e9800998ecf8427e");
	refused(IOC_EMAIL, "no-at.example");
	refused(IOC_NONE, "just words");
}

static void test_refang(void **state)
{
	(void)state;
	char out[256];
	assert_int_equal(ioc_refang("hxxps://evil[.]example(.)com/a[dot]b", out, sizeof out), 28);
	assert_string_equal(out, "https://evil.example.com/a.b");
	ioc_refang("user[@]evil{.}example", out, sizeof out);
	assert_string_equal(out, "user@evil.example");
	ioc_refang("hXXp[://]1.2.3[.]4[:]8080/x", out, sizeof out);
	assert_string_equal(out, "http://1.2.3.4:8080/x");
	ioc_refang("plain.example", out, sizeof out);
	assert_string_equal(out, "plain.example");
	assert_int_equal(ioc_refang("toolong.example", out, 5), -1);
	enum ioc_type t;
	assert_string_equal(canon(IOC_NONE, "evil[.]example", &t), "evil.example");
	assert_int_equal(t, IOC_DOMAIN);
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(ioc_detect("198.51.100.1"), IOC_IPV4);
	assert_int_equal(ioc_detect("2001:db8::1"), IOC_IPV6);
	assert_int_equal(ioc_detect("198.51.100.0/24"), IOC_CIDR);
	assert_int_equal(ioc_detect("evil.example"), IOC_DOMAIN);
	assert_int_equal(ioc_detect("evil[.]example"), IOC_DOMAIN);
	assert_int_equal(ioc_detect("hxxp://evil.example/x"), IOC_URL);
	assert_int_equal(ioc_detect("a@evil.example"), IOC_EMAIL);
	assert_int_equal(ioc_detect("d41d8cd98f00b204e9800998ecf8427e"), IOC_MD5);
	assert_int_equal(ioc_detect("da39a3ee5e6b4b0d3255bfef95601890afd80709"), IOC_SHA1);
	assert_int_equal(
		ioc_detect("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
		IOC_SHA256);
	assert_int_equal(ioc_detect("d41d8cd98f00b204e9800998ecf8427"), IOC_NONE);
	assert_int_equal(ioc_detect("hello"), IOC_NONE);
	assert_int_equal(ioc_type_from_name("ip-dst"), IOC_IPV4);
	assert_int_equal(ioc_type_from_name("SHA256"), IOC_SHA256);
	assert_int_equal(ioc_type_from_name("domain-name"), IOC_DOMAIN);
	assert_int_equal(ioc_type_from_name("regkey"), IOC_NONE);
}

static void test_set_dedup_and_labels(void **state)
{
	(void)state;
	struct ioc_set *s = ioc_set_new();
	assert_non_null(s);
	struct wr_err e = {0};
	assert_int_equal(ioc_set_add(s, IOC_DOMAIN, "Evil.Example", "feed-a", "apt1", &e), 0);
	assert_int_equal(ioc_set_add(s, IOC_NONE, "evil[.]example.", "feed-b", "apt1", &e), 0);
	assert_int_equal(ioc_set_add(s, IOC_DOMAIN, "evil.example", "feed-a", NULL, &e), 0);
	assert_int_equal(ioc_set_add(s, IOC_HOSTNAME, "evil.example", NULL, NULL, &e), 0);
	assert_int_equal(ioc_set_add(s, IOC_IPV4, "nonsense", NULL, NULL, &e), WR_EINVAL);
	assert_int_equal(ioc_set_count(s), 2);
	assert_int_equal(ioc_set_type(s, 0), IOC_DOMAIN);
	assert_string_equal(ioc_set_value(s, 0, NULL), "evil.example");
	uint32_t cur = 0;
	assert_string_equal(ioc_set_next_label(s, 0, 0, &cur), "feed-a");
	assert_string_equal(ioc_set_next_label(s, 0, 0, &cur), "feed-b");
	assert_null(ioc_set_next_label(s, 0, 0, &cur));
	cur = 0;
	assert_string_equal(ioc_set_next_label(s, 0, 1, &cur), "apt1");
	assert_null(ioc_set_next_label(s, 0, 1, &cur));
	ioc_set_free(s);
}

/* 1,000 indicators per 100 KB or so: a million stays far under 200 MB. */
static void test_set_memory(void **state)
{
	(void)state;
	struct ioc_set *s = ioc_set_new();
	char v[64];
	for (int i = 0; i < 100000; i++) {
		snprintf(v, sizeof v, "host-%d.label%d.example", i, i % 977);
		assert_int_equal(ioc_set_add(s, IOC_DOMAIN, v, "feed", NULL, NULL), 0);
	}
	assert_int_equal(ioc_set_count(s), 100000);
	assert_true(ioc_set_memory(s) < 12u * 1024 * 1024);
	ioc_set_free(s);
}

struct skips {
	int n;
	long line[16];
	char reason[16][160];
};

static void on_skip(void *arg, const struct ioc_skip *k)
{
	struct skips *s = arg;
	if (s->n < 16) {
		s->line[s->n] = k->line;
		snprintf(s->reason[s->n], sizeof s->reason[0], "%s", k->reason);
	}
	s->n++;
}

static void test_read_tsv_and_plain(void **state)
{
	(void)state;
	/* gen.py's iocs.tsv: a comment, then value, type, source */
	const char *tsv = "# sweepbench v1 columns: ioc<TAB>type<TAB>source\n"
			  "bad.example\tdomain\tfeed-a\n"
			  "198.51.100.0/24\tcidr\tfeed-b\n"
			  "bad.example\tdomain\tfeed-c\n"
			  "nonsense\tipv4\tfeed-a\n"
			  "x\tregkey\tfeed-a\n";
	struct ioc_set *s = ioc_set_new();
	struct skips sk = {0};
	struct wr_err e = {0};
	assert_int_equal(ioc_read_list(s, tsv, strlen(tsv), NULL, on_skip, &sk, &e), 0);
	assert_int_equal(ioc_set_count(s), 2);
	assert_int_equal(sk.n, 2);
	assert_int_equal(sk.line[0], 5);
	assert_int_equal(sk.line[1], 6);
	assert_non_null(strstr(sk.reason[1], "unknown type"));
	ioc_set_free(s);

	const char *plain = "# a list\r\n\r\n  evil[.]example  \r\nhxxp://x.example/a\n"
			    "198.51.100.7\n2001:db8::1\n0123456789abcdef0123456789abcdef\n"
			    "what is this\n";
	s = ioc_set_new();
	memset(&sk, 0, sizeof sk);
	assert_int_equal(ioc_read_list(s, plain, strlen(plain), "list", on_skip, &sk, &e), 0);
	assert_int_equal(ioc_set_count(s), 5);
	assert_int_equal(ioc_set_type(s, 1), IOC_URL);
	assert_int_equal(sk.n, 1);
	assert_int_equal(sk.line[0], 8);
	ioc_set_free(s);
}

static void test_read_csv_errors(void **state)
{
	(void)state;
	struct ioc_set *s = ioc_set_new();
	struct wr_err e = {0};
	const char *nohead = "a,b\n1.2.3.4,x\n";
	assert_int_equal(ioc_read_list(s, nohead, strlen(nohead), NULL, NULL, NULL, &e),
			 WR_EPARSE);
	assert_int_equal(e.line, 1);
	const char *badquote = "value,type\nevil.example,domain\n\"open.example,domain\n";
	memset(&e, 0, sizeof e);
	assert_int_equal(ioc_read_list(s, badquote, strlen(badquote), NULL, NULL, NULL, &e),
			 WR_EPARSE);
	assert_int_equal(e.line, 3);
	const char *nul = "evil.example\nx\0y\n";
	memset(&e, 0, sizeof e);
	assert_int_equal(ioc_read_list(s, nul, 17, NULL, NULL, NULL, &e), WR_EPARSE);
	assert_int_equal(e.line, 2);
	ioc_set_free(s);
}

static char *fixture(const char *name, size_t *len)
{
	char path[1024];
	const char *here = __FILE__;
	const char *slash = strrchr(here, '/');
	snprintf(path, sizeof path, "%.*s/../fixtures/%s%s", (int)(slash - here), here,
		 strchr(name, '/') ? "" : "ioc/", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	char *b = malloc(1 << 20);
	assert_non_null(b);
	*len = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

static void test_read_abusech_feeds(void **state)
{
	(void)state;
	struct wr_err e = {0};
	size_t len;
	/* Feodo Tracker: quoted CSV with a dst_ip column and a malware column */
	char *t = fixture("feodotracker-ipblocklist.csv", &len);
	struct ioc_set *s = ioc_set_new();
	struct skips sk = {0};
	assert_int_equal(ioc_read_text(s, t, len, "feodo", "feodo", on_skip, &sk, &e), 0);
	assert_int_equal(sk.n, 0);
	assert_int_equal(ioc_set_count(s), 28);
	assert_int_equal(ioc_set_type(s, 0), IOC_IPV4);
	assert_string_equal(ioc_set_value(s, 0, NULL), "192.9.135.73");
	uint32_t cur = 0;
	assert_string_equal(ioc_set_next_label(s, 0, 1, &cur), "Pikabot");
	ioc_set_free(s);
	free(t);
	/* MalwareBazaar: a plain list of MD5 with a comment block */
	t = fixture("malwarebazaar-recent-md5.txt", &len);
	s = ioc_set_new();
	memset(&sk, 0, sizeof sk);
	assert_int_equal(ioc_read_text(s, t, len, "mb", NULL, on_skip, &sk, &e), 0);
	assert_int_equal(sk.n, 0);
	assert_true(ioc_set_count(s) > 400);
	for (uint32_t i = 0; i < ioc_set_count(s); i++)
		assert_int_equal(ioc_set_type(s, i), IOC_MD5);
	ioc_set_free(s);
	free(t);
	/* URLhaus: the header is a comment ("# id,dateadded,url,...") */
	t = fixture("urlhaus-recent-sample-2022-09-13.csv", &len);
	s = ioc_set_new();
	memset(&sk, 0, sizeof sk);
	assert_int_equal(ioc_read_text(s, t, len, "uh", NULL, on_skip, &sk, &e), 0);
	assert_int_equal(sk.n, 0);
	assert_int_equal(ioc_set_count(s), 150);
	assert_int_equal(ioc_set_type(s, 0), IOC_URL);
	assert_string_equal(ioc_set_value(s, 0, NULL), "http://117.216.19.13:42598/i");
	ioc_set_free(s);
	free(t);
}

static void test_read_stix(void **state)
{
	(void)state;
	struct wr_err e = {0};
	size_t len;
	struct ioc_set *s = ioc_set_new();
	struct skips sk = {0};
	const char *files[] = {"stix/indicator-for-c2-ip-address.json",
			       "stix/indicator-for-malicious-url.json",
			       "stix/malware-indicator-for-file-hash.json",
			       "stix/malicious-email-indicator-with-attachment.json"};
	for (size_t i = 0; i < 4; i++) {
		char *t = fixture(files[i], &len);
		assert_int_equal(ioc_read_text(s, t, len, files[i], "oasis", on_skip, &sk, &e), 0);
		free(t);
	}
	assert_int_equal(ioc_set_count(s), 3);
	assert_int_equal(ioc_set_type(s, 0), IOC_IPV4);
	assert_string_equal(ioc_set_value(s, 0, NULL), "10.0.0.0");
	assert_int_equal(ioc_set_type(s, 1), IOC_URL);
	assert_string_equal(ioc_set_value(s, 1, NULL), "http://x4z9arb.cn/4712/");
	assert_int_equal(ioc_set_type(s, 2), IOC_SHA256);
	/* the email indicators use MATCHES: reported, not dropped */
	assert_int_equal(sk.n, 2);
	assert_non_null(strstr(sk.reason[0], "not an equality"));
	ioc_set_free(s);

	const char *bundle = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
			     "{\"type\":\"indicator\",\"id\":\"indicator--a\",\"pattern_type\":\"stix\","
			     "\"labels\":[\"c2\"],\"pattern\":\"[domain-name:value = 'bad.example'] OR "
			     "[ipv4-addr:value = '198.51.100.0/24' OR file:hashes.MD5 = "
			     "'D41D8CD98F00B204E9800998ECF8427E']\"},"
			     "{\"type\":\"indicator\",\"id\":\"indicator--b\",\"pattern_type\":\"stix\","
			     "\"pattern\":\"[ipv4-addr:value = '1.2.3.4' AND url:value = 'http://x/']\"},"
			     "{\"type\":\"indicator\",\"id\":\"indicator--c\",\"pattern_type\":\"sigma\","
			     "\"pattern\":\"x\"},"
			     "{\"type\":\"domain-name\",\"id\":\"domain-name--d\",\"value\":\"sco.example\"}]}";
	s = ioc_set_new();
	memset(&sk, 0, sizeof sk);
	assert_int_equal(ioc_read_text(s, bundle, strlen(bundle), "b", NULL, on_skip, &sk, &e), 0);
	assert_int_equal(ioc_set_count(s), 4);
	assert_int_equal(ioc_set_type(s, 1), IOC_CIDR);
	assert_string_equal(ioc_set_value(s, 2, NULL), "d41d8cd98f00b204e9800998ecf8427e");
	uint32_t cur = 0;
	assert_string_equal(ioc_set_next_label(s, 0, 1, &cur), "c2");
	assert_string_equal(ioc_set_value(s, 3, NULL), "sco.example");
	assert_int_equal(sk.n, 2);
	ioc_set_free(s);
}

static void test_read_misp(void **state)
{
	(void)state;
	struct wr_err e = {0};
	size_t len;
	char *t = fixture("misp/57c4445b-c548-4654-af0b-4be3950d210f.json", &len);
	struct ioc_set *s = ioc_set_new();
	struct skips sk = {0};
	assert_int_equal(ioc_read_text(s, t, len, "misp", NULL, on_skip, &sk, &e), 0);
	free(t);
	/* to_ids: filename, md5, sha1, sha256 taken; regkey|value reported;
	 * the four attributes not for detection are reported as one count */
	assert_int_equal(ioc_set_count(s), 4);
	assert_int_equal(ioc_set_type(s, 0), IOC_FILENAME);
	assert_int_equal(ioc_set_type(s, 1), IOC_MD5);
	assert_string_equal(ioc_set_value(s, 1, NULL), "0749bae92ca336a02c83d126e04ec628");
	uint32_t cur = 0;
	assert_string_equal(ioc_set_next_label(s, 1, 0, &cur),
			    "misp-event-57c4445b-c548-4654-af0b-4be3950d210f");
	cur = 0;
	assert_string_equal(ioc_set_next_label(s, 1, 1, &cur), "tlp:white");
	assert_int_equal(sk.n, 3);
	ioc_set_free(s);
}

static void test_read_json_malformed(void **state)
{
	(void)state;
	struct ioc_set *s = ioc_set_new();
	struct wr_err e = {0};
	const char *bad = "{\"type\": \"bundle\",\n \"objects\": [\n  {\"type\": }\n]}";
	assert_int_equal(ioc_read_text(s, bad, strlen(bad), "x", NULL, NULL, NULL, &e), WR_EPARSE);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.message, "column"));
	const char *other = "{\"hello\": 1}";
	assert_int_equal(ioc_read_text(s, other, strlen(other), "x", NULL, NULL, NULL, &e),
			 WR_EPARSE);
	ioc_set_free(s);
}

static void test_pack(void **state)
{
	(void)state;
	char pub[PACK_LINE_MAX], sec[PACK_LINE_MAX], pub2[PACK_LINE_MAX], sec2[PACK_LINE_MAX];
	char sig[PACK_LINE_MAX];
	struct wr_err e = {0};
	assert_int_equal(pack_keygen(pub, sec, &e), 0);
	assert_int_equal(pack_keygen(pub2, sec2, &e), 0);
	char pack[] = "{\"format\":\"warroom-pack\",\"version\":1,\"created\":\"2026-11-28T15:00:00Z\","
		      "\"audience\":\"all\",\"indicators\":[{\"type\":\"domain\",\"value\":\"bad.example\","
		      "\"tlp\":\"green\",\"sources\":[\"ir-2026-017\"],\"tags\":[\"ransomware\"]}]}";
	assert_int_equal(pack_is_pack(pack, strlen(pack)), 1);
	assert_int_equal(pack_is_pack("bad.example\n", 12), 0);
	assert_int_equal(pack_sign(pack, strlen(pack), sec, sig, &e), 0);
	assert_int_equal(pack_verify(pack, strlen(pack), sig, pub, &e), 0);
	assert_int_equal(pack_verify(pack, strlen(pack), sig, pub2, &e), WR_EAUTH);
	assert_non_null(strstr(e.message, "key"));
	pack[40] ^= 1; /* one changed bit */
	assert_int_equal(pack_verify(pack, strlen(pack), sig, pub, &e), WR_EAUTH);
	pack[40] ^= 1;
	assert_int_equal(pack_verify(pack, strlen(pack), "garbage", pub, &e), WR_EINVAL);
	assert_int_equal(pack_sign(pack, strlen(pack), pub, sig, &e), WR_EINVAL);
	struct ioc_set *s = ioc_set_new();
	assert_int_equal(ioc_read_text(s, pack, strlen(pack), "p", NULL, NULL, NULL, &e), 0);
	assert_int_equal(ioc_set_count(s), 1);
	uint32_t cur = 0;
	assert_string_equal(ioc_set_next_label(s, 0, 0, &cur), "ir-2026-017");
	cur = 0;
	assert_string_equal(ioc_set_next_label(s, 0, 1, &cur), "ransomware");
	assert_string_equal(ioc_set_next_label(s, 0, 1, &cur), "tlp:green");
	ioc_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_refang),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_set_dedup_and_labels),
		cmocka_unit_test(test_set_memory),
		cmocka_unit_test(test_read_tsv_and_plain),
		cmocka_unit_test(test_read_csv_errors),
		cmocka_unit_test(test_read_abusech_feeds),
		cmocka_unit_test(test_read_stix),
		cmocka_unit_test(test_read_misp),
		cmocka_unit_test(test_read_json_malformed),
		cmocka_unit_test(test_pack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
