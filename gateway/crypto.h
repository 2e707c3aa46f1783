/* gateway/crypto.h - the cryptography the gateway needs, over OpenSSL.
 *
 * SHA-256 (FIPS 180-4), whole or streamed; HMAC-SHA256 (RFC 2104); base64
 * (RFC 4648, section 4); RSA private keys read from unencrypted PEM, and RSASSA-PKCS1-v1_5 with
 * SHA-256 signatures by them (RFC 8017, as DKIM's rsa-sha256 needs). This is
 * the one file of ours that includes OpenSSL: swapping it for another
 * library touches crypto.c only. Failures carry OpenSSL's reason in err. */
#ifndef GATEWAY_CRYPTO_H
#define GATEWAY_CRYPTO_H

#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/err.h"

#define GW_CRYPTO_SHA256_LEN 32

/* The SHA-256 of data[0..len) into out. Fails (ERR_FAIL) only when the
 * library cannot compute it. */
int gw_crypto_sha256(unsigned char out[GW_CRYPTO_SHA256_LEN], const void *data, size_t len, struct err *err);

/* Fill out[0..n) with random bytes from the kernel (getrandom(2)).
 * ERR_FAIL only when the kernel gives none. */
int gw_crypto_random(unsigned char *out, size_t n, struct err *err);

/* The HMAC-SHA256 (RFC 2104) of data[0..len) under key[0..klen) into out.
 * Fails (ERR_FAIL) only when the library cannot compute it. */
int gw_crypto_hmac_sha256(unsigned char out[GW_CRYPTO_SHA256_LEN], const void *key, size_t klen, const void *data,
			  size_t len, struct err *err);

/* A SHA-256 computed piece by piece: _new, _add as often as needed, _final
 * once, _free (NULL does nothing). _add and _final fail as gw_crypto_sha256. */
struct gw_crypto_sha256;
struct gw_crypto_sha256 *gw_crypto_sha256_new(void);
int gw_crypto_sha256_add(struct gw_crypto_sha256 *h, const void *data, size_t len, struct err *err);
int gw_crypto_sha256_final(struct gw_crypto_sha256 *h, unsigned char out[GW_CRYPTO_SHA256_LEN], struct err *err);
void gw_crypto_sha256_free(struct gw_crypto_sha256 *h);

/* Append the base64 of data[0..len) to out, without line breaks. */
void gw_crypto_base64(struct buf *out, const void *data, size_t len);

/* A private key. */
struct gw_crypto_key;

/* Read an unencrypted PEM private key from f. An encrypted key is refused,
 * never asked for on the terminal. Anything that is no usable key is
 * ERR_INPUT, err's message the library's reason ("not a PEM private key"
 * when it gives none). *out is the caller's (gw_crypto_key_free). */
int gw_crypto_key_read(struct gw_crypto_key **out, FILE *f, struct err *err);
/* Is k an RSA key? */
int gw_crypto_key_is_rsa(const struct gw_crypto_key *k);
/* The size of k in bits. */
int gw_crypto_key_bits(const struct gw_crypto_key *k);
/* NULL does nothing. */
void gw_crypto_key_free(struct gw_crypto_key *k);

/* Append the RSA-SHA256 signature by k of data[0..len) to out (raw bytes).
 * ERR_FAIL with the library's reason when it cannot sign. k may be shared
 * by threads. */
int gw_crypto_sign_sha256(struct buf *out, struct gw_crypto_key *k, const void *data, size_t len, struct err *err);

#endif
