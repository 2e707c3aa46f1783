/* gateway/dkim.h - DKIM signatures (RFC 6376) for the messages we build:
 * rsa-sha256 (RFC 8301), relaxed/relaxed canonicalisation.
 *
 * Optional: configured by [email] dkim_domain, dkim_selector and dkim_key
 * (the path of a PEM RSA private key of 1024 bits or more), all three or
 * none. The public key is published by the domain's owner as the TXT record
 * SELECTOR._domainkey.DOMAIN ("v=DKIM1; k=rsa; p=BASE64-DER"). */
#ifndef GATEWAY_DKIM_H
#define GATEWAY_DKIM_H

#include "common/buf.h"
#include "common/config.h"
#include "common/err.h"

struct gw_dkim;

/* Read the DKIM settings of cfg and load the key. *out is the caller's
 * (gw_dkim_close), or NULL when DKIM is not configured (returns 0). Some
 * but not all three keys set, a domain or selector that is not a DNS name,
 * or a key file that cannot be read or is not an RSA private key is
 * ERR_INPUT naming the key or the file. */
int gw_dkim_open(struct gw_dkim **out, const struct config *cfg, struct err *err);

/* Sign msg, a whole message as gw_mime_build makes it (CRLF lines, the
 * header, an empty line, the body), by prepending a "DKIM-Signature:"
 * header to it in place. Signed: From, To, Subject, Date, Message-ID,
 * MIME-Version, Content-Type, List-Unsubscribe and List-Unsubscribe-Post
 * where present, each also over-signed so that no second one can be added.
 * A message without From is ERR_INPUT; msg is then unchanged. d may be
 * shared by threads. */
int gw_dkim_sign(struct gw_dkim *d, struct buf *msg, struct err *err);

/* Free d; NULL does nothing. */
void gw_dkim_close(struct gw_dkim *d);

#endif
