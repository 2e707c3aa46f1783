/* gateway/sms_text.h - an SMS text before it is sent: its encoding, length and
 * segments (3GPP TS 23.038 GSM 7-bit default alphabet and extension table, or
 * UCS-2), the marketing decoration of SPEC section 5 and 8 (signature, opt-out
 * suffix) and quiet hours.
 *
 * A text is UTF-8. It goes as GSM 7-bit when every character is in the default
 * alphabet or its extension table (an extension character costs two septets:
 * the escape and the character), otherwise as UCS-2, counted in UTF-16 code
 * units (a character outside the BMP is a surrogate pair, two units). One SMS
 * holds 160 septets or 70 units; a concatenated one loses room to its header
 * and holds 153 or 67 per part. */
#ifndef GATEWAY_SMS_TEXT_H
#define GATEWAY_SMS_TEXT_H

#include <stddef.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"

/* The values are Kannel's coding parameter. */
enum gw_sms_coding { GW_SMS_GSM7 = 0, GW_SMS_UCS2 = 2 };

#define GW_SMS_GSM7_SINGLE 160
#define GW_SMS_GSM7_PART   153
#define GW_SMS_UCS2_SINGLE 70
#define GW_SMS_UCS2_PART   67

struct gw_sms_info {
	enum gw_sms_coding coding;
	size_t chars;	 /* Unicode characters */
	size_t units;	 /* septets (GSM 7-bit) or UTF-16 code units (UCS-2) */
	size_t segments; /* SMS parts it is sent as; an empty text is one */
	size_t per_part; /* the room of each part: 160, 153, 70 or 67 */
};

/* The name of a coding for people: "GSM 7-bit" or "UCS-2". */
const char *gw_sms_coding_name(enum gw_sms_coding coding);

/* Measure utf8 (NUL-terminated). The segment count is the one gw_sms_split
 * produces, which can exceed units / per_part when an escape or a surrogate
 * pair does not fit at the end of a part. Invalid UTF-8 (overlong forms,
 * surrogates, beyond U+10FFFF, a cut sequence) is ERR_INPUT naming the byte. */
int gw_sms_measure(struct gw_sms_info *out, const char *utf8, struct err *err);

/* Call fn once per segment with the UTF-8 bytes of that part (not
 * NUL-terminated; part points into utf8). A cut never falls inside a UTF-8
 * character, a GSM escape sequence or a surrogate pair. An empty text is one
 * empty part. A non-zero return from fn stops the split and is returned. */
int gw_sms_split(const char *utf8, int (*fn)(void *ctx, const char *part, size_t len), void *ctx, struct err *err);

/* The marketing text as sent (SPEC section 5): signature (such as 【示范贸易】)
 * in front and the opt-out text (such as 回TD退订) at the end, each added only
 * when the text does not have it there already; white space at the end of the
 * text is dropped first. A space separates them from the text only where both
 * sides are ASCII (so "[ACME] Hello. Reply STOP", but "【示范贸易】您好。回TD退订").
 * NULL or empty signature or opt-out text adds nothing. Appends to out. */
void gw_sms_decorate(struct buf *out, const char *text, const char *signature, const char *optout);

/* Quiet hours: no marketing SMS from start (inclusive) to end (exclusive),
 * local time; start after end spans midnight (21:00-08:00). */
struct gw_sms_quiet {
	int on;
	int start, end; /* minutes after midnight; end may be 1440 (24:00) */
};

/* Quiet hours when [sms] quiet_hours is not set at all (set it empty to
 * send marketing texts at any hour). */
#define GW_SMS_QUIET_DEFAULT "21:00-08:00"

/* Parse "HH:MM-HH:MM" ([sms] quiet_hours); NULL or empty turns quiet hours
 * off. Anything else, or the same start and end, is ERR_INPUT. */
int gw_sms_quiet_parse(struct gw_sms_quiet *out, const char *spec, struct err *err);

/* The frequency cap on marketing texts: at most count to one number in the
 * last days ([sms] frequency_cap = "4/30"); count 0 is no cap. */
struct gw_sms_cap {
	int count, days;
};

/* Parse "N/DAYS" (a "d" after the days allowed); NULL or empty is no cap.
 * Anything else is ERR_INPUT. */
int gw_sms_cap_parse(struct gw_sms_cap *out, const char *spec, struct err *err);

/* Whether the local time t (the process's time zone, TZ) is inside quiet
 * hours; when it is and until is not NULL, *until is the moment they end. */
int gw_sms_quiet_at(const struct gw_sms_quiet *q, time_t t, time_t *until);

#endif
