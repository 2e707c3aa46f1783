/* gateway/sms_text.c - SMS encoding, length and segments (3GPP TS 23.038
 * section 6.2.1 default alphabet and extension table; TS 23.040 concatenation),
 * marketing decoration and quiet hours (SPEC sections 5 and 8). */
#include "gateway/sms_text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* The characters of the GSM default alphabet that are not ASCII. */
static const uint16_t gsm_basic_extra[] = {
	0x00A1, 0x00A3, 0x00A4, 0x00A5, 0x00A7, 0x00BF, 0x00C4, 0x00C5, 0x00C6, 0x00C7, 0x00C9, 0x00D1, 0x00D6,
	0x00D8, 0x00DC, 0x00DF, 0x00E0, 0x00E4, 0x00E5, 0x00E6, 0x00E8, 0x00E9, 0x00EC, 0x00F1, 0x00F2, 0x00F6,
	0x00F8, 0x00F9, 0x00FC, 0x0393, 0x0394, 0x0398, 0x039B, 0x039E, 0x03A0, 0x03A3, 0x03A6, 0x03A8, 0x03A9,
};

/* Septets a character takes in GSM 7-bit: 1, 2 (escape + extension
 * character), or 0 when it has none. */
static int gsm_septets(uint32_t cp)
{
	if (cp < 0x80) {
		switch (cp) {
		case '\n':
		case '\r': return 1;
		case '\f':
		case '^':
		case '{':
		case '}':
		case '\\':
		case '[':
		case '~':
		case ']':
		case '|': return 2;
		case '`': return 0;
		default: return cp >= 0x20 && cp < 0x7F;
		}
	}
	if (cp == 0x20AC) /* € */
		return 2;
	for (size_t i = 0; i < ARRAY_SIZE(gsm_basic_extra); i++)
		if (gsm_basic_extra[i] == cp)
			return 1;
	return 0;
}

static int unit_cost(enum gw_sms_coding coding, uint32_t cp)
{
	if (coding == GW_SMS_GSM7)
		return gsm_septets(cp);
	return cp >= 0x10000 ? 2 : 1;
}

/* Walk the text once to validate it and pick the coding. */
static int scan(struct gw_sms_info *out, const char *utf8, struct err *err)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t len = strlen(utf8), septets = 0, utf16 = 0, chars = 0;
	int gsm = 1;

	for (size_t i = 0; s[i];) {
		uint32_t cp;
		size_t n = utf8_decode(utf8 + i, len - i, &cp);
		int sep;
		if (!n)
			return err_set(err, ERR_INPUT, "text is not valid UTF-8 at byte %zu", i + 1);
		sep = gsm_septets(cp);
		if (!sep)
			gsm = 0;
		septets += (size_t)sep;
		utf16 += cp >= 0x10000 ? 2 : 1;
		chars++;
		i += n;
	}
	memset(out, 0, sizeof(*out));
	out->coding = gsm ? GW_SMS_GSM7 : GW_SMS_UCS2;
	out->chars = chars;
	out->units = gsm ? septets : utf16;
	return 0;
}

/* Cut the text into parts of at most info->per_part units each, never inside
 * a character; count them into info and hand each to fn when there is one. */
static int cut(struct gw_sms_info *info, const char *utf8, int (*fn)(void *, const char *, size_t), void *ctx)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t single = info->coding == GW_SMS_GSM7 ? GW_SMS_GSM7_SINGLE : GW_SMS_UCS2_SINGLE;
	size_t len = strlen(utf8), start = 0, used = 0, i = 0;
	int rc;

	info->segments = 0;
	if (info->units <= single) {
		info->per_part = single;
		info->segments = 1;
		return fn ? fn(ctx, utf8, strlen(utf8)) : 0;
	}
	info->per_part = info->coding == GW_SMS_GSM7 ? GW_SMS_GSM7_PART : GW_SMS_UCS2_PART;
	while (s[i]) {
		uint32_t cp;
		size_t n = utf8_decode(utf8 + i, len - i, &cp); /* valid: scan checked it */
		size_t cost = (size_t)unit_cost(info->coding, cp);
		if (used + cost > info->per_part) {
			info->segments++;
			if (fn && (rc = fn(ctx, utf8 + start, i - start)))
				return rc;
			start = i;
			used = 0;
		}
		used += cost;
		i += n;
	}
	info->segments++;
	return fn ? fn(ctx, utf8 + start, i - start) : 0;
}

const char *gw_sms_coding_name(enum gw_sms_coding coding)
{
	return coding == GW_SMS_GSM7 ? "GSM 7-bit" : "UCS-2";
}

int gw_sms_measure(struct gw_sms_info *out, const char *utf8, struct err *err)
{
	int rc = scan(out, utf8, err);
	if (!rc)
		rc = cut(out, utf8, NULL, NULL);
	return rc;
}

int gw_sms_split(const char *utf8, int (*fn)(void *ctx, const char *part, size_t len), void *ctx, struct err *err)
{
	struct gw_sms_info info;
	int rc = scan(&info, utf8, err);
	if (!rc)
		rc = cut(&info, utf8, fn, ctx);
	return rc;
}

static int ascii_visible(int c)
{
	return c > 0x20 && c < 0x7F;
}

static int starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return n <= len && !memcmp(s, prefix, n);
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return n <= len && !memcmp(s + len - n, suffix, n);
}

void gw_sms_decorate(struct buf *out, const char *text, const char *signature, const char *optout)
{
	size_t len = strlen(text);
	int sign = signature && *signature, tail = optout && *optout;

	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	if (sign && (starts_with(text, len, signature) || ends_with(text, len, signature)))
		sign = 0;
	if (tail && ends_with(text, len, optout))
		tail = 0;
	if (sign) {
		buf_adds(out, signature);
		if (len && ascii_visible((unsigned char)signature[strlen(signature) - 1]) &&
		    ascii_visible((unsigned char)text[0]))
			buf_addch(out, ' ');
	}
	buf_add(out, text, len);
	if (tail) {
		if (len && ascii_visible((unsigned char)text[len - 1]) && ascii_visible((unsigned char)optout[0]))
			buf_addch(out, ' ');
		buf_adds(out, optout);
	}
}

/* "H:MM" or "HH:MM" at *s; minutes after midnight, or -1. 24:00 is allowed
 * (as an end). */
static int parse_clock(const char **s)
{
	const char *p = *s;
	int h = 0, m, digits = 0;

	while (isdigit((unsigned char)*p) && digits < 2)
		h = h * 10 + (*p++ - '0'), digits++;
	if (!digits || *p++ != ':' || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return -1;
	m = (p[0] - '0') * 10 + (p[1] - '0');
	if (m > 59 || h > 24 || (h == 24 && m))
		return -1;
	*s = p + 2;
	return h * 60 + m;
}

int gw_sms_quiet_parse(struct gw_sms_quiet *out, const char *spec, struct err *err)
{
	const char *p = spec;
	int start, end;

	memset(out, 0, sizeof(*out));
	if (!spec)
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return 0;
	start = parse_clock(&p);
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		p++;
	else if (starts_with(p, strlen(p), "\xE2\x80\x93")) /* an en dash, as SPEC writes it */
		p += 3;
	else
		start = -1;
	while (isspace((unsigned char)*p))
		p++;
	end = start < 0 ? -1 : parse_clock(&p);
	while (isspace((unsigned char)*p))
		p++;
	if (start < 0 || end < 0 || *p || start == 1440)
		return err_set(err, ERR_INPUT, "quiet hours '%s' are not of the form HH:MM-HH:MM (such as 21:00-08:00)",
			       spec);
	if (start % 1440 == end % 1440)
		return err_set(err, ERR_INPUT, "quiet hours '%s' start and end at the same time", spec);
	out->on = 1;
	out->start = start;
	out->end = end;
	return 0;
}

int gw_sms_cap_parse(struct gw_sms_cap *out, const char *spec, struct err *err)
{
	char *end;
	long n, d;

	memset(out, 0, sizeof(*out));
	if (!spec || !*spec)
		return 0;
	n = strtol(spec, &end, 10);
	d = *end == '/' && isdigit((unsigned char)end[1]) ? strtol(end + 1, &end, 10) : 0;
	if (*end == 'd')
		end++;
	if (*end || n < 1 || n > 1000 || d < 1 || d > 3660 || !isdigit((unsigned char)*spec))
		return err_set(err, ERR_INPUT,
			       "[sms] frequency_cap '%s' is not of the form N/DAYS (such as 4/30: at most four"
			       " marketing texts to a number in 30 days)",
			       spec);
	out->count = (int)n;
	out->days = (int)d;
	return 0;
}

int gw_sms_quiet_at(const struct gw_sms_quiet *q, time_t t, time_t *until)
{
	struct tm tm;
	int now, quiet;

	if (!q->on)
		return 0;
	localtime_r(&t, &tm);
	now = tm.tm_hour * 60 + tm.tm_min;
	if (q->start < q->end)
		quiet = now >= q->start && now < q->end;
	else
		quiet = now >= q->start || now < q->end;
	if (quiet && until) {
		/* The end is today, or tomorrow when it is earlier in the day than
		 * now; mktime normalises the day and the clock change, if any. */
		if (q->end <= now)
			tm.tm_mday++;
		tm.tm_hour = q->end / 60;
		tm.tm_min = q->end % 60;
		tm.tm_sec = 0;
		tm.tm_isdst = -1;
		*until = mktime(&tm);
	}
	return quiet;
}
