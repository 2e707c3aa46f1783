/* common/utf8.h - UTF-8 decoding, and what XML 1.0 and a terminal may be
 * given of it.
 *
 * Every text crmgate writes into XML (Word parts, SVG, HTML pages) and every
 * value it shows on a terminal passes through here, so that a value from a
 * file, the database or an e-mail can neither break the XML (XML 1.0 section
 * 2.2 forbids C0 controls other than tab, line feed and carriage return, the
 * surrogates, U+FFFE and U+FFFF) nor steer the operator's terminal (ESC and
 * the other C0 and C1 controls). */
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* The length (1-4) of the UTF-8 character at s, at most len bytes long, and
 * its code point in *cp; 0 when s does not start a valid, shortest-form
 * character (a surrogate or a value past U+10FFFF is invalid too). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Is s (of length len) valid UTF-8 without NUL bytes? */
int utf8_valid(const char *s, size_t len);

/* May code point cp appear in an XML 1.0 document? */
int utf8_xml_char(uint32_t cp);

/* Is cp a control character (C0 but tab and line feed, DEL, C1) that a
 * terminal would take as a command? Carriage return counts: it rewrites
 * the line. */
int utf8_control(uint32_t cp);

/* The offset of the first character of s that XML 1.0 forbids or that is a
 * control character other than tab, line feed and carriage return (what an
 * import refuses), or -1 when there is none. Invalid UTF-8 counts as
 * forbidden. *cp_out gets the code point (0xFFFFFFFF for invalid bytes). */
long utf8_find_forbidden(const char *s, size_t len, uint32_t *cp_out);

/* Append s to out escaped for XML and HTML text and attribute values: & < > "
 * and ' as references; a character XML forbids is left out when it is a
 * control character and replaced by U+FFFD otherwise (U+FFFE, U+FFFF,
 * invalid bytes), so that what is written is always well-formed. Returns -1
 * and leaves out as it was when out's cap is reached. */
int utf8_add_xml(struct buf *out, const char *s, size_t len);

/* Append s to out as a terminal may show it: control characters (and
 * invalid bytes) become visible escapes, "\x1b", "\r", "\u009b"; tab and line
 * feed stay when keep_lines, else they are escaped too. */
void utf8_add_visible(struct buf *out, const char *s, size_t len, int keep_lines);

#endif
