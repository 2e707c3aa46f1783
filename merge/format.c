/* merge/format.c - Word's field switches: \@ date-time pictures, \# numeric
 * pictures and \* text formats (Word's "Field codes: switches"). */
#include "merge/format.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/value.h"
#include "common/xalloc.h"
#include "common/banned.h"

static const char *const month_zh[] = { "一月", "二月", "三月", "四月",  "五月",   "六月",
					"七月", "八月", "九月", "十月", "十一月", "十二月" };
static const char *const month_en[] = { "January", "February", "March",	    "April",   "May",	   "June",
					"July",	   "August",   "September", "October", "November", "December" };
static const char *const day_zh[] = { "星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六" };
static const char *const day_zh_short[] = { "周日", "周一", "周二", "周三", "周四", "周五", "周六" };
static const char *const day_en[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };

/* 0 = Sunday (Sakamoto's method). */
static int weekday(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
	if (m < 3)
		y -= 1;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static void pad2(struct buf *out, int v, int width)
{
	buf_addf(out, width > 1 ? "%02d" : "%d", v);
}

int merge_format_date(struct buf *out, int y, int m, int d, int hh, int mi, int ss, const char *picture,
		      const char *lang, struct err *err)
{
	int en = lang && !strncasecmp(lang, "en", 2);
	const char *p = picture && *picture ? picture : "yyyy年M月d日";

	if (m < 1 || m > 12 || d < 1 || d > 31)
		return err_set(err, ERR_INPUT, "'%04d-%02d-%02d' is not a date", y, m, d);
	while (*p) {
		char c = *p;
		int n = 1;
		if (c == '\'') {
			const char *end = strchr(p + 1, '\'');
			if (!end)
				return err_set(err, ERR_INPUT, "date picture '%s': a quote is never closed", picture);
			buf_add(out, p + 1, (size_t)(end - p - 1));
			p = end + 1;
			continue;
		}
		if (!strncmp(p, "AM/PM", 5) || !strncmp(p, "am/pm", 5)) {
			const char *ampm = hh < 12 ? "AM" : "PM";
			buf_adds(out, c == 'A' ? ampm : (hh < 12 ? "am" : "pm"));
			p += 5;
			continue;
		}
		if (!strchr("yMdHhms", c)) {
			buf_addch(out, c);
			p++;
			continue;
		}
		while (p[n] == c)
			n++;
		switch (c) {
		case 'y':
			if (n >= 3)
				buf_addf(out, "%04d", y);
			else
				buf_addf(out, "%02d", y % 100);
			break;
		case 'M':
			if (n >= 4)
				buf_adds(out, en ? month_en[m - 1] : month_zh[m - 1]);
			else if (n == 3 && en)
				buf_add(out, month_en[m - 1], 3);
			else if (n == 3)
				buf_addf(out, "%d月", m);
			else
				pad2(out, m, n);
			break;
		case 'd': {
			int wd = weekday(y, m, d);
			if (n >= 4)
				buf_adds(out, en ? day_en[wd] : day_zh[wd]);
			else if (n == 3 && en)
				buf_add(out, day_en[wd], 3);
			else if (n == 3)
				buf_adds(out, day_zh_short[wd]);
			else
				pad2(out, d, n);
			break;
		}
		case 'H': pad2(out, hh, n); break;
		case 'h': pad2(out, hh % 12 ? hh % 12 : 12, n); break;
		case 'm': pad2(out, mi, n); break;
		case 's': pad2(out, ss, n); break;
		}
		p += n;
	}
	return 0;
}

/* ---------------------------------------------------------------- numbers */

/* A decimal split into digits: sign, integer digits (no leading zeros but
 * one), fraction digits. */
struct decimal {
	int negative;
	struct buf ipart, fpart;
};

static void decimal_parse(struct decimal *dec, const char *s)
{
	buf_init(&dec->ipart);
	buf_init(&dec->fpart);
	dec->negative = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	while (*s == '0' && isdigit((unsigned char)s[1]))
		s++;
	while (isdigit((unsigned char)*s))
		buf_addch(&dec->ipart, *s++);
	if (!dec->ipart.len)
		buf_addch(&dec->ipart, '0');
	if (*s == '.')
		buf_adds(&dec->fpart, s + 1);
}

static void decimal_release(struct decimal *dec)
{
	buf_release(&dec->ipart);
	buf_release(&dec->fpart);
}

static int decimal_is_zero(const struct decimal *dec)
{
	return strspn(dec->ipart.data, "0") == dec->ipart.len && strspn(dec->fpart.data, "0") == dec->fpart.len;
}

/* Round to places decimals, half away from zero, exactly. */
static void decimal_round(struct decimal *dec, size_t places)
{
	int carry;
	if (dec->fpart.len <= places) {
		while (dec->fpart.len < places)
			buf_addch(&dec->fpart, '0');
		return;
	}
	carry = dec->fpart.data[places] >= '5';
	buf_truncate(&dec->fpart, places);
	for (size_t i = places; carry && i-- > 0;) {
		if (dec->fpart.data[i] == '9') {
			dec->fpart.data[i] = '0';
		} else {
			dec->fpart.data[i]++;
			carry = 0;
		}
	}
	for (size_t i = dec->ipart.len; carry && i-- > 0;) {
		if (dec->ipart.data[i] == '9') {
			dec->ipart.data[i] = '0';
		} else {
			dec->ipart.data[i]++;
			carry = 0;
		}
	}
	if (carry) {
		struct buf b = BUF_INIT;
		buf_addch(&b, '1');
		buf_add(&b, dec->ipart.data, dec->ipart.len);
		buf_release(&dec->ipart);
		dec->ipart = b;
	}
}

/* The integer digits with at least min digits, grouped by three when asked. */
static void add_integer(struct buf *out, const char *digits, size_t min, int group)
{
	size_t n = strlen(digits), width;
	if (n == 1 && digits[0] == '0' && min == 0)
		return; /* "#.00" shows .50, not 0.50 */
	width = n > min ? n : min;
	for (size_t i = 0; i < width; i++) {
		size_t from_right = width - i;
		buf_addch(out, from_right > n ? '0' : digits[n - from_right]);
		if (group && from_right > 1 && (from_right - 1) % 3 == 0)
			buf_addch(out, ',');
	}
}

/* One ';'-section of a numeric picture, in parts. */
struct num_picture {
	struct buf prefix, suffix;
	size_t int_zeros;  /* '0's before the point: the minimum of digits */
	int group;         /* a ',' in the integer part */
	size_t frac_zeros; /* '0's after the point */
	size_t frac_all;   /* '0's and '#'s after the point */
};

static void literal(struct buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != '\'' && s[i] != '"')
			buf_addch(out, s[i]);
}

static int parse_section(struct num_picture *np, const char *s, size_t len)
{
	size_t first = len, last = 0, i;
	int in_frac = 0;

	memset(np, 0, sizeof(*np));
	buf_init(&np->prefix);
	buf_init(&np->suffix);
	for (i = 0; i < len; i++)
		if (s[i] == '0' || s[i] == '#' || (s[i] == '.' && i + 1 < len && (s[i + 1] == '0' || s[i + 1] == '#'))) {
			if (first == len)
				first = i;
			last = i;
		}
	if (first == len)
		return -1;
	literal(&np->prefix, s, first);
	for (i = first; i <= last; i++) {
		char c = s[i];
		if (c == '.')
			in_frac = 1;
		else if (c == ',' && !in_frac)
			np->group = 1;
		else if (c == '0' && in_frac)
			np->frac_zeros++, np->frac_all++;
		else if (c == '#' && in_frac)
			np->frac_all++;
		else if (c == '0')
			np->int_zeros++;
	}
	literal(&np->suffix, s + last + 1, len - last - 1);
	return 0;
}

static void np_release(struct num_picture *np)
{
	buf_release(&np->prefix);
	buf_release(&np->suffix);
}

static void default_number(struct buf *out, const struct decimal *dec, int is_money)
{
	if (dec->negative && !decimal_is_zero(dec))
		buf_addch(out, '-');
	add_integer(out, dec->ipart.data, 1, 1);
	if (dec->fpart.len && !is_money) {
		buf_addch(out, '.');
		buf_add(out, dec->fpart.data, dec->fpart.len);
	}
}

int merge_format_number(struct buf *out, const char *decimal, const char *picture, int is_money, struct err *err)
{
	struct decimal dec;
	struct num_picture np;
	const char *sections[3] = { NULL, NULL, NULL };
	size_t lens[3] = { 0, 0, 0 }, nsec = 0;
	int negative, section = 0;

	if (!value_is_decimal(decimal))
		return err_set(err, ERR_INPUT, "'%s' is not a number", decimal);
	decimal_parse(&dec, decimal);
	if (!picture || !*picture) {
		if (is_money) {
			decimal_round(&dec, 2);
			default_number(out, &dec, 0);
		} else {
			default_number(out, &dec, 0);
		}
		decimal_release(&dec);
		return 0;
	}
	for (const char *p = picture; nsec < 3;) {
		const char *semi = strchr(p, ';');
		sections[nsec] = p;
		lens[nsec++] = semi ? (size_t)(semi - p) : strlen(p);
		if (!semi)
			break;
		p = semi + 1;
	}
	negative = dec.negative && !decimal_is_zero(&dec);
	if (negative && nsec >= 2)
		section = 1;
	else if (decimal_is_zero(&dec) && nsec >= 3)
		section = 2;
	if (parse_section(&np, sections[section], lens[section])) {
		int rc = 0;
		/* a negative or zero section may be text alone: "#,##0;-#,##0;'-'" */
		if (section > 0)
			literal(out, sections[section], lens[section]);
		else
			rc = err_set(err, ERR_INPUT, "number picture '%s' has no digit place (0 or #)", picture);
		np_release(&np);
		decimal_release(&dec);
		return rc;
	}
	decimal_round(&dec, np.frac_all);
	/* '#' places drop the zeros they would end with */
	while (dec.fpart.len > np.frac_zeros && dec.fpart.data[dec.fpart.len - 1] == '0')
		buf_truncate(&dec.fpart, dec.fpart.len - 1);
	if (negative && section == 0 && !decimal_is_zero(&dec))
		buf_addch(out, '-');
	buf_add(out, np.prefix.data, np.prefix.len);
	add_integer(out, dec.ipart.data, np.int_zeros, np.group);
	if (dec.fpart.len) {
		buf_addch(out, '.');
		buf_add(out, dec.fpart.data, dec.fpart.len);
	}
	buf_add(out, np.suffix.data, np.suffix.len);
	np_release(&np);
	decimal_release(&dec);
	return 0;
}

/* ------------------------------------------------------------------ text */

int merge_format_text(struct buf *out, const char *text, const char *name, struct err *err)
{
	int upper = !strcasecmp(name, "Upper"), lower = !strcasecmp(name, "Lower");
	int first = !strcasecmp(name, "FirstCap"), caps = !strcasecmp(name, "Caps");
	int word_start = 1, seen_letter = 0;

	if (!upper && !lower && !first && !caps)
		return err_set(err, ERR_INPUT, "unknown format switch '%s' (Upper, Lower, FirstCap, Caps)", name);
	for (const char *p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		int ascii = c < 0x80;
		if (upper && ascii)
			c = (unsigned char)toupper(c);
		else if (lower && ascii)
			c = (unsigned char)tolower(c);
		else if (ascii && isalpha(c) && ((caps && word_start) || (first && !seen_letter)))
			c = (unsigned char)toupper(c);
		if (ascii ? isalpha(c) : c >= 0xC0)
			seen_letter = 1;
		word_start = ascii && isspace(c);
		buf_addch(out, (char)c);
	}
	return 0;
}
