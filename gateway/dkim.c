/* gateway/dkim.c - DKIM signing (RFC 6376; rsa-sha256 as RFC 8301 requires)
 * of the messages gateway/mime.c builds.
 *
 * Why OpenSSL's libcrypto and not libopendkim: the hard part, RSA and
 * SHA-256, is libcrypto's, which is maintained and already on every machine
 * that runs libpq; what is left is relaxed canonicalisation (RFC 6376
 * section 3.4.2 and 3.4.4: a screenful of code, tested against an
 * independent verifier) and one header to write. libopendkim has had no
 * release since 2015, would be a second copy of the same crypto, and reads
 * the key only when the first message is signed, so a bad key would show up
 * in the middle of a campaign rather than when sending starts. This file is
 * the only one that includes OpenSSL.
 *
 * Each signed header name is listed in h= once more than it occurs
 * ("over-signing", RFC 6376 section 8.15): a verifier then also hashes the
 * absent extra instance as nothing, so a From or Subject added above ours
 * breaks the signature instead of being shown to the reader. */
#include "gateway/dkim.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/xalloc.h"
#include "gateway/crypto.h"
#include "common/banned.h"

/* RFC 8301 section 3.2: verifiers ignore signatures by smaller keys */
#define MIN_BITS 1024
/* where the header is folded: RFC 5322's recommended line length */
#define FOLD_AT 76

struct gw_dkim {
	char *domain, *selector;
	struct gw_crypto_key *key;
};

static const char *const signed_names[] = {
	"From",
	"To",
	"Subject",
	"Date",
	"Message-ID",
	"MIME-Version",
	"Content-Type",
	"List-Unsubscribe",
	"List-Unsubscribe-Post",
};

/* --------------------------------------------------------------- settings */

/* A domain or selector is dot-separated labels of letters, digits and
 * hyphens: it goes into the header as it is, so nothing else may. */
static int is_dns_name(const char *s)
{
	size_t label = 0;

	if (!*s || strlen(s) > 253)
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (!label)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)*s) || *s == '-' || *s == '_') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0;
}

static int load_key(struct gw_crypto_key **out, const char *path, struct err *err)
{
	FILE *f = fopen(path, "r");
	struct gw_crypto_key *key;
	struct err kerr = ERR_INIT;
	int rc;

	*out = NULL;
	if (!f)
		return err_set(err, ERR_INPUT, "could not read the DKIM key '%s' ([email] dkim_key): %s", path,
			       strerror(errno));
	rc = gw_crypto_key_read(&key, f, &kerr);
	fclose(f);
	if (rc) {
		err_set(err, ERR_INPUT, "the DKIM key '%s' ([email] dkim_key) is not a usable private key: %s", path,
			kerr.msg.data);
		err_hint(err, "make one with: openssl genrsa -out %s 2048 (unencrypted PEM)", path);
		err_release(&kerr);
		return err->code;
	}
	if (!gw_crypto_key_is_rsa(key)) {
		gw_crypto_key_free(key);
		return err_set(err, ERR_INPUT, "the DKIM key '%s' ([email] dkim_key) is not an RSA key", path);
	}
	if (gw_crypto_key_bits(key) < MIN_BITS) {
		int bits = gw_crypto_key_bits(key);
		gw_crypto_key_free(key);
		return err_set(err, ERR_INPUT,
			       "the DKIM key '%s' ([email] dkim_key) has %d bits: verifiers ignore keys under %d", path,
			       bits, MIN_BITS);
	}
	*out = key;
	return 0;
}

int gw_dkim_open(struct gw_dkim **out, const struct config *cfg, struct err *err)
{
	static const char *const keys[] = { "dkim_domain", "dkim_selector", "dkim_key" };
	const char *v[ARRAY_SIZE(keys)];
	struct buf missing = BUF_INIT;
	struct gw_dkim *d;
	size_t set = 0;
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		v[i] = config_get(cfg, "email", keys[i]);
		if (v[i])
			set++;
		else
			buf_addf(&missing, "%s%s", missing.len ? " and " : "", keys[i]);
	}
	if (set && set < ARRAY_SIZE(keys)) {
		rc = err_set(err, ERR_INPUT, "DKIM signing is half configured: [email] %s %s not set", missing.data,
			     set == 1 ? "are" : "is");
		err_hint(err, "set dkim_domain, dkim_selector and dkim_key together, or none of them");
	}
	buf_release(&missing);
	if (!set || rc)
		return rc;
	for (size_t i = 0; i < 2; i++)
		if (!is_dns_name(v[i]))
			return err_set(err, ERR_INPUT, "[email] %s: '%s' is not a domain name", keys[i], v[i]);

	d = xcalloc(1, sizeof(*d));
	rc = load_key(&d->key, v[2], err);
	if (rc) {
		free(d);
		return rc;
	}
	d->domain = xstrdup(v[0]);
	d->selector = xstrdup(v[1]);
	*out = d;
	return 0;
}

void gw_dkim_close(struct gw_dkim *d)
{
	if (!d)
		return;
	gw_crypto_key_free(d->key);
	free(d->domain);
	free(d->selector);
	free(d);
}

/* ------------------------------------------------------- canonicalisation */

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 6376 3.4.2, relaxed header canonicalisation of one field (its lines
 * with their CRLFs): the name in lower case, unfolded, runs of white space
 * made one space, none at the end of the value or around the colon. No
 * CRLF is added. */
static void canon_header(struct buf *out, const char *f, size_t len)
{
	const char *colon = memchr(f, ':', len), *end = f + len;
	const char *name_end = colon;
	int space = 0;

	while (name_end > f && is_wsp(name_end[-1]))
		name_end--;
	for (const char *p = f; p < name_end; p++)
		buf_addch(out, (char)tolower((unsigned char)*p));
	buf_addch(out, ':');
	for (const char *p = colon + 1; p < end; p++) {
		if (*p == '\r' || *p == '\n' || is_wsp(*p)) {
			space = 1;
			continue;
		}
		if (space && out->data[out->len - 1] != ':')
			buf_addch(out, ' ');
		space = 0;
		buf_addch(out, *p);
	}
}

/* RFC 6376 3.4.4, relaxed body canonicalisation, hashed as it goes: runs
 * of white space made one space and none at the end of a line, no empty
 * lines at the end, and a final CRLF unless the body is empty. */
static int hash_body(struct gw_crypto_sha256 *md, const char *b, size_t len, struct err *err)
{
	struct buf line = BUF_INIT;
	size_t empty = 0; /* empty lines held back: they count only if more follows */
	const char *end = b + len;
	int rc = 0;

	while (b < end && !rc) {
		const char *nl = b, *next;
		int space = 0;

		while (nl + 1 < end && !(nl[0] == '\r' && nl[1] == '\n'))
			nl++;
		if (nl + 1 >= end)
			nl = end; /* the last line, without CRLF */
		next = nl == end ? end : nl + 2;
		buf_reset(&line);
		for (const char *p = b; p < nl; p++) {
			if (is_wsp(*p)) {
				space = 1;
				continue;
			}
			if (space)
				buf_addch(&line, ' ');
			space = 0;
			buf_addch(&line, *p);
		}
		b = next;
		if (!line.len) {
			empty++;
			continue;
		}
		for (; empty && !rc; empty--)
			rc = gw_crypto_sha256_add(md, "\r\n", 2, err);
		buf_adds(&line, "\r\n");
		if (!rc)
			rc = gw_crypto_sha256_add(md, line.data, line.len, err);
	}
	buf_release(&line);
	return rc;
}

/* ------------------------------------------------------------------ signing */

struct field {
	const char *at;
	size_t len; /* with its CRLF(s) */
};

/* The header's fields, in order; returns where the body starts. */
static size_t split_fields(struct field **out, size_t *nr, const char *m, size_t len)
{
	size_t alloc = 0, i = 0;

	*out = NULL;
	*nr = 0;
	while (i < len) {
		size_t start = i;
		if (m[i] == '\r' && i + 1 < len && m[i + 1] == '\n')
			return i + 2; /* the empty line */
		/* a field runs to the CRLF not followed by white space (a fold) */
		for (;;) {
			const char *crlf = memmem(m + i, len - i, "\r\n", 2);
			i = crlf ? (size_t)(crlf - m) + 2 : len;
			if (i >= len || !is_wsp(m[i]))
				break;
		}
		ALLOC_GROW(*out, *nr + 1, alloc);
		(*out)[(*nr)++] = (struct field){ m + start, i - start };
	}
	return len;
}

static int field_is(const struct field *f, const char *name)
{
	size_t n = strlen(name);
	const char *p = f->at + n;

	if (f->len <= n || strncasecmp(f->at, name, n))
		return 0;
	while (p < f->at + f->len && is_wsp(*p))
		p++;
	return p < f->at + f->len && *p == ':';
}

/* Append s to the header being folded: on this line after sep when it
 * fits, else on a new line. *col is the current line's length. */
static void fold_add(struct buf *h, size_t *col, const char *sep, const char *s)
{
	size_t n = strlen(s);

	if (*col + strlen(sep) + n > FOLD_AT && *col > 1) {
		buf_adds(h, "\r\n\t");
		*col = 1;
	} else {
		buf_adds(h, sep);
		*col += strlen(sep);
	}
	buf_adds(h, s);
	*col += n;
}

int gw_dkim_sign(struct gw_dkim *d, struct buf *msg, struct err *err)
{
	static const char prefix[] = "DKIM-Signature:";
	struct buf hdr = BUF_INIT, canon = BUF_INIT, b64 = BUF_INIT, out = BUF_INIT;
	struct field *fields = NULL;
	size_t nr, body, col, signed_nr = 0;
	struct buf sig = BUF_INIT;
	unsigned char bh[GW_CRYPTO_SHA256_LEN];
	struct gw_crypto_sha256 *md = gw_crypto_sha256_new();
	int rc = 0, has_from = 0;
	char tag[64];

	body = split_fields(&fields, &nr, msg->data, msg->len);
	for (size_t i = 0; i < nr; i++)
		has_from |= field_is(&fields[i], "From");
	if (!has_from) {
		rc = err_set(err, ERR_INPUT, "cannot sign a message without a From header (DKIM)");
		goto done;
	}

	/* bh=: the hash of the canonical body */
	if ((rc = hash_body(md, msg->data + body, msg->len - body, err)) ||
	    (rc = gw_crypto_sha256_final(md, bh, err))) {
		err_prefix(err, "could not hash a message for DKIM: ");
		goto done;
	}
	gw_crypto_base64(&b64, bh, sizeof(bh));

	/* the header without the signature: b= empty, folded as it will be sent */
	buf_adds(&hdr, prefix);
	col = strlen(prefix);
	fold_add(&hdr, &col, " ", "v=1;");
	fold_add(&hdr, &col, " ", "a=rsa-sha256;");
	fold_add(&hdr, &col, " ", "c=relaxed/relaxed;");
	buf_reset(&canon);
	buf_addf(&canon, "d=%s;", d->domain);
	fold_add(&hdr, &col, " ", canon.data);
	buf_reset(&canon);
	buf_addf(&canon, "s=%s;", d->selector);
	fold_add(&hdr, &col, " ", canon.data);
	snprintf(tag, sizeof(tag), "t=%lld;", (long long)time(NULL));
	fold_add(&hdr, &col, " ", tag);
	for (size_t n = 0; n < ARRAY_SIZE(signed_names); n++) {
		size_t count = 0;
		for (size_t i = 0; i < nr; i++)
			count += field_is(&fields[i], signed_names[n]);
		/* present ones, and one more (over-signed); absent ones not at all */
		for (size_t k = 0; count && k <= count; k++) {
			snprintf(tag, sizeof(tag), "%s%s", signed_nr ? ":" : "h=", signed_names[n]);
			fold_add(&hdr, &col, signed_nr ? "" : " ", tag);
			signed_nr++;
		}
	}
	buf_addch(&hdr, ';');
	col++;
	buf_reset(&canon);
	buf_addf(&canon, "bh=%s;", b64.data);
	fold_add(&hdr, &col, " ", canon.data);
	fold_add(&hdr, &col, " ", "b=");

	/* the signed data: each signed field in h= order, the last instance of a
	 * name first (RFC 6376 5.4.2), then our header with b= empty, no CRLF */
	buf_reset(&canon);
	for (size_t n = 0; n < ARRAY_SIZE(signed_names); n++) {
		size_t i = nr;
		while (i-- > 0)
			if (field_is(&fields[i], signed_names[n])) {
				canon_header(&canon, fields[i].at, fields[i].len);
				buf_adds(&canon, "\r\n");
			}
	}
	canon_header(&canon, hdr.data, hdr.len);
	if ((rc = gw_crypto_sign_sha256(&sig, d->key, canon.data, canon.len, err))) {
		err_prefix(err, "could not sign a message for DKIM: ");
		goto done;
	}

	/* b=, folded anywhere: a verifier removes it whole, white space too */
	buf_reset(&b64);
	gw_crypto_base64(&b64, sig.data, sig.len);
	for (size_t at = 0; at < b64.len;) {
		size_t n = FOLD_AT > col ? FOLD_AT - col : 0;
		if (!n) {
			buf_adds(&hdr, "\r\n\t");
			col = 1;
			continue;
		}
		if (n > b64.len - at)
			n = b64.len - at;
		buf_add(&hdr, b64.data + at, n);
		col += n;
		at += n;
	}
	buf_adds(&hdr, "\r\n");

	buf_grow(&out, hdr.len + msg->len);
	buf_add(&out, hdr.data, hdr.len);
	buf_add(&out, msg->data, msg->len);
	out.cap = msg->cap;
	buf_release(msg);
	*msg = out;
	buf_init(&out);
done:
	buf_release(&sig);
	gw_crypto_sha256_free(md);
	free(fields);
	buf_release(&out);
	buf_release(&b64);
	buf_release(&canon);
	buf_release(&hdr);
	return rc;
}
