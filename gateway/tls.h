/* gateway/tls.h - what crmgate checks of a TLS connection.
 *
 * libetpan hands over the server's certificate without its chain, so it
 * cannot be checked against certificate authorities here. It can be pinned
 * instead: the SHA-256 fingerprint of the certificate ("AB:CD:...", as
 * `openssl x509 -fingerprint -sha256` prints it) in the configuration. Used
 * by the SMTP client ([email] tls_fingerprint) and the IMAP reader
 * ([mailbox] tls_fingerprint), which hand over what is checked (the socket,
 * the certificate's bytes) in no library's types. */
#ifndef GATEWAY_TLS_H
#define GATEWAY_TLS_H

#include <stddef.h>

#include "common/err.h"

/* Is the other end of the connected socket fd this machine (127.0.0.0/8 or
 * ::1)? No (0) when fd is no connected socket. */
int gw_tls_loopback(int fd);

/* Check the server's certificate der[0..len) (DER; len 0: none could be
 * read) of a TLS connection to where against pin (colons and case free;
 * NULL: not pinned). Unpinned, the fingerprint is logged once for *told
 * (not for a loopback server). A certificate that is not the pinned one, or
 * cannot be read, is ERR_INPUT naming both. */
int gw_tls_check(const unsigned char *der, size_t len, const char *where, const char *pin, int loopback, int *told,
		 struct err *err);

#endif
