/* warroom sweep's engine: every token kind at its edges (each decoy kind of
 * bench/sweep/gen.py, and more), line numbers, buffers and chunks, CRLF,
 * NUL and invalid UTF-8, compressed input, unreadable files and loops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "cli/cli.h"
#include "ioc/ioc.h"
#include "ioc/pack.h"
#include "sweep/match.h"
#include "sweep/scan.h"
#include "sweep/sweep.h"

static char dir[] = "/tmp/wr-sweep-test-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

struct result {
	char *out;  /* the tsv output */
	struct sweep_stats st;
};

/* Sweeps paths with the indicators of the plain list or TSV iocs. */
static struct result sweep_paths(const char *iocs, char **paths, size_t npaths, size_t buffer,
				 size_t chunk, int threads)
{
	struct ioc_set *set = ioc_set_new();
	assert_non_null(set);
	struct wr_err e = {0};
	assert_int_equal(ioc_read_list(set, iocs, strlen(iocs), "test", NULL, NULL, &e), 0);
	struct matcher *m;
	assert_int_equal(matcher_new(set, &m, &e), 0);
	struct sweep_files files = {0};
	struct result r = {0};
	assert_int_equal(sweep_walk(paths, npaths, &files, &r.st.errors), 0);
	size_t len;
	FILE *out = open_memstream(&r.out, &len);
	assert_non_null(out);
	struct sweep_opts o = {.threads = threads, .format = SWEEP_TSV, .buffer = buffer,
			       .chunk = chunk};
	assert_int_equal(sweep_run(m, &files, &o, out, &r.st), 0);
	assert_int_equal(fclose(out), 0);
	sweep_files_release(&files);
	matcher_free(m);
	ioc_set_free(set);
	return r;
}

/* Sweeps one log text; returns "LINE:INDICATOR " for every hit (caller
 * frees), without the path and the matched text. */
static char *sweep_log(const char *iocs, const char *log, size_t n, size_t buffer)
{
	char path[256];
	snprintf(path, sizeof path, "%s/log.txt", dir);
	write_file(path, log, n);
	char *paths[] = {path};
	struct result r = sweep_paths(iocs, paths, 1, buffer, 0, 1);
	char *s = malloc(strlen(r.out) + 1);
	assert_non_null(s);
	s[0] = '\0';
	/* path \t line \t indicator \t type \t text */
	for (char *line = r.out; *line;) {
		char *nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		char *f1 = strchr(line, '\t');
		char *f2 = strchr(f1 + 1, '\t');
		char *f3 = strchr(f2 + 1, '\t');
		size_t k = strlen(s);
		memcpy(s + k, f1 + 1, (size_t)(f3 - f1 - 1));
		s[k + (size_t)(f2 - f1 - 1)] = ':';
		k += (size_t)(f3 - f1 - 1);
		s[k++] = ' ';
		s[k] = '\0';
		line = nl + 1;
	}
	free(r.out);
	return s;
}

#define EXPECT(iocs, log, want)                                              \
	do {                                                                 \
		char *got_ = sweep_log(iocs, log, strlen(log), 0);           \
		if (strcmp(got_, want))                                      \
			fail_msg("log \"%s\": got \"%s\", want \"%s\"", log, got_, want); \
		free(got_);                                                  \
	} while (0)

static void test_domains(void **state)
{
	(void)state;
	const char *iocs = "bad.com\nc2.evil-host.net\n";
	EXPECT(iocs, "query bad.com A\n", "1:bad.com ");
	EXPECT(iocs, "x.bad.com\n", "1:bad.com ");
	EXPECT(iocs, "a1.coin.BAD.Com\n", "1:bad.com ");
	EXPECT(iocs, "https://www.bad.com/login\n", "1:bad.com ");
	EXPECT(iocs, "CONNECT bad.com:443\n", "1:bad.com ");
	EXPECT(iocs, "\"QueryName\":\"cdn.bad.com\"\n", "1:bad.com ");
	EXPECT(iocs, "-bad.com. bad.com-\n", "1:bad.com ");
	/* decoys of gen.py: glued-prefix, tld-extended, left-part, hyphen-glued */
	EXPECT(iocs, "notbad.com mybad.com xbad.com\n", "");
	EXPECT(iocs, "bad.community bad.coms bad.comx bad.com1 bad.com-cdn.net\n", "");
	EXPECT(iocs, "bad.com.evil-proxy.net bad.com.example.net\n", "");
	EXPECT(iocs, "bad.com-alpha.net bad_com.x\n", "");
	EXPECT(iocs, "evil-host.net c3.evil-host.net\n", "");
	EXPECT(iocs, "x.c2.evil-host.net\n", "1:c2.evil-host.net ");
	/* a suffix only counts after a dot: "a.-bad.com" has the suffix "-bad.com" */
	EXPECT(iocs, "a.-bad.com\n", "");
	EXPECT(iocs, "user@bad.com\n", "1:bad.com ");
}

struct token_case {
	const char *token, *want;
};

/* Each token alone on a line behind 0 to shifts-1 spaces gives want. */
static void expect_shifted(const char *iocs, const struct token_case *cases, size_t ncases,
			   size_t shifts)
{
	char log[512];
	for (size_t c = 0; c < ncases; c++) {
		for (size_t k = 0; k < shifts; k++) {
			memset(log, ' ', k);
			int n = snprintf(log + k, sizeof log - k, "%s\n", cases[c].token);
			assert_true(n > 0 && (size_t)n < sizeof log - k);
			char *got = sweep_log(iocs, log, k + (size_t)n, 0);
			if (strcmp(got, cases[c].want))
				fail_msg("\"%s\" after %zu spaces: got \"%s\", want \"%s\"",
					 cases[c].token, k, got, cases[c].want);
			free(got);
		}
	}
}

/* Domains are hashed a label and 8 bytes at a time: labels of every
 * length around a word, in any case, at every offset from the start of
 * the buffer (where the last word of a label is read byte by byte). */
static void test_domain_labels(void **state)
{
	(void)state;
	const char *iocs = "a.bc\nabcdefgh.ijklmnop.com\nabcdefghi.x.org\n"
			   "abcdefghijklmnopq.abcdefghijklmnopqrstuvwx.net\n";
	static const struct token_case cases[] = {
		{"A.BC", "1:a.bc "},
		{"x.a.bc", "1:a.bc "},
		{"xa.bc", ""},
		{"sub.ABCDEFGH.ijklmnop.Com", "1:abcdefgh.ijklmnop.com "},
		{"abcdefgh.ijklmnop.comm", ""},
		{"bcdefgh.ijklmnop.com", ""},
		{"abcdefgh.ijklmnopq.com", ""},
		{"abcdefghi.X.org", "1:abcdefghi.x.org "},
		{"abcdefgh.x.org", ""},
		{"q.ABCDEFGHIJKLMNOPQ.abcdefghijklmnopqrstuvwx.NET",
		 "1:abcdefghijklmnopq.abcdefghijklmnopqrstuvwx.net "},
		{"abcdefghijklmnopq.abcdefghijklmnopqrstuvw.net", ""},
		{"abcdefghijklmnopq.bcdefghijklmnopqrstuvwx.net", ""},
	};
	expect_shifted(iocs, cases, sizeof cases / sizeof *cases, 20);
	/* The lookup by value hashes domains the same way. */
	struct ioc_set *set = ioc_set_new();
	assert_non_null(set);
	struct wr_err e = {0};
	assert_int_equal(ioc_read_list(set, iocs, strlen(iocs), "test", NULL, NULL, &e), 0);
	struct matcher *m;
	assert_int_equal(matcher_new(set, &m, &e), 0);
	assert_int_not_equal(matcher_find(m, IOC_DOMAIN, "abcdefghi.x.org", 15), 0);
	assert_int_equal(matcher_find(m, IOC_DOMAIN, "abcdefghi.y.org", 15), 0);
	matcher_free(m);
	ioc_set_free(set);
}

static void test_ipv4(void **state)
{
	(void)state;
	const char *iocs = "10.1.2.3\n";
	EXPECT(iocs, "10.1.2.3\n", "1:10.1.2.3 ");
	EXPECT(iocs, "srcip=10.1.2.3 dst\n", "1:10.1.2.3 ");
	EXPECT(iocs, "outside:10.1.2.3/443 (10.1.2.3/443)\n", "1:10.1.2.3 ");
	EXPECT(iocs, "HIER_DIRECT/10.1.2.3 -\n", "1:10.1.2.3 ");
	EXPECT(iocs, "\"::ffff:10.1.2.3;\"\n", "1:10.1.2.3 ");
	EXPECT(iocs, "10.1.2.3:8080 [10.1.2.3] a-10.1.2.3 10.1.2.3.\n", "1:10.1.2.3 ");
	/* decoys: octet-extended, octet-prefixed, five-part, alnum-prefixed */
	EXPECT(iocs, "10.1.2.30 110.1.2.3 10.1.2.3.4 v10.1.2.3\n", "");
	EXPECT(iocs, "10.1.2.3x 10.1.2.3_ _10.1.2.3 3.2.1.10.in-addr.arpa\n", "");
	EXPECT(iocs, "010.1.2.3 10.01.2.3 10.1.2 1.10.1.2.3\n", "");
}

static void test_ipv6(void **state)
{
	(void)state;
	const char *iocs = "2a01:4f8:10a::1\n2a02:1:2:3:4:5:6:7\n";
	EXPECT(iocs, "dst 2a01:4f8:10a::1 x\n", "1:2a01:4f8:10a::1 ");
	EXPECT(iocs, "2A01:4F8:10A::1\n", "1:2a01:4f8:10a::1 ");
	EXPECT(iocs, "2a01:04f8:010a:0000:0000:0000:0000:0001\n", "1:2a01:4f8:10a::1 ");
	EXPECT(iocs, "outside:2a01:4f8:10a::1/443\n", "1:2a01:4f8:10a::1 ");
	EXPECT(iocs, "2a02:1:2:3:4:5:6:7\n", "1:2a02:1:2:3:4:5:6:7 ");
	/* decoys: hex-extended, group-extended */
	EXPECT(iocs, "2a01:4f8:10a::12 2a01:4f8:10a::1:5 2a02:1:2:3:4:5:6:7:8\n", "");
	EXPECT(iocs, "12:34:56 ::1 a:b\n", "");
	/* Addresses are ruled out by their first 32 bits before being parsed
	 * whole: "g0::", an IPv4 address written in hex groups (zero first
	 * bits), and a set with a prefix shorter than /32 (no such rule). */
	const char *more = "2a03::5\n10.9.8.7\n2a02:1:2:3:4:5:6:7\n";
	EXPECT(more, "2a03::5 2a03:0::5 2a03:0:0:0:0:0:0:5\n", "1:2a03::5 ");
	EXPECT(more, "0:0:0:0:0:ffff:a09:807\n", "1:10.9.8.7 ");
	EXPECT(more, "::ffff:a09:807\n", "1:10.9.8.7 ");
	const char *wide = "value\ttype\n2a00::/12\tcidr\n2a02:1:2:3:4:5:6:7\tipv6\n";
	EXPECT(wide, "2a05:1:2::3\n", "1:2a00::/12 ");
	EXPECT(wide, "2a12:1:2::3\n", "");
}

static void test_cidr(void **state)
{
	(void)state;
	const char *tsv = "value\ttype\n198.51.100.0/24\tcidr\n198.51.0.0/16\tcidr\n"
			  "198.51.100.7\tipv4\n2a01:4f8::/32\tcidr\n11.0.0.0/8\tcidr\n";
	EXPECT(tsv, "198.51.100.7\n", "1:198.51.100.0/24 1:198.51.0.0/16 1:198.51.100.7 ");
	EXPECT(tsv, "198.51.100.255 198.51.100.0\n", "1:198.51.100.0/24 1:198.51.0.0/16 ");
	/* cidr-edge decoys */
	EXPECT(tsv, "198.50.255.255 198.52.0.0\n", "");
	EXPECT(tsv, "11.200.3.4 10.255.255.255 12.0.0.0\n", "1:11.0.0.0/8 ");
	EXPECT(tsv, "2a01:4f8:ffff::1 2a01:4f7:ffff:ffff:ffff:ffff:ffff:ffff\n",
	       "1:2a01:4f8::/32 ");
}

static void test_hashes(void **state)
{
	(void)state;
	const char *md5 = "0123456789abcdef0123456789abcdef";
	const char *sha1 = "0123456789abcdef0123456789abcdef01234567";
	const char *sha256 = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
	char iocs[256], log[512], want[256];
	snprintf(iocs, sizeof iocs, "%s\n%s\n%s\n", md5, sha1, sha256);
	snprintf(want, sizeof want, "1:%s ", md5);
	EXPECT(iocs, "MD5=0123456789ABCDEF0123456789ABCDEF,SHA256=x\n", want);
	snprintf(log, sizeof log, "\"process.hash.md5\":\"%s\"\n", md5);
	EXPECT(iocs, log, want);
	snprintf(log, sizeof log, "a %s b\n", sha1);
	snprintf(want, sizeof want, "1:%s ", sha1);
	EXPECT(iocs, log, want);
	snprintf(log, sizeof log, "cksum=\"%s\"\n", sha256);
	snprintf(want, sizeof want, "1:%s ", sha256);
	EXPECT(iocs, log, want);
	/* decoys: md5/sha1 as prefix of a longer hash, sha256 extended */
	snprintf(log, sizeof log, "%s0123456789abcdef0123456789abcdef\n", md5);
	EXPECT(iocs, log, "");
	snprintf(log, sizeof log, "%sabcdef0123456789abcdef0\n", sha1);
	EXPECT(iocs, log, "");
	snprintf(log, sizeof log, "%sa x%s %s_\n", sha256, md5, md5);
	EXPECT(iocs, log, "");
}

static void test_urls(void **state)
{
	(void)state;
	const char *iocs = "http://evil.example/gate.php?id=1A\nhttps://1.2.3.4:8443/x\n";
	EXPECT(iocs, "GET http://evil.example/gate.php?id=1A 200\n",
	       "1:http://evil.example/gate.php?id=1A ");
	EXPECT(iocs, "url=\"HTTP://EVIL.Example/gate.php?id=1A\"\n",
	       "1:http://evil.example/gate.php?id=1A ");
	EXPECT(iocs, "http://evil.example:80/gate.php?id=1A\n",
	       "1:http://evil.example/gate.php?id=1A ");
	EXPECT(iocs, "DownloadString('https://1.2.3.4:8443/x')\n", "1:https://1.2.3.4:8443/x ");
	/* decoys: path-extended, dir-extended; path case; glued scheme */
	EXPECT(iocs, "http://evil.example/gate.php?id=1A.bak\n", "");
	EXPECT(iocs, "https://1.2.3.4:8443/x/alpha https://1.2.3.4:8443/X\n", "");
	EXPECT(iocs, "http://evil.example/gate.php?id=1a xhttp://evil.example/gate.php?id=1A\n",
	       "");
	/* Hosts longer than the 16 bytes searched at a time for their end
	 * ('/', '?' or '#'): only the scheme and host are lowered. */
	const char *longer = "https://cdn-77.downloads.updates.example/Setup.exe\n"
			     "http://a-rather-long-host-name.example?Q=1\n"
			     "http://0123456789abcdef.example#TopOfPage\n";
	EXPECT(longer, "GET HTTPS://CDN-77.Downloads.Updates.Example:443/Setup.exe\n",
	       "1:https://cdn-77.downloads.updates.example/Setup.exe ");
	EXPECT(longer, "<a href=\"HTTP://A-Rather-Long-Host-Name.Example?Q=1\">\n",
	       "1:http://a-rather-long-host-name.example?Q=1 ");
	EXPECT(longer, "see http://0123456789ABCDEF.example#TopOfPage\n",
	       "1:http://0123456789abcdef.example#TopOfPage ");
	EXPECT(longer, "http://a-rather-long-host-name.example?q=1 "
		       "http://0123456789abcdef.example#topOfPage\n",
	       "");
}

static void test_emails(void **state)
{
	(void)state;
	const char *iocs = "boss.cfo7@invoice-pay.example\n";
	EXPECT(iocs, "to=Boss.CFO7@Invoice-Pay.example&x\n", "1:boss.cfo7@invoice-pay.example ");
	EXPECT(iocs, "xboss.cfo7@invoice-pay.example a.boss.cfo7@invoice-pay.example\n", "");
	EXPECT(iocs, "boss.cfo7@invoice-pay.example.org\n", "");
}

static void test_lines(void **state)
{
	(void)state;
	const char *iocs = "bad.com\n10.1.2.3\n";
	/* once per (line, indicator); CRLF; no final newline */
	EXPECT(iocs, "bad.com x.bad.com bad.com\r\n\r\n10.1.2.3 bad.com",
	       "1:bad.com 3:10.1.2.3 3:bad.com ");
	/* NUL bytes and invalid UTF-8 are just bytes between tokens */
	char log[] = "a\0b bad.com\xff\xfe\n\x80\xc3(10.1.2.3\0\n";
	char *got = sweep_log(iocs, log, sizeof log - 1, 0);
	assert_string_equal(got, "1:bad.com 2:10.1.2.3 ");
	free(got);
}

/* A line far longer than the read buffer, with indicators everywhere. */
static void test_long_lines(void **state)
{
	(void)state;
	size_t n = 300000;
	char *log = malloc(n + 64);
	assert_non_null(log);
	for (size_t i = 0; i < n; i++)
		log[i] = "abc xyz."[i % 8];
	memcpy(log + 10, " bad.com ", 9);
	memcpy(log + 150000, " 10.1.2.3 ", 10);
	memcpy(log + n - 12, " x.bad.com ", 11);
	memcpy(log + n - 1, "\nbad.com\n", 10);
	size_t len = n + 8;
	for (size_t buffer = 64; buffer <= 65536; buffer *= 32) {
		char *got = sweep_log("bad.com\n10.1.2.3\n", log, len, buffer);
		assert_string_equal(got, "1:bad.com 1:10.1.2.3 2:bad.com ");
		free(got);
	}
	free(log);
}

/* The file is read SWEEP_READ bytes at a time into a larger buffer: a token
 * longer than that is still swept whole ("bad.com" at the end of a read
 * must not be taken for a token of its own). */
static void test_long_token(void **state)
{
	(void)state;
	size_t n = SWEEP_READ;
	char *log = malloc(n + 64);
	assert_non_null(log);
	memset(log, 'a', n);
	memcpy(log + n, "bad.com\nx.bad.com\n", 18);
	char *got = sweep_log("bad.com\n", log, n + 18, 0);
	assert_string_equal(got, "2:bad.com ");
	free(got);
	free(log);
}

/* Every token kind across every position of a small buffer. */
static void test_buffer_boundaries(void **state)
{
	(void)state;
	const char *iocs = "bad.com\n10.1.2.3\n2a01:4f8::1\nhttp://u.example/p\n"
			   "0123456789abcdef0123456789abcdef\na@b.example\n";
	const char *line = "x bad.com 10.1.2.3 2a01:4f8::1 http://u.example/p "
			   "0123456789abcdef0123456789abcdef a@b.example\n";
	char log[4096];
	size_t k = 0;
	for (int i = 0; i < 20; i++)
		k += (size_t)snprintf(log + k, sizeof log - k, "pad %s", line + (i % 2));
	char *want = sweep_log(iocs, log, strlen(log), 0);
	assert_int_equal(strlen(want) > 100, 1);
	for (size_t buffer = 97; buffer < 200; buffer += 7) {
		char *got = sweep_log(iocs, log, strlen(log), buffer);
		if (strcmp(got, want))
			fail_msg("buffer %zu: got %s", buffer, got);
		free(got);
	}
	free(want);
}

/* The scanner works on 64-byte blocks and measures a token that crosses
 * into the block before or after with their masks: every token, at every
 * offset around two block boundaries, is found (or refused) the same. */
static void test_block_boundaries(void **state)
{
	(void)state;
	const char *iocs = "bad.com\n10.1.2.3\n2a01:4f8::1\n0123456789abcdef0123456789abcdef\n";
	static const struct token_case cases[] = {
		{"xxxxxxxxxxxxxxxxxxxx-10.1.2.3", "1:10.1.2.3 "},
		{"vvvvvvvvvvvvvvvvvvvv10.1.2.3", ""},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x.bad.com", "1:bad.com "},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 ".bad.com",
		 "1:bad.com "},
		{"notbad.com-cdn.net", ""},
		{"outside:2a01:4f8::1", "1:2a01:4f8::1 "},
		{"if_name_2a01:4f8::1", "1:2a01:4f8::1 "}, /* '_' ends an IPv6 run */
		{"2a01:4f8:0:0:0:0:0:1/64", "1:2a01:4f8::1 "},
		/* six colons, then IPv4: cut in the middle, neither block has
		 * the four colons in a row that start a visit on their own */
		{"2a01:4f8:0:0:0:0:0.0.0.1", "1:2a01:4f8::1 "},
		{"2a01:4f8::1:ffff", ""},
		{"0123456789ABCDEF0123456789abcdef", "1:0123456789abcdef0123456789abcdef "},
		{"0123456789abcdef0123456789abcdef0", ""},
	};
	expect_shifted(iocs, cases, sizeof cases / sizeof *cases, 140);
}

/* Scans p[0..n) with kernel k in one block; 0, or -1 when the processor
 * lacks k. */
static int scan_with(const struct matcher *m, enum scan_kernel k, const unsigned char *p, size_t n,
		     struct scan_out *out, uint64_t *lines)
{
	struct scanner sc;
	scanner_init(&sc, m, out);
	if (scanner_kernel(&sc, k)) {
		scanner_release(&sc);
		return -1;
	}
	scan_block(&sc, p, n);
	assert_int_equal(sc.oom, 0);
	*lines = sc.line;
	scanner_release(&sc);
	return 0;
}

/* Every byte-class kernel of this processor (SSE2, AVX2, AVX-512BW) finds
 * exactly what the C reference kernel finds, on text made of indicators,
 * near misses and every byte value at every alignment. */
static void test_kernels(void **state)
{
	(void)state;
	const char *iocs = "bad.com\nx.evil.net\n10.1.2.3\n198.51.100.0/24\n2a01:4f8::1\n"
			   "0123456789abcdef0123456789abcdef\nhttp://u.example/p?q=1\na@b.example\n"
			   "100.200.250.199\n255.255.255.255\n0.0.0.0\n9.9.9.9\n1.22.133.4\n";
	static const char *parts[] = {
		"bad.com", "notbad.com", "X.BAD.COM", "a.x.evil.net", "10.1.2.3", "10.1.2.30",
		"198.51.100.77:443", "2a01:4f8::1", "2a01:4f8:0::1/64", "::ffff:10.1.2.3",
		"0123456789ABCDEF0123456789abcdef", "0123456789abcdef0123456789abcdef0",
		"http://u.example/p?q=1", "HTTP://U.EXAMPLE/p?q=1", "a@b.example", "x_a@b.example",
		/* dotted quads: every octet length, leading zeros, out of range */
		"100.200.250.199", "255.255.255.255", "0.0.0.0", "9.9.9.9", "1.22.133.4",
		"010.1.2.3", "10.01.2.3", "10.1.2.03", "256.1.2.3", "255.255.255.256", "1000.1.2.3",
		"10.1..2.3", "...10.1.2.3..", "9.9.9.9.9", "1.22.133.40",
		" ", "\n", "\r\n", "\t", ":", "@", ".", "-", "_", "\"", "=",
	};
	struct ioc_set *set = ioc_set_new();
	assert_non_null(set);
	struct wr_err e = {0};
	assert_int_equal(ioc_read_list(set, iocs, strlen(iocs), "test", NULL, NULL, &e), 0);
	struct matcher *m;
	assert_int_equal(matcher_new(set, &m, &e), 0);
	size_t cap = 1 << 17, n = 0;
	unsigned char *text = malloc(cap);
	assert_non_null(text);
	uint32_t r = 12345;
	while (n + 64 < cap) {
		r = r * 1103515245u + 12345u;
		unsigned x = r >> 16;
		if (x % 5 == 0) {
			text[n++] = (unsigned char)(x >> 3); /* any byte: NUL, 0x80-0xff, ... */
		} else {
			const char *w = parts[x % (sizeof parts / sizeof *parts)];
			memcpy(text + n, w, strlen(w));
			n += strlen(w);
		}
	}
	struct scan_out ref = {0};
	uint64_t ref_lines;
	assert_int_equal(scan_with(m, SCAN_KERNEL_C, text, n, &ref, &ref_lines), 0);
	assert_true(ref.n > 100);
	/* SSE2 is part of x86-64; the C kernel alone elsewhere. */
	const enum scan_kernel ks[] = {SCAN_KERNEL_AUTO, SCAN_KERNEL_SSE2, SCAN_KERNEL_AVX2,
				       SCAN_KERNEL_AVX512};
	for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
		/* Every alignment of the text to the 64-byte blocks. */
		for (size_t shift = 0; shift < 64; shift += 7) {
			struct scan_out got = {0};
			uint64_t lines;
			if (scan_with(m, ks[i], text + shift, n - shift, &got, &lines)) {
#if defined(__x86_64__)
				assert_true(ks[i] != SCAN_KERNEL_SSE2 && ks[i] != SCAN_KERNEL_AUTO);
#endif
				break;
			}
			struct scan_out want = {0};
			uint64_t want_lines;
			assert_int_equal(scan_with(m, SCAN_KERNEL_C, text + shift, n - shift, &want,
						   &want_lines),
					 0);
			assert_int_equal(lines, want_lines);
			assert_int_equal(got.n, want.n);
			for (size_t h = 0; h < got.n; h++) {
				assert_int_equal(got.hits[h].ioc, want.hits[h].ioc);
				assert_int_equal(got.hits[h].line, want.hits[h].line);
				assert_int_equal(got.hits[h].off, want.hits[h].off);
			}
			scan_out_release(&got);
			scan_out_release(&want);
		}
	}
	scan_out_release(&ref);
	free(text);
	matcher_free(m);
	ioc_set_free(set);
}

/* Chunks of one big file on several threads give the same output. */
static void test_chunks_and_threads(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "%s/big.log", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 1; i <= 5000; i++)
		fprintf(f, "%d host%d.example %s\n", i, i,
			i % 97 == 0 ? "c2.bad.com" : i % 89 == 0 ? "10.1.2.3:443" : "-");
	assert_int_equal(fclose(f), 0);
	char *paths[] = {path};
	struct result a = sweep_paths("bad.com\n10.1.2.3\n", paths, 1, 0, 0, 1);
	assert_int_equal(a.st.hits, 5000 / 97 + 5000 / 89);
	assert_int_equal(a.st.lines, 5000);
	for (size_t chunk = 100; chunk < 100000; chunk *= 3) {
		struct result b = sweep_paths("bad.com\n10.1.2.3\n", paths, 1, 512, chunk, 3);
		assert_string_equal(a.out, b.out);
		assert_int_equal(b.st.lines, 5000);
		free(b.out);
	}
	/* line 97 is reported as line 97 */
	char want[512];
	snprintf(want, sizeof want, "%s\t97\tbad.com\tdomain\tc2.bad.com\n", path);
	assert_non_null(strstr(a.out, want));
	free(a.out);
}

static const char plain[] = "one\nx.bad.com\nthree 10.1.2.3\n";

static void test_compressed(void **state)
{
	(void)state;
	char gz[256], zst[256], trunc[256], named[256];
	snprintf(gz, sizeof gz, "%s/a.log.gz", dir);
	snprintf(zst, sizeof zst, "%s/b.log", dir); /* decided by content, not name */
	snprintf(trunc, sizeof trunc, "%s/c.log.gz", dir);
	snprintf(named, sizeof named, "%s/d.gz", dir); /* a plain file named .gz */
	gzFile g = gzopen(gz, "wb");
	assert_non_null(g);
	/* two members, as logrotate's concatenations make */
	assert_int_equal(gzwrite(g, plain, sizeof plain - 1), (int)sizeof plain - 1);
	assert_int_equal(gzclose(g), Z_OK);
	FILE *f = fopen(gz, "rb");
	unsigned char member[512];
	size_t mlen = fread(member, 1, sizeof member, f);
	fclose(f);
	f = fopen(gz, "ab");
	assert_int_equal(fwrite(member, 1, mlen, f), mlen);
	fclose(f);
	unsigned char z[512];
	size_t zn = ZSTD_compress(z, sizeof z, plain, sizeof plain - 1, 3);
	assert_int_equal(ZSTD_isError(zn), 0);
	write_file(zst, z, zn);
	/* a big member cut in the middle: what came before is still swept */
	char big[20000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = "bad.com 12345 qwerty\n"[i % 21];
	g = gzopen(trunc, "wb1");
	gzwrite(g, big, sizeof big);
	gzclose(g);
	struct stat st;
	assert_int_equal(stat(trunc, &st), 0);
	assert_int_equal(truncate(trunc, st.st_size / 2), 0);
	write_file(named, plain, sizeof plain - 1);

	char *paths[] = {gz, zst, named};
	struct result r = sweep_paths("bad.com\n10.1.2.3\n", paths, 3, 0, 0, 2);
	assert_int_equal(r.st.errors, 0);
	assert_int_equal(r.st.hits, 4 + 2 + 2);
	char want[1024];
	snprintf(want, sizeof want, "%s\t5\tbad.com\tdomain\tx.bad.com\n%s\t6\t10.1.2.3", gz, gz);
	assert_non_null(strstr(r.out, want));
	snprintf(want, sizeof want, "%s\t3\t10.1.2.3\tipv4\t10.1.2.3\n", zst);
	assert_non_null(strstr(r.out, want));
	free(r.out);

	char *tp[] = {trunc};
	r = sweep_paths("bad.com\n", tp, 1, 0, 0, 1);
	assert_int_equal(r.st.errors, 1);
	assert_true(r.st.hits > 10);
	free(r.out);
}

static void test_errors_and_loops(void **state)
{
	(void)state;
	char sub[256], loop[256], file[256], missing[256];
	snprintf(sub, sizeof sub, "%s/tree", dir);
	snprintf(loop, sizeof loop, "%s/tree/loop", dir);
	snprintf(file, sizeof file, "%s/tree/x.log", dir);
	snprintf(missing, sizeof missing, "%s/no-such-file", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(symlink(".", loop), 0);
	write_file(file, plain, sizeof plain - 1);
	char *paths[] = {missing, sub};
	struct result r = sweep_paths("bad.com\n", paths, 2, 0, 0, 2);
	/* the missing file is an error; the tree is swept; the loop is cut
	 * (the parent directory's files are swept once through the link) */
	assert_int_equal(r.st.errors, 1);
	char want[512];
	snprintf(want, sizeof want, "%s\t2\tbad.com\tdomain\tx.bad.com\n", file);
	assert_non_null(strstr(r.out, want));
	assert_null(strstr(strstr(r.out, want) + strlen(want), "tree/x.log\t2"));
	free(r.out);
}

static int run_cmd(char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	struct cli c = {.prog = "warroom"};
	fflush(stdout);
	return cmd_sweep(&c, argc, argv);
}

/* A signed pack is read only when its signature holds (exit 2 otherwise). */
static void test_pack_signature(void **state)
{
	(void)state;
	char pub[PACK_LINE_MAX], sec[PACK_LINE_MAX], pub2[PACK_LINE_MAX], sec2[PACK_LINE_MAX];
	char sig[PACK_LINE_MAX];
	struct wr_err e = {0};
	assert_int_equal(pack_keygen(pub, sec, &e), 0);
	assert_int_equal(pack_keygen(pub2, sec2, &e), 0);
	const char *pack = "{\"format\":\"warroom-pack\",\"version\":1,\"indicators\":"
			   "[{\"type\":\"domain\",\"value\":\"bad.com\",\"sources\":[\"wr\"]}]}\n";
	assert_int_equal(pack_sign(pack, strlen(pack), sec, sig, &e), 0);
	char pp[256], sp[256], kp[256], k2[256], log[256];
	snprintf(pp, sizeof pp, "%s/pack.json", dir);
	snprintf(sp, sizeof sp, "%s/pack.json.sig", dir);
	snprintf(kp, sizeof kp, "%s/pack.key", dir);
	snprintf(k2, sizeof k2, "%s/other.key", dir);
	snprintf(log, sizeof log, "%s/p.log", dir);
	write_file(pp, pack, strlen(pack));
	write_file(sp, sig, strlen(sig));
	write_file(kp, pub, strlen(pub));
	write_file(k2, pub2, strlen(pub2));
	write_file(log, plain, sizeof plain - 1);
	char *ok[] = {"sweep", "--quiet", "--iocs", pp, "--pack-key", kp, log, NULL};
	assert_int_equal(run_cmd(ok), 1);
	char *other[] = {"sweep", "--quiet", "--iocs", pp, "--pack-key", k2, log, NULL};
	assert_int_equal(run_cmd(other), 2);
	char *nokey[] = {"sweep", "--quiet", "--iocs", pp, log, NULL};
	unsetenv("WARROOM_PACK_KEY");
	assert_int_equal(run_cmd(nokey), 2);
	/* one byte changed */
	char changed[512];
	snprintf(changed, sizeof changed, "%s", pack);
	strstr(changed, "bad.com")[4] = 'x'; /* still a valid pack: bad.xom */
	write_file(pp, changed, strlen(changed));
	assert_int_equal(run_cmd(ok), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_domain_labels),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_emails),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_long_token),
		cmocka_unit_test(test_buffer_boundaries),
		cmocka_unit_test(test_block_boundaries),
		cmocka_unit_test(test_kernels),
		cmocka_unit_test(test_chunks_and_threads),
		cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_errors_and_loops),
		cmocka_unit_test(test_pack_signature),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
