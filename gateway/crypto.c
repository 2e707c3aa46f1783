/* gateway/crypto.c - SHA-256, HMAC-SHA256, base64, RSA-SHA256 signatures
 * over OpenSSL (FIPS 180-4, RFC 2104, RFC 4648, RFC 8017); the one file
 * that includes OpenSSL. */
#include "gateway/crypto.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "common/xalloc.h"
#include "common/banned.h"

struct gw_crypto_sha256 {
	EVP_MD_CTX *md;
};

struct gw_crypto_key {
	EVP_PKEY *pkey;
};

/* OpenSSL's first queued error, or fallback; the queue is emptied, so that
 * no later failure reports this one's reason. */
static int fail(struct err *err, int code, const char *fallback)
{
	unsigned long e = ERR_peek_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	err_set(err, code, "%s", r ? r : fallback);
	ERR_clear_error();
	return code;
}

int gw_crypto_sha256(unsigned char out[GW_CRYPTO_SHA256_LEN], const void *data, size_t len, struct err *err)
{
	unsigned n = 0;

	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) || n != GW_CRYPTO_SHA256_LEN)
		return fail(err, ERR_FAIL, "SHA-256 is not available");
	return 0;
}

/* From the kernel rather than OpenSSL's generator: what survey tokens are
 * drawn from is named by the issue (getrandom(2)), and it blocks only
 * until the kernel's pool is first ready. */
int gw_crypto_random(unsigned char *out, size_t n, struct err *err)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(out + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return err_set(err, ERR_FAIL, "could not draw random bytes: %s", strerror(errno));
		got += (size_t)r;
	}
	return 0;
}

int gw_crypto_hmac_sha256(unsigned char out[GW_CRYPTO_SHA256_LEN], const void *key, size_t klen, const void *data,
			  size_t len, struct err *err)
{
	unsigned n = 0;

	if (klen > INT_MAX || !HMAC(EVP_sha256(), key, (int)klen, data, len, out, &n) || n != GW_CRYPTO_SHA256_LEN)
		return fail(err, ERR_FAIL, "HMAC-SHA256 is not available");
	return 0;
}

struct gw_crypto_sha256 *gw_crypto_sha256_new(void)
{
	struct gw_crypto_sha256 *h = xcalloc(1, sizeof(*h));

	if (!(h->md = EVP_MD_CTX_new()))
		BUG("out of memory");
	/* an init that fails shows at the first _add, which then fails */
	if (!EVP_DigestInit_ex(h->md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(h->md);
		h->md = NULL;
	}
	return h;
}

int gw_crypto_sha256_add(struct gw_crypto_sha256 *h, const void *data, size_t len, struct err *err)
{
	if (!h->md || !EVP_DigestUpdate(h->md, data, len))
		return fail(err, ERR_FAIL, "SHA-256 is not available");
	return 0;
}

int gw_crypto_sha256_final(struct gw_crypto_sha256 *h, unsigned char out[GW_CRYPTO_SHA256_LEN], struct err *err)
{
	unsigned n = 0;

	if (!h->md || !EVP_DigestFinal_ex(h->md, out, &n) || n != GW_CRYPTO_SHA256_LEN)
		return fail(err, ERR_FAIL, "SHA-256 is not available");
	return 0;
}

void gw_crypto_sha256_free(struct gw_crypto_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->md);
	free(h);
}

void gw_crypto_base64(struct buf *out, const void *data, size_t len)
{
	size_t at = out->len;

	buf_grow(out, 4 * ((len + 2) / 3) + 1);
	out->len += (size_t)EVP_EncodeBlock((unsigned char *)out->data + at, data, (int)len);
	out->data[out->len] = '\0';
}

/* An encrypted key would make OpenSSL ask on the terminal: refuse instead. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int gw_crypto_key_read(struct gw_crypto_key **out, FILE *f, struct err *err)
{
	EVP_PKEY *pkey;

	*out = NULL;
	ERR_clear_error();
	if (!(pkey = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL)))
		return fail(err, ERR_INPUT, "not a PEM private key");
	*out = xcalloc(1, sizeof(**out));
	(*out)->pkey = pkey;
	return 0;
}

int gw_crypto_key_is_rsa(const struct gw_crypto_key *k)
{
	return EVP_PKEY_get_base_id(k->pkey) == EVP_PKEY_RSA;
}

int gw_crypto_key_bits(const struct gw_crypto_key *k)
{
	return EVP_PKEY_get_bits(k->pkey);
}

void gw_crypto_key_free(struct gw_crypto_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

int gw_crypto_sign_sha256(struct buf *out, struct gw_crypto_key *k, const void *data, size_t len, struct err *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t siglen = 0;
	int rc = 0;

	if (!md)
		BUG("out of memory");
	ERR_clear_error();
	/* the first call sizes the signature, the second makes it */
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, data, len) != 1) {
		rc = fail(err, ERR_FAIL, "the key cannot sign");
		goto done;
	}
	sig = xmalloc(siglen);
	if (EVP_DigestSign(md, sig, &siglen, data, len) != 1) {
		rc = fail(err, ERR_FAIL, "the key cannot sign");
		goto done;
	}
	buf_add(out, sig, siglen);
done:
	free(sig);
	EVP_MD_CTX_free(md);
	return rc;
}
