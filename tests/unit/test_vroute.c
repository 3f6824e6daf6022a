/* Longest-prefix routing of scan events to towns (vulns/route.h): nested
 * prefixes, IPv6, IPv4 against the mapped form, two towns claiming one
 * prefix, addresses outside every claim. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>

#include "vulns/route.h"

static sqlite3 *db;

/* The columns of assets that routing reads. */
static void open_registry(void)
{
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE assets (id INTEGER PRIMARY KEY, org_id INTEGER,"
					  " type TEXT, value TEXT, range_lo TEXT, provider_id INTEGER)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
}

static void claim(int id, int org, const char *value, const char *lo_hex, int provider)
{
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO assets (id, org_id, type, value, range_lo, provider_id) VALUES"
		 " (%d, %d, 'cidr', '%s', '%s', %s)",
		 id, org, value, lo_hex, provider ? "7" : "NULL");
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static int64_t org_of(const struct vroute *r, const char *ip, int *len)
{
	struct route_hit h;
	if (!vroute_ip(r, ip, &h))
		return 0;
	*len = h.len;
	return h.org_id;
}

static void test_longest_prefix(void **state)
{
	(void)state;
	open_registry();
	claim(1, 10, "198.18.0.0/16", "00000000000000000000ffffc6120000", 0);
	claim(2, 20, "198.18.5.0/24", "00000000000000000000ffffc6120500", 1);  /* nested */
	claim(3, 30, "198.18.5.16/28", "00000000000000000000ffffc6120510", 0); /* nested deeper */
	claim(4, 40, "198.18.5.0/24", "00000000000000000000ffffc6120500", 0);  /* claimed twice */
	claim(5, 50, "2001:db8:abcd::/48", "20010db8abcd00000000000000000000", 0);
	claim(6, 60, "2001:db8::/32", "20010db8000000000000000000000000", 0);
	struct vroute *r;
	struct wr_err e = {0};
	assert_int_equal(vroute_build(db, &r, &e), 0);
	int len = -1;
	assert_int_equal(org_of(r, "198.18.200.1", &len), 10);
	assert_int_equal(len, 16);
	assert_int_equal(org_of(r, "198.18.5.1", &len), 20); /* the /24, the older claim */
	assert_int_equal(len, 24);
	assert_int_equal(org_of(r, "198.18.5.17", &len), 30);
	assert_int_equal(len, 28);
	assert_int_equal(org_of(r, "198.18.5.32", &len), 20);
	assert_int_equal(org_of(r, "::ffff:198.18.5.20", &len), 30); /* the mapped spelling */
	assert_int_equal(org_of(r, "198.19.0.1", &len), 0);
	assert_int_equal(org_of(r, "2001:db8:abcd:1::5", &len), 50);
	assert_int_equal(len, 48);
	assert_int_equal(org_of(r, "2001:db8:ffff::1", &len), 60);
	assert_int_equal(org_of(r, "2001:db9::1", &len), 0);
	assert_int_equal(org_of(r, "not an address", &len), 0);
	struct route_hit h;
	assert_int_equal(vroute_ip(r, "198.18.5.1", &h), 1);
	assert_int_equal(h.provider_id, 7); /* managed by a provider: it is told too */
	vroute_free(r);
	sqlite3_close(db);
}

static void name_claim(int id, int org, const char *type, const char *value)
{
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO assets (id, org_id, type, value, range_lo, provider_id) VALUES"
		 " (%d, %d, '%s', '%s', NULL, NULL)",
		 id, org, type, value);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static int64_t host_org(const struct vroute *r, const char *host)
{
	struct route_hit h;
	return vroute_host(r, host, &h) ? h.org_id : 0;
}

/* Host names: nested domains, an exact host name against a domain suffix,
 * label boundaries, case, the trailing dot and internationalised names. */
static void test_domain_suffix(void **state)
{
	(void)state;
	open_registry();
	name_claim(1, 10, "domain", "gent.be");
	name_claim(2, 20, "domain", "stad.gent.be");        /* nested: a second town */
	name_claim(3, 30, "hostname", "mail.gent.be");      /* one host only */
	name_claim(4, 40, "domain", "mail.gent.be");        /* the same name as a domain */
	name_claim(5, 50, "domain", "xn--bcher-kva.example"); /* bücher.example, stored canonical */
	name_claim(6, 60, "hostname", "portal.aalst.be");
	name_claim(7, 70, "domain", "gent.be");             /* claimed twice: the older wins */
	claim(8, 80, "198.18.0.0/16", "00000000000000000000ffffc6120000", 0);
	struct vroute *r;
	struct wr_err e = {0};
	assert_int_equal(vroute_build(db, &r, &e), 0);
	assert_int_equal(host_org(r, "gent.be"), 10);
	assert_int_equal(host_org(r, "www.gent.be"), 10);
	assert_int_equal(host_org(r, "stad.gent.be"), 20);
	assert_int_equal(host_org(r, "a.b.stad.gent.be"), 20); /* the longest suffix */
	assert_int_equal(host_org(r, "notgent.be"), 0);        /* label-wise, not by text */
	assert_int_equal(host_org(r, "gent.be.evil.example"), 0);
	assert_int_equal(host_org(r, "mail.gent.be"), 30);     /* the host name before the domain */
	assert_int_equal(host_org(r, "smtp.mail.gent.be"), 40); /* a host name claims no names below */
	assert_int_equal(host_org(r, "portal.aalst.be"), 60);
	assert_int_equal(host_org(r, "www.portal.aalst.be"), 0);
	assert_int_equal(host_org(r, "aalst.be"), 0);
	assert_int_equal(host_org(r, "WWW.Gent.BE."), 10); /* case and the trailing dot */
	assert_int_equal(host_org(r, "shop.Bücher.example"), 50);
	assert_int_equal(host_org(r, "shop.xn--bcher-kva.example"), 50);
	assert_int_equal(host_org(r, "bucher.example"), 0);
	assert_int_equal(host_org(r, ""), 0);
	assert_int_equal(host_org(r, "a..gent.be"), 0);
	assert_int_equal(host_org(r, "198.18.0.1"), 0);
	struct route_hit h;
	assert_int_equal(vroute_host(r, "x.stad.gent.be", &h), 1);
	assert_int_equal(h.asset_id, 2);
	assert_int_equal(h.len, 3); /* labels matched */
	/* vroute_addr tells an unclaimed address from no address at all */
	assert_int_equal(vroute_addr(r, "198.18.0.1", &h), 1);
	assert_int_equal(vroute_addr(r, "203.0.113.1", &h), 0);
	assert_int_equal(vroute_addr(r, "www.gent.be", &h), -1);
	vroute_free(r);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_longest_prefix),
					   cmocka_unit_test(test_domain_suffix)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
