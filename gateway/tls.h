/* gateway/tls.h - what crmgate checks of a TLS connection libetpan made.
 *
 * libetpan hands over the server's certificate without its chain, so it
 * cannot be checked against certificate authorities here. It can be pinned
 * instead: the SHA-256 fingerprint of the certificate ("AB:CD:...", as
 * `openssl x509 -fingerprint -sha256` prints it) in the configuration. Used
 * by the SMTP client ([email] tls_fingerprint) and the IMAP reader
 * ([mailbox] tls_fingerprint). */
#ifndef GATEWAY_TLS_H
#define GATEWAY_TLS_H

#include <libetpan/libetpan.h>

#include "common/err.h"

/* Is the other end of stream this machine (127.0.0.0/8 or ::1)? */
int gw_tls_loopback(mailstream *stream);

/* Check the certificate of stream (a TLS connection to where) against pin
 * (colons and case free; NULL: not pinned). Unpinned, the fingerprint is
 * logged once for *told (not for a loopback server). A certificate that is
 * not the pinned one, or cannot be read, is ERR_INPUT naming both. */
int gw_tls_check(mailstream *stream, const char *where, const char *pin, int loopback, int *told, struct err *err);

#endif
