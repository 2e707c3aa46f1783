/* merge/format.c - Word's field switches: \@ date-time pictures, \# numeric
 * pictures and \* text formats (ECMA-376 part 1, 17.16.4.1-3). */
#include "merge/format.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/date.h"
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

static const char *const month_zh[] = { "一月", "二月", "三月", "四月", "五月",	  "六月",
					"七月", "八月", "九月", "十月", "十一月", "十二月" };
static const char *const month_en[] = { "January", "February", "March",	    "April",   "May",	   "June",
					"July",	   "August",   "September", "October", "November", "December" };
static const char *const day_zh[] = { "星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六" };
static const char *const day_zh_short[] = { "周日", "周一", "周二", "周三", "周四", "周五", "周六" };
static const char *const day_en[] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };

/* 0 = Sunday, for the proleptic Gregorian calendar (Sakamoto's method). */
static int weekday(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
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

	if (!date_valid(y, m, d))
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
			sec->items[sec->nr++] = (struct pic_item){ 't', sec->text.len, len };
		}
		buf_add(&sec->text, text, len);
		return;
	}
	ALLOC_GROW(sec->items, sec->nr + 1, sec->alloc);
	sec->items[sec->nr++] = (struct pic_item){ kind, 0, 0 };
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
	const char *start[3] = { NULL, NULL, NULL }, *p;
	size_t len[3] = { 0, 0, 0 }, nsec = 0, nparsed = 0;
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

enum text_kind {
	TEXT_NONE,    /* MERGEFORMAT, CHARFORMAT: formatting is kept anyway */
	TEXT_CASE,    /* Upper, Lower, FirstCap, Caps */
	TEXT_NUMBER,  /* a whole number written another way */
	TEXT_WIDTH,   /* DBCHAR, SBCHAR */
	TEXT_REFUSED, /* Word's, but not written here */
};

enum text_how {
	HOW_NONE,
	HOW_UPPER,
	HOW_LOWER,
	HOW_FIRSTCAP,
	HOW_CAPS,
	HOW_ARABIC,
	HOW_ARABICDASH,
	HOW_ALPHA,
	HOW_ROMAN,
	HOW_ORDINAL,
	HOW_HEX,
	HOW_ZH_LOWER,
	HOW_ZH_LEGAL,
	HOW_DBCHAR,
	HOW_SBCHAR,
};

/* Every name Word's general formatting switch takes (ECMA-376 part 1,
 * 17.16.4.3; Word's help on \*). Names ignore case; for alphabetic and roman
 * the case of the first letter picks the case of the result, as in Word. */
static const struct text_format {
	const char *name;
	enum text_kind kind;
	enum text_how how;
} text_formats[] = {
	{ "MERGEFORMAT", TEXT_NONE, HOW_NONE },
	{ "CHARFORMAT", TEXT_NONE, HOW_NONE },
	{ "Upper", TEXT_CASE, HOW_UPPER },
	{ "Lower", TEXT_CASE, HOW_LOWER },
	{ "FirstCap", TEXT_CASE, HOW_FIRSTCAP },
	{ "Caps", TEXT_CASE, HOW_CAPS },
	{ "Arabic", TEXT_NUMBER, HOW_ARABIC },
	{ "ArabicDash", TEXT_NUMBER, HOW_ARABICDASH },
	{ "alphabetic", TEXT_NUMBER, HOW_ALPHA },
	{ "roman", TEXT_NUMBER, HOW_ROMAN },
	{ "Ordinal", TEXT_NUMBER, HOW_ORDINAL },
	{ "Hex", TEXT_NUMBER, HOW_HEX },
	/* 一百二十三 and 壹佰贰拾叁, as Chinese Word and Excel write DBNum1, DBNum2 */
	{ "DBNUM1", TEXT_NUMBER, HOW_ZH_LOWER },
	{ "CHINESENUM3", TEXT_NUMBER, HOW_ZH_LOWER },
	{ "DBNUM2", TEXT_NUMBER, HOW_ZH_LEGAL },
	{ "CHINESENUM2", TEXT_NUMBER, HOW_ZH_LEGAL },
	{ "DBCHAR", TEXT_WIDTH, HOW_DBCHAR },
	{ "SBCHAR", TEXT_WIDTH, HOW_SBCHAR },
	{ "CardText", TEXT_REFUSED, HOW_NONE },
	{ "OrdText", TEXT_REFUSED, HOW_NONE },
	{ "DollarText", TEXT_REFUSED, HOW_NONE },
	{ "CHINESENUM1", TEXT_REFUSED, HOW_NONE },
	{ "DBNUM3", TEXT_REFUSED, HOW_NONE },
	{ "DBNUM4", TEXT_REFUSED, HOW_NONE },
	{ "GB1", TEXT_REFUSED, HOW_NONE },
	{ "GB2", TEXT_REFUSED, HOW_NONE },
	{ "GB3", TEXT_REFUSED, HOW_NONE },
	{ "GB4", TEXT_REFUSED, HOW_NONE },
	{ "CIRCLENUM", TEXT_REFUSED, HOW_NONE },
	{ "ZODIAC1", TEXT_REFUSED, HOW_NONE },
	{ "ZODIAC2", TEXT_REFUSED, HOW_NONE },
	{ "ZODIAC3", TEXT_REFUSED, HOW_NONE },
	{ "AIUEO", TEXT_REFUSED, HOW_NONE },
	{ "IROHA", TEXT_REFUSED, HOW_NONE },
	{ "KANJINUM1", TEXT_REFUSED, HOW_NONE },
	{ "KANJINUM2", TEXT_REFUSED, HOW_NONE },
	{ "KANJINUM3", TEXT_REFUSED, HOW_NONE },
	{ "GANADA", TEXT_REFUSED, HOW_NONE },
	{ "CHOSUNG", TEXT_REFUSED, HOW_NONE },
	{ "Hebrew1", TEXT_REFUSED, HOW_NONE },
	{ "Hebrew2", TEXT_REFUSED, HOW_NONE },
	{ "ArabicAbjad", TEXT_REFUSED, HOW_NONE },
	{ "ArabicAlpha", TEXT_REFUSED, HOW_NONE },
	{ "BahtText", TEXT_REFUSED, HOW_NONE },
	{ "HindiArabic", TEXT_REFUSED, HOW_NONE },
	{ "HindiCardText", TEXT_REFUSED, HOW_NONE },
	{ "HindiLetter1", TEXT_REFUSED, HOW_NONE },
	{ "HindiLetter2", TEXT_REFUSED, HOW_NONE },
	{ "ThaiArabic", TEXT_REFUSED, HOW_NONE },
	{ "ThaiCardText", TEXT_REFUSED, HOW_NONE },
	{ "ThaiLetter", TEXT_REFUSED, HOW_NONE },
	{ "VietCardText", TEXT_REFUSED, HOW_NONE },
};

/* The length of the space at p: ASCII white space, or U+3000 IDEOGRAPHIC
 * SPACE, which separates words in Chinese text; 0 for anything else. */
static size_t space_at(const char *p)
{
	if (isspace((unsigned char)*p))
		return 1;
	return !strncmp(p, "\xE3\x80\x80", 3) ? 3 : 0;
}

static void apply_case(struct buf *b, enum text_how how)
{
	int word_start = 1;
	char *p = b->data;

	if (how == HOW_FIRSTCAP) {
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
			if (how == HOW_UPPER || (how == HOW_CAPS && word_start))
				*p = (char)toupper(c);
			else if (how == HOW_LOWER || how == HOW_CAPS)
				*p = (char)tolower(c);
		}
		word_start = 0;
	}
}

/* Full-width forms (U+FF01-U+FF5E, U+3000) of ASCII, and back. */
static void apply_width(struct buf *b, enum text_how how)
{
	struct buf w = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)b->data; *p; p++) {
		if (how == HOW_DBCHAR && *p == ' ') {
			buf_adds(&w, "\xE3\x80\x80");
		} else if (how == HOW_DBCHAR && *p > 0x20 && *p < 0x7F) {
			unsigned cp = 0xFF01 + (*p - 0x21);
			buf_addch(&w, (char)(0xE0 | (cp >> 12)));
			buf_addch(&w, (char)(0x80 | ((cp >> 6) & 0x3F)));
			buf_addch(&w, (char)(0x80 | (cp & 0x3F)));
		} else if (how == HOW_SBCHAR && !strncmp((const char *)p, "\xE3\x80\x80", 3)) {
			buf_addch(&w, ' ');
			p += 2;
		} else if (how == HOW_SBCHAR && p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2] >= 0x80 &&
			   p[2] < 0xC0) {
			unsigned cp = ((unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F)) + 0xF000;
			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				buf_addch(&w, (char)(0x21 + (cp - 0xFF01)));
				p += 2;
			} else {
				buf_addch(&w, (char)*p);
			}
		} else {
			buf_addch(&w, (char)*p);
		}
	}
	buf_reset(b);
	buf_add(b, w.data, w.len);
	buf_release(&w);
}

/* The text as a whole number, rounded half away from zero; 0 when it is not
 * a number or too large to write another way. */
static int whole_number(const char *text, long long *out)
{
	struct decimal dec;
	unsigned long long v = 0;
	int ok;
	char *t = xstrdup(text), *e;

	/* a value may come padded: " 12 " is a number too */
	for (e = t + strlen(t); e > t && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	for (e = t; isspace((unsigned char)*e);)
		e++;
	ok = value_is_decimal(e);
	if (ok) {
		decimal_parse(&dec, e);
		decimal_round(&dec, 0);
		ok = dec.ipart.len <= 16;
		for (size_t i = 0; ok && i < dec.ipart.len; i++)
			v = v * 10 + (unsigned)(dec.ipart.data[i] - '0');
		*out = dec.negative ? -(long long)v : (long long)v;
		decimal_release(&dec);
	}
	free(t);
	return ok;
}

/* 一百二十三 (legal: 壹佰贰拾叁), in groups of four digits: 万, 亿, 万亿. */
static void chinese_number(struct buf *out, long long v, int legal)
{
	static const char *const lower[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
	static const char *const upper[] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };
	static const char *const lower_units[] = { "千", "百", "十", "" };
	static const char *const upper_units[] = { "仟", "佰", "拾", "" };
	static const char *const groups[] = { "万亿", "亿", "万", "" };
	const char *const *digit = legal ? upper : lower, *const *unit = legal ? upper_units : lower_units;
	unsigned long long u = v < 0 ? (unsigned long long)-v : (unsigned long long)v;
	unsigned long long div = 1000000000000ULL;
	int emitted = 0, zero = 0;

	if (v < 0)
		buf_adds(out, "负");
	if (!u) {
		buf_adds(out, digit[0]);
		return;
	}
	for (int g = 0; g < 4; g++, div /= 10000) {
		unsigned group = (unsigned)(u / div % 10000);
		unsigned place = 1000;
		if (!group) {
			zero |= emitted;
			continue;
		}
		if (emitted && group < 1000)
			zero = 1;
		for (int k = 0; k < 4; k++, place /= 10) {
			unsigned d = group / place % 10;
			if (!d) {
				zero |= emitted;
				continue;
			}
			if (zero)
				buf_adds(out, digit[0]);
			/* 十二, not 一十二, at the start of a number */
			if (!(k == 2 && d == 1 && !emitted && !legal))
				buf_adds(out, digit[d]);
			buf_adds(out, unit[k]);
			emitted = 1;
			zero = 0;
		}
		buf_adds(out, groups[g]);
	}
}

static void roman(struct buf *out, long long v, int upper)
{
	static const struct {
		int value;
		const char *up, *low;
	} r[] = { { 1000, "M", "m" }, { 900, "CM", "cm" }, { 500, "D", "d" },  { 400, "CD", "cd" }, { 100, "C", "c" },
		  { 90, "XC", "xc" }, { 50, "L", "l" },	   { 40, "XL", "xl" }, { 10, "X", "x" },    { 9, "IX", "ix" },
		  { 5, "V", "v" },    { 4, "IV", "iv" },   { 1, "I", "i" } };
	for (size_t i = 0; i < ARRAY_SIZE(r); i++)
		for (; v >= r[i].value; v -= r[i].value)
			buf_adds(out, upper ? r[i].up : r[i].low);
}

/* Write a whole number another way; a value that is not a number, or that
 * the way cannot write (roman 0), is left as it is, as Word does. */
static void apply_number(struct buf *b, enum text_how how, int upper)
{
	static const char *const ord[] = { "th", "st", "nd", "rd" };
	struct buf w = BUF_INIT;
	long long v;

	if (!whole_number(b->data, &v))
		return;
	switch (how) {
	case HOW_ARABIC: buf_addf(&w, "%lld", v); break;
	case HOW_ARABICDASH: buf_addf(&w, "- %lld -", v); break;
	case HOW_ALPHA:
		/* 1 a, 26 z, 27 aa, 53 aaa */
		for (long long n = 0; v > 0 && n <= (v - 1) / 26 && n < 256; n++)
			buf_addch(&w, (char)((upper ? 'A' : 'a') + (v - 1) % 26));
		break;
	case HOW_ROMAN:
		if (v > 0 && v < 4000)
			roman(&w, v, upper);
		break;
	case HOW_ORDINAL:
		if (v >= 0)
			buf_addf(&w, "%lld%s", v, v % 100 / 10 == 1 || v % 10 > 3 ? "th" : ord[v % 10]);
		break;
	case HOW_HEX:
		if (v >= 0)
			buf_addf(&w, "%llX", (unsigned long long)v);
		break;
	case HOW_ZH_LOWER:
	case HOW_ZH_LEGAL: chinese_number(&w, v, how == HOW_ZH_LEGAL); break;
	default: break;
	}
	if (w.len) {
		buf_reset(b);
		buf_add(b, w.data, w.len);
	}
	buf_release(&w);
}

/* The entry for the name p[0, n), or NULL. */
static const struct text_format *text_format_find(const char *p, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(text_formats); i++)
		if (strlen(text_formats[i].name) == n && !strncasecmp(p, text_formats[i].name, n))
			return &text_formats[i];
	return NULL;
}

/* Walk the names of switch_names: fn gets each entry and the name as
 * written; stops at the first name that is not Word's (ERR_INPUT). */
static int each_text_format(const char *switch_names, int (*fn)(void *, const struct text_format *, const char *),
			    void *ctx, struct err *err)
{
	const char *p = switch_names ? switch_names : "";
	int rc = 0;

	while (!rc) {
		const struct text_format *f;
		size_t n;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t\r\n");
		if (!(f = text_format_find(p, n))) {
			int first = !err->code; /* the hint belongs to our error only */
			rc = err_set(err, ERR_INPUT, "unknown format switch '%.*s'", (int)n, p);
			if (first)
				err_hint(err, "use \\* Upper, Lower, FirstCap, Caps, roman, alphabetic, Ordinal, Hex, "
					      "DBNum1 (一百二十三), DBNum2 (壹佰贰拾叁), DBChar or SBChar");
			break;
		}
		rc = fn(ctx, f, p);
		p += n;
	}
	return rc;
}

struct text_check {
	struct err *err;
	int numeric;
};

static int check_one(void *ctx, const struct text_format *f, const char *written)
{
	struct text_check *c = ctx;
	size_t n = strcspn(written, " \t\r\n");
	if (f->kind == TEXT_NUMBER)
		c->numeric = 1;
	if (f->kind != TEXT_REFUSED)
		return 0;
	return err_set(c->err, ERR_INPUT,
		       "format switch '\\* %.*s' is Word's, but crmgate cannot write numbers that way: use \\* DBNum1 "
		       "(一百二十三), DBNum2 (壹佰贰拾叁), roman, alphabetic, Ordinal or Hex",
		       (int)n, written);
}

int merge_format_text_check(const char *switch_names, int *numeric, struct err *err)
{
	struct text_check c = { err, 0 };
	int rc = each_text_format(switch_names, check_one, &c, err);
	if (numeric)
		*numeric = c.numeric;
	return rc;
}

static int apply_one(void *ctx, const struct text_format *f, const char *written)
{
	struct buf *b = ctx;
	switch (f->kind) {
	case TEXT_CASE: apply_case(b, f->how); break;
	case TEXT_NUMBER: apply_number(b, f->how, isupper((unsigned char)written[0])); break;
	case TEXT_WIDTH: apply_width(b, f->how); break;
	case TEXT_NONE:
	case TEXT_REFUSED: break;
	}
	return 0;
}

int merge_format_text(struct buf *out, const char *text, const char *switch_names, struct err *err)
{
	struct buf b = BUF_INIT;
	int rc;

	if ((rc = merge_format_text_check(switch_names, NULL, err)))
		return rc;
	buf_adds(&b, text);
	each_text_format(switch_names, apply_one, &b, err);
	buf_add(out, b.data, b.len);
	buf_release(&b);
	return 0;
}
