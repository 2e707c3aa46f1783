/* gateway/tls.c - a TLS server's certificate against its pinned fingerprint. */
#include "gateway/tls.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/hex.h"
#include "common/log.h"
#include "gateway/crypto.h"
#include "common/banned.h"

/* Is pin (hex, with or without colons and spaces, any case) the digest md? */
static int same_fingerprint(const char *pin, const unsigned char *md, unsigned len)
{
	unsigned i = 0;
	for (const char *p = pin; *p; p++) {
		int v;
		if (*p == ':' || *p == ' ')
			continue;
		if (i >= 2 * len || (v = hex_digit(*p)) < 0)
			return 0;
		if ((unsigned)v != ((i % 2 ? md[i / 2] : md[i / 2] >> 4) & 0xfu))
			return 0;
		i++;
	}
	return i == 2 * len;
}

int gw_tls_loopback(int fd)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof(a);

	if (fd < 0 || getpeername(fd, (struct sockaddr *)&a, &len))
		return 0;
	if (a.ss_family == AF_INET)
		return (ntohl(((struct sockaddr_in *)&a)->sin_addr.s_addr) >> 24) == 127;
	return a.ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&a)->sin6_addr);
}

int gw_tls_check(const unsigned char *der, size_t n, const char *where, const char *pin, int loopback, int *told,
		 struct err *err)
{
	unsigned char md[GW_CRYPTO_SHA256_LEN];
	unsigned len = sizeof(md);
	struct buf hex = BUF_INIT;
	struct err herr = ERR_INIT;
	int ok = n > 0 && !gw_crypto_sha256(md, der, n, &herr), rc = 0;

	err_release(&herr);
	for (unsigned i = 0; ok && i < len; i++)
		buf_addf(&hex, "%s%02X", i ? ":" : "", md[i]);
	if (!pin) {
		if (ok && !*told && !loopback)
			log_warn(
				"%s: its TLS certificate is not checked (SHA-256 %s); pin it with tls_fingerprint = %s",
				where, hex.data, hex.data);
		*told = 1;
	} else if (!ok) {
		rc = err_set(err, ERR_INPUT, "%s: could not read its TLS certificate to check it", where);
	} else if (!same_fingerprint(pin, md, len)) {
		rc = err_set(err, ERR_INPUT,
			     "%s: its TLS certificate (SHA-256 %s) is not the one tls_fingerprint names", where,
			     hex.data);
		err_hint(err,
			 "a certificate renewed on purpose needs the new fingerprint; otherwise someone is in between");
	}
	buf_release(&hex);
	return rc;
}
