/* merge/format.c - Word's field switches: \@ date-time pictures, \# numeric
 * pictures and \* text formats (ECMA-376 part 1, 17.16.4.1-3). */
#include "merge/format.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/value.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* Word types curly single quotes when AutoFormat is on. */
#define LSQUOTE "\xE2\x80\x98"
#define RSQUOTE "\xE2\x80\x99"

/* The length of the opening quote of 'text' at p, or 0. */
static size_t open_quote(const char *p)
{
	if (*p == '\'')
		return 1;
	return !strncmp(p, LSQUOTE, 3) || !strncmp(p, RSQUOTE, 3) ? 3 : 0;
}

/* The closing quote of 'text' from p: its start, and its length in *qlen;
 * NULL when the text runs to the end. */
static const char *close_quote(const char *p, size_t *qlen)
{
	for (; *p; p++) {
		if (*p == '\'') {
			*qlen = 1;
			return p;
		}
		if (!strncmp(p, RSQUOTE, 3) || !strncmp(p, LSQUOTE, 3)) {
			*qlen = 3;
			return p;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ dates */

static const char *const month_zh[] = {"一月", "二月", "三月", "四月", "五月",	 "六月",
				       "七月", "八月", "九月", "十月", "十一月", "十二月"};
static const char *const month_en[] = {"January", "February", "March",	   "April",   "May",	  "June",
				       "July",	  "August",   "September", "October", "November", "December"};
static const char *const day_zh[] = {"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"};
static const char *const day_zh_short[] = {"周日", "周一", "周二", "周三", "周四", "周五", "周六"};
static const char *const day_en[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* 0 = Sunday, for the proleptic Gregorian calendar (Sakamoto's method). */
static int weekday(int y, int m, int d)
{
	static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
	if (m < 3)
		y -= 1;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static void add_num(struct buf *out, int v, size_t width)
{
	buf_addf(out, width > 1 ? "%02d" : "%d", v);
}

int merge_format_date(struct buf *out, int y, int m, int d, int hh, int mi, int ss, const char *picture,
		      const char *lang, struct err *err)
{
	int en = lang && *lang && strncasecmp(lang, "zh", 2);
	const char *p = picture && *picture ? picture : "yyyy年M月d日";

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return err_set(err, ERR_INPUT, "'%04d-%02d-%02d' is not a date", y, m, d);
	if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
		return err_set(err, ERR_INPUT, "'%02d:%02d:%02d' is not a time", hh, mi, ss);

	while (*p) {
		size_t n = 1, q = open_quote(p);
		char c = *p;

		if (q) {
			/* an unclosed quote runs to the end, as in Word */
			size_t qlen = 0;
			const char *end = close_quote(p + q, &qlen);
			size_t len = end ? (size_t)(end - p) - q : strlen(p + q);
			buf_add(out, p + q, len);
			p += q + len + qlen;
			continue;
		}
		if (!strncmp(p, "AM/PM", 5) || !strncmp(p, "am/pm", 5)) {
			if (c == 'A')
				buf_adds(out, hh < 12 ? "AM" : "PM");
			else
				buf_adds(out, hh < 12 ? "am" : "pm");
			p += 5;
			continue;
		}
		if (c == 'Y' || c == 'D')
			c = (char)tolower((unsigned char)c);
		if (!strchr("yMdHhms", c)) {
			buf_addch(out, c);
			p++;
			continue;
		}
		while (p[n] == p[0])
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
				add_num(out, m, n);
			break;
		case 'd': {
			int wd = weekday(y, m, d);
			if (n >= 4)
				buf_adds(out, en ? day_en[wd] : day_zh[wd]);
			else if (n == 3)
				buf_add(out, en ? day_en[wd] : day_zh_short[wd], en ? 3 : strlen(day_zh_short[wd]));
			else
				add_num(out, d, n);
			break;
		}
		case 'H': add_num(out, hh, n); break;
		case 'h': add_num(out, hh % 12 ? hh % 12 : 12, n); break;
		case 'm': add_num(out, mi, n); break;
		case 's': add_num(out, ss, n); break;
		}
		p += n;
	}
	return 0;
}

/* ---------------------------------------------------------------- numbers */

/* A decimal number as digit strings: the integer part without leading
 * zeros ("" for zero) and the fraction digits. */
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
	while (*s == '0')
		s++;
	while (isdigit((unsigned char)*s))
		buf_addch(&dec->ipart, *s++);
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
	return !dec->ipart.len && strspn(dec->fpart.data, "0") == dec->fpart.len;
}

/* Round to places decimals, half away from zero: the magnitude rounds up
 * when the first dropped digit is 5 or more, whatever the sign. Exact. */
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
		carry = dec->fpart.data[i] == '9';
		dec->fpart.data[i] = carry ? '0' : (char)(dec->fpart.data[i] + 1);
	}
	for (size_t i = dec->ipart.len; carry && i-- > 0;) {
		carry = dec->ipart.data[i] == '9';
		dec->ipart.data[i] = carry ? '0' : (char)(dec->ipart.data[i] + 1);
	}
	if (carry) {
		struct buf b = BUF_INIT;
		buf_addch(&b, '1');
		buf_add(&b, dec->ipart.data, dec->ipart.len);
		buf_release(&dec->ipart);
		dec->ipart = b;
	}
}

/* Integer digits with a comma between each group of three. */
static void add_grouped(struct buf *out, const char *digits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_addch(out, digits[i]);
		if (n - i > 1 && (n - i - 1) % 3 == 0)
			buf_addch(out, ',');
	}
}

/* One item of a numeric picture section: a digit place ('0', '#', 'x'), the
 * point ('.'), a sign ('-', '+'), a grouping comma (','), or literal text
 * ('t', bytes off..off+len of the section's text). */
struct pic_item {
	char kind;
	size_t off, len;
};

struct pic_section {
	struct pic_item *items;
	size_t nr, alloc;
	struct buf text;
	size_t int_places, frac_places;
	size_t x_keep; /* integer digits an 'x' keeps; 0: no 'x' */
	int group, has_sign;
};

static void section_release(struct pic_section *sec)
{
	free(sec->items);
	buf_release(&sec->text);
}

static void section_push(struct pic_section *sec, char kind, const char *text, size_t len)
{
	struct pic_item *last = sec->nr ? &sec->items[sec->nr - 1] : NULL;
	if (kind == 't') {
		if (last && last->kind == 't' && last->off + last->len == sec->text.len) {
			last->len += len;
		} else {
			ALLOC_GROW(sec->items, sec->nr + 1, sec->alloc);
			sec->items[sec->nr++] = (struct pic_item){'t', sec->text.len, len};
		}
		buf_add(&sec->text, text, len);
		return;
	}
	ALLOC_GROW(sec->items, sec->nr + 1, sec->alloc);
	sec->items[sec->nr++] = (struct pic_item){kind, 0, 0};
}

static int is_place(char c)
{
	return c == '0' || c == '#' || c == 'x';
}

/* Split one section (s, len) of picture into items. Returns 0, or -1 for an
 * unclosed quote. */
static int section_parse(struct pic_section *sec, const char *s, size_t len)
{
	size_t point = SIZE_MAX, last_place = SIZE_MAX;

	memset(sec, 0, sizeof(*sec));
	buf_init(&sec->text);
	for (size_t i = 0; i < len;) {
		size_t q = open_quote(s + i);
		char c = s[i];
		if (q) {
			size_t j = i + q, qlen = 0;
			while (j < len && !(qlen = open_quote(s + j)))
				j++;
			if (j >= len)
				return -1;
			section_push(sec, 't', s + i + q, j - i - q);
			i = j + qlen;
			continue;
		}
		/* the point is the first '.' next to a digit place: "Nr. 0" has none */
		if (c == '.' && point == SIZE_MAX &&
		    ((i > 0 && is_place(s[i - 1])) || (i + 1 < len && is_place(s[i + 1])))) {
			point = sec->nr;
			section_push(sec, '.', NULL, 0);
		} else if (is_place(c) || c == ',' || c == '-' || c == '+') {
			if (is_place(c))
				last_place = sec->nr;
			sec->has_sign |= c == '-' || c == '+';
			section_push(sec, c, NULL, 0);
		} else {
			section_push(sec, 't', s + i, 1);
		}
		i++;
	}
	/* a comma groups when it stands in the integer part ("#,##0", ",0.00");
	 * after it, it is text ("0.00, net") */
	for (size_t i = 0; i < sec->nr; i++) {
		struct pic_item *it = &sec->items[i];
		int in_int = point != SIZE_MAX ? i < point : last_place != SIZE_MAX && i < last_place;
		if (it->kind == ',' && in_int) {
			sec->group = 1;
		} else if (it->kind == ',') {
			it->kind = 't';
			it->off = sec->text.len;
			it->len = 1;
			buf_addch(&sec->text, ',');
		} else if (is_place(it->kind) && (point == SIZE_MAX || i < point)) {
			sec->int_places++;
		} else if (is_place(it->kind)) {
			sec->frac_places++;
		}
	}
	/* an integer 'x' keeps its own place and those right of it */
	for (size_t i = 0, place = 0; i < sec->nr && place < sec->int_places; i++) {
		if (!is_place(sec->items[i].kind))
			continue;
		if (sec->items[i].kind == 'x') {
			sec->x_keep = sec->int_places - place;
			break;
		}
		place++;
	}
	return 0;
}

/* Write dec's magnitude by sec. negative is the sign the '-' and '+' items
 * show; with auto_minus (the first section) a number that rounds to zero
 * is not negative, and a section without a sign item gets a leading minus. */
static void section_format(struct buf *out, const struct pic_section *sec, struct decimal *dec, int negative,
			   int auto_minus)
{
	const char *digits;
	size_t nd, nint = sec->int_places, place = 0, frac = 0;
	int zero;

	decimal_round(dec, sec->frac_places);
	digits = dec->ipart.data;
	nd = dec->ipart.len;
	if (sec->x_keep && nd > sec->x_keep) {
		digits += nd - sec->x_keep;
		nd = sec->x_keep;
		while (nd && *digits == '0')
			digits++, nd--;
	}
	zero = decimal_is_zero(dec);
	if (zero && auto_minus)
		negative = 0;
	if (negative && auto_minus && !sec->has_sign)
		buf_addch(out, '-');

	for (size_t i = 0; i < sec->nr; i++) {
		const struct pic_item *it = &sec->items[i];
		switch (it->kind) {
		case 't': buf_add(out, sec->text.data + it->off, it->len); break;
		case ',': break;
		case '-': buf_addch(out, negative ? '-' : ' '); break;
		case '+': buf_addch(out, negative ? '-' : zero ? ' ' : '+'); break;
		case '.':
			/* ".00" has no integer place, yet 95.4 keeps its 95 */
			if (!nint && sec->group)
				add_grouped(out, digits, nd);
			else if (!nint)
				buf_add(out, digits, nd);
			buf_addch(out, '.');
			break;
		default:
			if (place < nint) {
				/* integer place r from the right; the leftmost takes
				 * every digit the places leave over */
				size_t r = nint - place++;
				if (r > nd) {
					buf_addch(out, it->kind == '0' ? '0' : ' ');
					break;
				}
				for (size_t k = r == nint ? 0 : nd - r; k <= nd - r; k++) {
					buf_addch(out, digits[k]);
					if (sec->group && nd - k > 1 && (nd - k - 1) % 3 == 0)
						buf_addch(out, ',');
				}
			} else {
				/* a '#' shows a space for a zero no other digit follows */
				size_t k = frac++;
				int trailing = strspn(dec->fpart.data + k, "0") == dec->fpart.len - k;
				buf_addch(out, !trailing ? dec->fpart.data[k] : it->kind == '#' ? ' ' : '0');
			}
		}
	}
}

/* Our default for a field without \#: grouped integer part, then the
 * fraction as given (or rounded to two places for money), no padding. */
static void default_number(struct buf *out, struct decimal *dec, int is_money)
{
	if (is_money)
		decimal_round(dec, 2);
	if (dec->negative && !decimal_is_zero(dec))
		buf_addch(out, '-');
	if (dec->ipart.len)
		add_grouped(out, dec->ipart.data, dec->ipart.len);
	else
		buf_addch(out, '0');
	if (dec->fpart.len) {
		buf_addch(out, '.');
		buf_add(out, dec->fpart.data, dec->fpart.len);
	}
}

int merge_format_number(struct buf *out, const char *decimal, const char *picture, int is_money, struct err *err)
{
	struct decimal dec;
	struct pic_section sec[3];
	const char *start[3] = {NULL, NULL, NULL}, *p;
	size_t len[3] = {0, 0, 0}, nsec = 0, nparsed = 0;
	int pick = 0, rc = 0, in_quote = 0;

	if (!value_is_decimal(decimal))
		return err_set(err, ERR_INPUT, "'%s' is not a number", decimal);
	decimal_parse(&dec, decimal);
	if (!picture || !*picture) {
		default_number(out, &dec, is_money);
		decimal_release(&dec);
		return 0;
	}

	/* sections: positive;negative;zero (a ';' in 'text' is text) */
	start[0] = picture;
	for (p = picture;; p++) {
		size_t q = open_quote(p);
		if (q) {
			in_quote = !in_quote;
			p += q - 1;
		} else if (!*p || (*p == ';' && !in_quote)) {
			if (nsec == 3) {
				rc = err_set(err, ERR_INPUT, "number picture '%s' has more than three sections",
					     picture);
				goto done;
			}
			len[nsec] = (size_t)(p - start[nsec]);
			if (++nsec < 3)
				start[nsec] = p + 1;
			if (!*p)
				break;
		}
	}
	/* every section is checked, so that a template check finds a broken
	 * negative section before the first negative number does */
	for (; nparsed < nsec; nparsed++) {
		if (section_parse(&sec[nparsed], start[nparsed], len[nparsed])) {
			nparsed++;
			rc = err_set(err, ERR_INPUT, "number picture '%s': a quote is never closed", picture);
			goto done;
		}
	}
	if (!sec[0].int_places && !sec[0].frac_places) {
		rc = err_set(err, ERR_INPUT, "number picture '%s' has no digit place (0, # or x)", picture);
		goto done;
	}

	/* the section is picked by the value itself, as in Excel: -0.001 takes
	 * the negative section even where it rounds to 0.00 */
	if (nsec >= 2 && dec.negative && !decimal_is_zero(&dec))
		pick = 1;
	else if (nsec == 3 && decimal_is_zero(&dec))
		pick = 2;
	if (!len[pick])
		pick = 0; /* an empty section falls back to the first */
	section_format(out, &sec[pick], &dec, pick == 1 ? 1 : pick == 2 ? 0 : dec.negative, pick == 0);

done:
	while (nparsed)
		section_release(&sec[--nparsed]);
	decimal_release(&dec);
	return rc;
}

/* ------------------------------------------------------------------- text */

enum text_case { CASE_NONE, CASE_UPPER, CASE_LOWER, CASE_FIRSTCAP, CASE_CAPS };

/* The length of the space at p: ASCII white space, or U+3000 IDEOGRAPHIC
 * SPACE, which separates words in Chinese text; 0 for anything else. */
static size_t space_at(const char *p)
{
	if (isspace((unsigned char)*p))
		return 1;
	return !strncmp(p, "\xE3\x80\x80", 3) ? 3 : 0;
}

static void apply_case(struct buf *b, enum text_case how)
{
	int word_start = 1;
	char *p = b->data;

	if (how == CASE_FIRSTCAP) {
		while (space_at(p))
			p += space_at(p);
		if ((unsigned char)*p < 0x80)
			*p = (char)toupper((unsigned char)*p);
		return;
	}
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		size_t space = space_at(p);
		if (space) {
			word_start = 1;
			p += space - 1;
			continue;
		}
		if (c < 0x80) {
			if (how == CASE_UPPER || (how == CASE_CAPS && word_start))
				*p = (char)toupper(c);
			else if (how == CASE_LOWER || how == CASE_CAPS)
				*p = (char)tolower(c);
		}
		word_start = 0;
	}
}

int merge_format_text(struct buf *out, const char *text, const char *switch_names, struct err *err)
{
	static const struct {
		const char *name;
		enum text_case how;
	} names[] = {
	    {"Upper", CASE_UPPER}, {"Lower", CASE_LOWER},      {"FirstCap", CASE_FIRSTCAP},
	    {"Caps", CASE_CAPS},   {"MERGEFORMAT", CASE_NONE}, {"CHARFORMAT", CASE_NONE},
	};
	struct buf b = BUF_INIT;
	const char *p = switch_names ? switch_names : "";

	buf_adds(&b, text);
	for (;;) {
		size_t n, i;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t\r\n");
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i].name) == n && !strncasecmp(p, names[i].name, n))
				break;
		if (i == ARRAY_SIZE(names)) {
			int first = !err->code; /* the hint belongs to our error only */
			int rc = err_set(err, ERR_INPUT, "unknown format switch '%.*s'", (int)n, p);
			if (first)
				err_hint(err, "use \\* Upper, Lower, FirstCap or Caps");
			buf_release(&b);
			return rc;
		}
		apply_case(&b, names[i].how);
		p += n;
	}
	buf_add(out, b.data, b.len);
	buf_release(&b);
	return 0;
}
