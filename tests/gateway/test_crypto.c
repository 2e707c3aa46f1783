/* tests/gateway/test_crypto.c - the crypto wrapper (SHA-256, HMAC and
 * base64 against their standards' test vectors), the TLS pin check on plain bytes,
 * and the rule that keeps them there: an outside library is included by .c
 * files of ours only (no header of ours makes its users include it), and
 * OpenSSL by gateway/crypto.c alone. */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/crypto.h"
#include "gateway/tls.h"

static void hex(struct buf *out, const unsigned char *md, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_addf(out, "%02x", md[i]);
}

/* FIPS 180-4's examples (from NIST's "SHA256.pdf"), whole and in pieces. */
Test(crypto, sha256_test_vectors_whole_and_streamed)
{
	static const struct {
		const char *in, *md;
	} cases[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	struct err err = ERR_INIT;
	struct buf got = BUF_INIT;
	unsigned char md[GW_CRYPTO_SHA256_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = strlen(cases[i].in);
		struct gw_crypto_sha256 *h = gw_crypto_sha256_new();

		assert_ok(gw_crypto_sha256(md, cases[i].in, len, &err), &err);
		buf_reset(&got);
		hex(&got, md, sizeof(md));
		cr_expect_str_eq(got.data, cases[i].md, "'%s'", cases[i].in);
		/* a byte at a time gives the same */
		for (size_t k = 0; k < len; k++)
			assert_ok(gw_crypto_sha256_add(h, cases[i].in + k, 1, &err), &err);
		assert_ok(gw_crypto_sha256_final(h, md, &err), &err);
		gw_crypto_sha256_free(h);
		buf_reset(&got);
		hex(&got, md, sizeof(md));
		cr_expect_str_eq(got.data, cases[i].md, "'%s' streamed", cases[i].in);
	}
	gw_crypto_sha256_free(NULL);
	buf_release(&got);
}

/* RFC 4231's cases 1, 2 and 6 (a key longer than SHA-256's block, which
 * HMAC hashes first). */
Test(crypto, hmac_sha256_test_vectors)
{
	static const struct {
		unsigned char key_byte;
		size_t key_len;
		const char *key, *data, *mac;
	} cases[] = {
		{ 0x0b, 20, NULL, "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ 0, 4, "Jefe", "what do ya want for nothing?",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ 0xaa, 131, NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	};
	struct err err = ERR_INIT;
	struct buf got = BUF_INIT;
	unsigned char md[GW_CRYPTO_SHA256_LEN], key[131];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].key)
			memcpy(key, cases[i].key, cases[i].key_len);
		else
			memset(key, cases[i].key_byte, cases[i].key_len);
		assert_ok(gw_crypto_hmac_sha256(md, key, cases[i].key_len, cases[i].data, strlen(cases[i].data), &err),
			  &err);
		buf_reset(&got);
		hex(&got, md, sizeof(md));
		cr_expect_str_eq(got.data, cases[i].mac, "case %zu", i);
	}
	buf_release(&got);
}

/* RFC 4648, section 10, appended after what out holds. */
Test(crypto, base64_test_vectors)
{
	static const char *const cases[][2] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		buf_reset(&out);
		buf_adds(&out, "x=");
		gw_crypto_base64(&out, cases[i][0], strlen(cases[i][0]));
		cr_expect_eq(out.len, 2 + strlen(cases[i][1]));
		cr_expect_str_eq(out.data + 2, cases[i][1], "'%s'", cases[i][0]);
	}
	buf_release(&out);
}

Test(crypto, what_is_no_key_is_refused_with_a_reason)
{
	struct gw_crypto_key *k = (struct gw_crypto_key *)&k;
	struct err err = ERR_INIT;
	FILE *f = tmpfile();

	cr_assert(f);
	fputs("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n", f);
	rewind(f);
	cr_expect_eq(gw_crypto_key_read(&k, f, &err), ERR_INPUT);
	cr_expect_null(k);
	cr_expect(err.msg.len > 0);
	fclose(f);
	err_release(&err);
	gw_crypto_key_free(NULL);
}

/* The pin is checked against the certificate's bytes, whichever library
 * made the connection: with or without colons, in any case. */
Test(tls, a_certificate_against_its_pin)
{
	static const unsigned char der[] = "not really DER, but bytes all the same";
	unsigned char md[GW_CRYPTO_SHA256_LEN];
	struct buf pin = BUF_INIT, lower = BUF_INIT;
	struct err err = ERR_INIT;
	int told = 0;

	assert_ok(gw_crypto_sha256(md, der, sizeof(der), &err), &err);
	for (size_t i = 0; i < sizeof(md); i++) {
		buf_addf(&pin, "%s%02X", i ? ":" : "", md[i]);
		buf_addf(&lower, "%02x", md[i]);
	}
	assert_ok(gw_tls_check(der, sizeof(der), "server x", pin.data, 0, &told, &err), &err);
	assert_ok(gw_tls_check(der, sizeof(der), "server x", lower.data, 0, &told, &err), &err);
	cr_expect_eq(told, 0);
	/* unpinned: told once, accepted */
	assert_ok(gw_tls_check(der, sizeof(der), "server x", NULL, 1, &told, &err), &err);
	cr_expect_eq(told, 1);
	/* another certificate */
	cr_expect_eq(gw_tls_check(der, sizeof(der) - 1, "server x", pin.data, 0, &told, &err), ERR_INPUT);
	cr_expect(strstr(err.msg.data, "server x: its TLS certificate (SHA-256 "), "%s", err.msg.data);
	cr_expect(strstr(err.msg.data, "is not the one tls_fingerprint names"), "%s", err.msg.data);
	err_release(&err);
	/* none could be read */
	cr_expect_eq(gw_tls_check(NULL, 0, "server x", pin.data, 0, &told, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "server x: could not read its TLS certificate to check it");
	err_release(&err);
	buf_release(&pin);
	buf_release(&lower);
}

Test(tls, loopback_is_told_by_the_socket)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), pair[2];

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(l >= 0 && c >= 0);
	cr_assert_eq(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(listen(l, 1), 0);
	cr_assert_eq(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	cr_assert_eq(connect(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_expect_eq(gw_tls_loopback(c), 1);
	/* not connected, no socket, not an IP socket */
	cr_expect_eq(gw_tls_loopback(l), 0);
	cr_expect_eq(gw_tls_loopback(-1), 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	cr_expect_eq(gw_tls_loopback(pair[0]), 0);
	close(pair[0]);
	close(pair[1]);
	close(c);
	close(l);
}

/* ---- the source tree: one file per library, none through a header ---- */

/* The folder the tests were built from: __FILE__ is
 * tests/gateway/test_crypto.c, relative to it or absolute. */
static char *source_root(void)
{
	const char *at = strstr(__FILE__, "tests/gateway/test_crypto.c");
	char *root = at ? xstrfmt("%.*s.", (int)(at - __FILE__), __FILE__) : xstrdup(".");
	char *probe = xstrfmt("%s/gateway/crypto.c", root);

	cr_assert_eq(access(probe, R_OK), 0, "the source tree is not at '%s' (run from the top folder)", root);
	free(probe);
	return root;
}

/* Append "DIR/NAME" to found (one per line) for each .c or .h file of the
 * source folders that includes a header starting with lib. */
static void includers(struct buf *found, const char *root, const char *lib)
{
	static const char *const dirs[] = { "analytics", "cli", "common", "crm", "gateway", "merge" };
	char *needle = xstrfmt("#include <%s", lib);

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *path = xstrfmt("%s/%s", root, dirs[i]);
		struct dirent **names;
		int n = scandir(path, &names, NULL, alphasort);
		cr_assert(n >= 0, "%s", path);
		for (int k = 0; k < n; k++) {
			const char *name = names[k]->d_name;
			size_t len = strlen(name);
			if (len > 2 && name[len - 2] == '.' && (name[len - 1] == 'c' || name[len - 1] == 'h')) {
				char *file = xstrfmt("%s/%s", path, name);
				char *text = test_slurp(file);
				if (strstr(text, needle))
					buf_addf(found, "%s/%s\n", dirs[i], name);
				free(text);
				free(file);
			}
			free(names[k]);
		}
		free(names);
		free(path);
	}
	free(needle);
}

Test(tree, each_library_is_included_by_its_own_files_and_no_header)
{
	static const struct {
		const char *lib, *files;
	} libs[] = {
		{ "openssl/", "gateway/crypto.c\n" },
		{ "libpq-fe.h", "crm/db.c\n" },
		{ "zip.h", "merge/docx_zip.c\n" },
		{ "libxml/", "merge/docx_xml.c\n" },
		{ "curl/", "gateway/sms_http.c\n" },
		{ "microhttpd.h", "common/httpd.c\n" },
		/* the SMTP client, the IMAP reader, the MIME writer and the MIME
		 * reader each use their own part of libetpan; no header of ours
		 * passes it on */
		{ "libetpan/", "gateway/imap.c\ngateway/mime.c\ngateway/mime_read.c\ngateway/smtp.c\n" },
	};
	char *root = source_root();
	struct buf found = BUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(libs); i++) {
		buf_reset(&found);
		includers(&found, root, libs[i].lib);
		cr_expect_str_eq(found.data, libs[i].files, "<%s...> is included by:\n%s", libs[i].lib, found.data);
	}
	buf_release(&found);
	free(root);
}
