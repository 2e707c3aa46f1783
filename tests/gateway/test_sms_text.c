/* tests/gateway/test_sms_text.c - SMS encoding, length, segments, decoration
 * and quiet hours. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/sms_text.h"

#define EURO  "\xE2\x82\xAC"	 /* €, a GSM extension character */
#define ZHONG "\xE4\xB8\xAD"	 /* 中 */
#define GRIN  "\xF0\x9F\x98\x80" /* 😀, outside the BMP: a surrogate pair */

/* s repeated n times, malloc'd. */
static char *rep(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	while (n--)
		buf_adds(&b, s);
	return buf_detach(&b, NULL);
}

static char *cat3(const char *a, const char *b, const char *c)
{
	return xstrfmt("%s%s%s", a, b, c);
}

static struct gw_sms_info measure(const char *text)
{
	struct gw_sms_info info;
	struct err err = ERR_INIT;
	assert_ok(gw_sms_measure(&info, text, &err), &err);
	err_release(&err);
	return info;
}

static void expect(const char *what, const char *text, enum gw_sms_coding coding, size_t units, size_t segments)
{
	struct gw_sms_info info = measure(text);
	cr_expect_eq(info.coding, coding, "%s: coding %d, want %d", what, info.coding, coding);
	cr_expect_eq(info.units, units, "%s: %zu units, want %zu", what, info.units, units);
	cr_expect_eq(info.segments, segments, "%s: %zu segments, want %zu", what, info.segments, segments);
}

/* The parts of a split, copied. */
struct parts {
	char *part[16];
	size_t nr;
};

static int collect(void *ctx, const char *part, size_t len)
{
	struct parts *p = ctx;
	cr_assert_lt(p->nr, 16);
	p->part[p->nr++] = xstrndup(part, len);
	return 0;
}

static struct parts split(const char *text)
{
	struct parts p = { { 0 }, 0 };
	struct err err = ERR_INIT;
	assert_ok(gw_sms_split(text, collect, &p, &err), &err);
	err_release(&err);
	return p;
}

static void parts_release(struct parts *p)
{
	for (size_t i = 0; i < p->nr; i++)
		free(p->part[i]);
}

/* UTF-16 code units of a valid UTF-8 string: one per character, two for a
 * four-byte one. Independent of the code under test. */
static size_t utf16_units(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n += *p >= 0xF0 ? 2 : 1;
	return n;
}

Test(sms_text, gsm_alphabet)
{
	/* Every character of the default alphabet costs one septet... */
	expect("ascii", "Hello, world! 0-9 @$_#%&'()*+,-./:;<=>?\"", GW_SMS_GSM7, 40, 1);
	expect("latin and greek", "£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", GW_SMS_GSM7, 39, 1);
	expect("line ends", "a\nb\r\n", GW_SMS_GSM7, 5, 1);
	/* ... the extension table two: the escape and the character. */
	expect("extension", "^{}\\[~]|" EURO "\f", GW_SMS_GSM7, 20, 1);
	expect("euro price", "Price: 5" EURO, GW_SMS_GSM7, 10, 1);
	/* Not in GSM 03.38 at all: UCS-2. */
	expect("backtick", "a`b", GW_SMS_UCS2, 3, 1);
	expect("tab", "a\tb", GW_SMS_UCS2, 3, 1);
	expect("e circumflex", "fête", GW_SMS_UCS2, 4, 1);
	expect("cyrillic", "Привет", GW_SMS_UCS2, 6, 1);
	expect("empty", "", GW_SMS_GSM7, 0, 1);
}

Test(sms_text, chinese_and_mixed)
{
	expect("chinese", "【示范贸易】王先生您好，祝您生日快乐！回TD退订", GW_SMS_UCS2, 24, 1);
	expect("mixed", "Hello 世界", GW_SMS_UCS2, 8, 1);
	/* In UCS-2 the euro is one unit like any BMP character. */
	expect("mixed euro", "价格 5" EURO, GW_SMS_UCS2, 5, 1);
	expect("emoji", "生日快乐" GRIN, GW_SMS_UCS2, 6, 1);
	expect("emoji only", GRIN GRIN, GW_SMS_UCS2, 4, 1);

	struct gw_sms_info info = measure("生日快乐" GRIN);
	cr_expect_eq(info.chars, 5);
	cr_expect_eq(info.per_part, 70);
	cr_expect_str_eq(gw_sms_coding_name(info.coding), "UCS-2");
	cr_expect_str_eq(gw_sms_coding_name(GW_SMS_GSM7), "GSM 7-bit");
}

struct boundary {
	const char *unit; /* repeated */
	size_t n;
	enum gw_sms_coding coding;
	size_t units, segments, per_part;
};

static const struct boundary boundary_cases[] = {
	{ "a", 159, GW_SMS_GSM7, 159, 1, 160 },	 { "a", 160, GW_SMS_GSM7, 160, 1, 160 },
	{ "a", 161, GW_SMS_GSM7, 161, 2, 153 },	 { "a", 306, GW_SMS_GSM7, 306, 2, 153 },
	{ "a", 307, GW_SMS_GSM7, 307, 3, 153 },	 { "a", 459, GW_SMS_GSM7, 459, 3, 153 },
	{ "a", 460, GW_SMS_GSM7, 460, 4, 153 },	 { "{", 80, GW_SMS_GSM7, 160, 1, 160 },
	{ "{", 81, GW_SMS_GSM7, 162, 2, 153 },	 { ZHONG, 69, GW_SMS_UCS2, 69, 1, 70 },
	{ ZHONG, 70, GW_SMS_UCS2, 70, 1, 70 },	 { ZHONG, 71, GW_SMS_UCS2, 71, 2, 67 },
	{ ZHONG, 134, GW_SMS_UCS2, 134, 2, 67 }, { ZHONG, 135, GW_SMS_UCS2, 135, 3, 67 },
	{ ZHONG, 201, GW_SMS_UCS2, 201, 3, 67 }, { ZHONG, 202, GW_SMS_UCS2, 202, 4, 67 },
	{ GRIN, 35, GW_SMS_UCS2, 70, 1, 70 },	 { GRIN, 36, GW_SMS_UCS2, 72, 2, 67 },
};

/* Measure and split agree, the parts put together are the text, and no part
 * holds more than a part may. */
static void check_boundary(const struct boundary *c)
{
	char *text = rep(c->unit, c->n);
	struct gw_sms_info info = measure(text);
	struct parts p = split(text);
	struct buf joined = BUF_INIT;

	cr_expect_eq(info.coding, c->coding, "%zu x '%s'", c->n, c->unit);
	cr_expect_eq(info.units, c->units, "%zu x '%s': %zu units", c->n, c->unit, info.units);
	cr_expect_eq(info.segments, c->segments, "%zu x '%s': %zu segments", c->n, c->unit, info.segments);
	cr_expect_eq(info.per_part, c->per_part, "%zu x '%s': %zu per part", c->n, c->unit, info.per_part);
	cr_expect_eq(p.nr, info.segments, "%zu x '%s': split into %zu", c->n, c->unit, p.nr);
	for (size_t i = 0; i < p.nr; i++) {
		struct gw_sms_info pi = measure(p.part[i]);
		cr_expect_leq(pi.units, info.per_part, "part %zu: %zu units", i, pi.units);
		buf_adds(&joined, p.part[i]);
	}
	cr_expect_str_eq(joined.data, text);
	buf_release(&joined);
	parts_release(&p);
	free(text);
}

Test(sms_text, boundaries)
{
	for (size_t i = 0; i < ARRAY_SIZE(boundary_cases); i++)
		check_boundary(&boundary_cases[i]);
}

Test(sms_text, full_parts_of_plain_text)
{
	char *text = rep("a", 307);
	struct parts p = split(text);
	cr_assert_eq(p.nr, 3);
	cr_expect_eq(strlen(p.part[0]), 153);
	cr_expect_eq(strlen(p.part[1]), 153);
	cr_expect_eq(strlen(p.part[2]), 1);
	parts_release(&p);
	free(text);
}

/* An escape sequence that would straddle two parts goes whole into the next. */
Test(sms_text, escape_at_a_boundary)
{
	char *head = rep("a", 152), *tail = rep("b", 152);
	char *text = cat3(head, "{", tail); /* 152 + 2 + 152 = 306 septets */
	struct gw_sms_info info = measure(text);
	struct parts p = split(text);

	cr_expect_eq(info.coding, GW_SMS_GSM7);
	cr_expect_eq(info.units, 306);
	/* 306 would fit two parts, but not with '{' cut: 152 | '{' + 151 | 1. */
	cr_expect_eq(info.segments, 3);
	cr_assert_eq(p.nr, 3);
	cr_expect_str_eq(p.part[0], head);
	cr_expect_eq(p.part[1][0], '{');
	cr_expect_eq(strlen(p.part[1]), 152);
	cr_expect_str_eq(p.part[2], "b");
	parts_release(&p);
	free(text);

	/* With the escape fully inside the first part, two parts do. */
	char *head2 = rep("a", 151);
	text = cat3(head2, EURO, tail); /* 151 + 2 + 152 = 305 */
	p = split(text);
	cr_assert_eq(p.nr, 2);
	cr_expect_eq(strlen(p.part[0]), 151 + 3);
	cr_expect_str_eq(p.part[0] + 151, EURO);
	cr_expect_str_eq(p.part[1], tail);
	parts_release(&p);
	free(text);

	/* The euro (three UTF-8 bytes, two septets) at the boundary. */
	text = cat3(head, EURO, tail);
	p = split(text);
	cr_assert_eq(p.nr, 3);
	cr_expect_str_eq(p.part[0], head);
	cr_expect(!strncmp(p.part[1], EURO, 3));
	parts_release(&p);
	free(text);

	/* In a single SMS an escape at the very end still fits: 158 + 2. */
	char *fit = rep("a", 158);
	text = cat3(fit, "]", "");
	expect("escape last of 160", text, GW_SMS_GSM7, 160, 1);
	free(text);
	text = cat3(fit, "a]", "");
	expect("escape past 160", text, GW_SMS_GSM7, 161, 2);
	free(text);
	free(fit);
	free(head);
	free(head2);
	free(tail);
}

/* A surrogate pair that would straddle two parts goes whole into the next. */
Test(sms_text, surrogate_pair_at_a_boundary)
{
	char *head = rep(ZHONG, 66), *tail = rep(ZHONG, 66);
	char *text = cat3(head, GRIN, tail); /* 66 + 2 + 66 = 134 units */
	struct gw_sms_info info = measure(text);
	struct parts p = split(text);

	cr_expect_eq(info.coding, GW_SMS_UCS2);
	cr_expect_eq(info.units, 134);
	cr_expect_eq(info.segments, 3);
	cr_assert_eq(p.nr, 3);
	cr_expect_str_eq(p.part[0], head);
	cr_expect(!strncmp(p.part[1], GRIN, 4));
	cr_expect_eq(utf16_units(p.part[1]), 67);
	cr_expect_str_eq(p.part[2], ZHONG);
	parts_release(&p);
	free(text);

	/* 68 + the pair = 70: one SMS; 69 + the pair = 71: two. */
	char *h68 = rep(ZHONG, 68), *h69 = rep(ZHONG, 69);
	text = cat3(h68, GRIN, "");
	expect("pair last of 70", text, GW_SMS_UCS2, 70, 1);
	free(text);
	text = cat3(h69, GRIN, "");
	expect("pair past 70", text, GW_SMS_UCS2, 71, 2);
	p = split(text);
	cr_assert_eq(p.nr, 2);
	cr_expect_eq(utf16_units(p.part[0]), 67);
	cr_expect_eq(utf16_units(p.part[1]), 4);
	cr_expect_str_eq(p.part[1] + 2 * 3, GRIN);
	parts_release(&p);
	free(text);
	free(h68);
	free(h69);
	free(head);
	free(tail);
}

/* Texts of every kind of character at every length around the boundaries:
 * the parts are whole characters, fit, and add up to the text. */
Test(sms_text, split_never_cuts)
{
	static const char *const pools[][5] = {
		{ "a", "{", EURO, "b", "\f" },	  /* GSM with escapes */
		{ "a", ZHONG, GRIN, "b", "c" },	  /* UCS-2 with pairs */
		{ GRIN, ZHONG, GRIN, "x", GRIN }, /* mostly pairs */
		{ "é", "[", "Ω", "]", "~" },	  /* two-byte UTF-8, escapes */
	};
	unsigned seed = 7;

	for (size_t pool = 0; pool < ARRAY_SIZE(pools); pool++)
		for (size_t len = 1; len < 330; len += 1) {
			struct buf text = BUF_INIT, joined = BUF_INIT;
			for (size_t i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				buf_adds(&text, pools[pool][(seed >> 16) % 5]);
			}
			struct gw_sms_info info = measure(text.data);
			struct parts p = { { 0 }, 0 };
			struct err err = ERR_INIT;
			assert_ok(gw_sms_split(text.data, collect, &p, &err), &err);
			cr_assert_eq(p.nr, info.segments, "pool %zu length %zu", pool, len);
			for (size_t i = 0; i < p.nr; i++) {
				struct gw_sms_info pi = measure(p.part[i]); /* valid UTF-8 on its own */
				size_t units = info.coding == GW_SMS_UCS2 ? utf16_units(p.part[i]) : pi.units;
				cr_assert_eq(pi.coding == GW_SMS_GSM7 || info.coding == GW_SMS_UCS2, 1);
				cr_assert_leq(units, info.per_part, "pool %zu length %zu part %zu", pool, len, i);
				cr_assert_gt(strlen(p.part[i]), 0);
				buf_adds(&joined, p.part[i]);
			}
			cr_assert_str_eq(joined.data, text.data);
			/* A part is only short when the next character did not fit. */
			if (p.nr > 1)
				for (size_t i = 0; i + 1 < p.nr; i++) {
					size_t units = info.coding == GW_SMS_UCS2 ? utf16_units(p.part[i])
										  : measure(p.part[i]).units;
					cr_assert_geq(units + 1, info.per_part,
						      "pool %zu length %zu part %zu: %zu units", pool, len, i, units);
				}
			parts_release(&p);
			err_release(&err);
			buf_release(&text);
			buf_release(&joined);
		}
}

Test(sms_text, empty_text_is_one_empty_part)
{
	struct parts p = split("");
	cr_assert_eq(p.nr, 1);
	cr_expect_str_eq(p.part[0], "");
	parts_release(&p);
}

static int stop_at_second(void *ctx, const char *part, size_t len)
{
	int *calls = ctx;
	(void)part;
	(void)len;
	return ++*calls == 2 ? 42 : 0;
}

Test(sms_text, callback_stops_the_split)
{
	char *text = rep("a", 500);
	struct err err = ERR_INIT;
	int calls = 0;
	cr_expect_eq(gw_sms_split(text, stop_at_second, &calls, &err), 42);
	cr_expect_eq(calls, 2);
	free(text);
	err_release(&err);
}

struct bad_utf8 {
	const char *text;
	const char *msg;
};

static const struct bad_utf8 bad_utf8_cases[] = {
	{ "\xFF", "text is not valid UTF-8 at byte 1" },
	{ "ok\x80", "text is not valid UTF-8 at byte 3" },	     /* a lone continuation */
	{ "ab\xC3", "text is not valid UTF-8 at byte 3" },	     /* cut short */
	{ "\xE4\xB8", "text is not valid UTF-8 at byte 1" },	     /* cut short */
	{ "\xC0\xAF", "text is not valid UTF-8 at byte 1" },	     /* overlong '/' */
	{ "\xE0\x80\xAF", "text is not valid UTF-8 at byte 1" },     /* overlong */
	{ "\xF0\x80\x80\xAF", "text is not valid UTF-8 at byte 1" }, /* overlong */
	{ "a\xED\xA0\x80", "text is not valid UTF-8 at byte 2" },    /* a surrogate */
	{ "\xF4\x90\x80\x80", "text is not valid UTF-8 at byte 1" }, /* past U+10FFFF */
	{ "\xF8\x88\x80\x80\x80", "text is not valid UTF-8 at byte 1" },
	{ "中\xE4\xB8\x41", "text is not valid UTF-8 at byte 4" },
};

Test(sms_text, invalid_utf8)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_utf8_cases); i++) {
		const struct bad_utf8 *c = &bad_utf8_cases[i];
		struct gw_sms_info info;
		struct err err = ERR_INIT;
		cr_expect_eq(gw_sms_measure(&info, c->text, &err), ERR_INPUT, "case %zu", i);
		cr_expect_str_eq(err.msg.data, c->msg, "case %zu", i);
		err_clear(&err);
		cr_expect_eq(gw_sms_split(c->text, collect, NULL, &err), ERR_INPUT, "case %zu", i);
		cr_expect_str_eq(err.msg.data, c->msg, "case %zu", i);
		err_release(&err);
	}
}

static void decorates(const char *text, const char *sig, const char *optout, const char *want)
{
	struct buf out = BUF_INIT;
	gw_sms_decorate(&out, text, sig, optout);
	cr_expect_str_eq(out.data, want, "'%s' + '%s' + '%s'", text, sig ? sig : "(null)", optout ? optout : "(null)");
	buf_release(&out);
}

Test(sms_text, decoration)
{
	decorates("王先生您好，祝您生日快乐！", "【示范贸易】", "回TD退订",
		  "【示范贸易】王先生您好，祝您生日快乐！回TD退订");
	/* A template's final newline does not stand between the text and the suffix. */
	decorates("王先生您好。\n", "【示范贸易】", "回TD退订", "【示范贸易】王先生您好。回TD退订");
	/* Never twice. */
	decorates("【示范贸易】您好。回TD退订", "【示范贸易】", "回TD退订", "【示范贸易】您好。回TD退订");
	decorates("您好。【示范贸易】", "【示范贸易】", "回TD退订", "您好。【示范贸易】回TD退订");
	/* ASCII on both sides: a space between. */
	decorates("Hello.", "[ACME]", "Reply STOP to opt out", "[ACME] Hello. Reply STOP to opt out");
	decorates("Hello.", "【示范贸易】", "Reply STOP", "【示范贸易】Hello. Reply STOP");
	/* Nothing configured: the text as it is (trailing white space dropped). */
	decorates("您好 ", NULL, "", "您好");
	decorates("", "【示范贸易】", "回TD退订", "【示范贸易】回TD退订");
	/* Appends to what out holds. */
	struct buf out = BUF_INIT;
	buf_adds(&out, ">");
	gw_sms_decorate(&out, "x", NULL, NULL);
	cr_expect_str_eq(out.data, ">x");
	buf_release(&out);

	/* The decoration counts: 64 Chinese characters fit in one SMS alone, not
	 * with signature (6) and suffix (5). */
	char *body = rep(ZHONG, 64);
	buf_init(&out);
	gw_sms_decorate(&out, body, "【示范贸易】", "回TD退订");
	expect("decorated", out.data, GW_SMS_UCS2, 75, 2);
	buf_release(&out);
	free(body);
}

struct quiet_spec {
	const char *spec;
	int on, start, end;
	const char *msg;
};

static const struct quiet_spec quiet_cases[] = {
	{ "21:00-08:00", 1, 21 * 60, 8 * 60, NULL },
	{ "22:00-08:00", 1, 22 * 60, 8 * 60, NULL },
	{ " 9:30 - 17:45 ", 1, 9 * 60 + 30, 17 * 60 + 45, NULL },
	{ "21:00\xE2\x80\x93"
	  "08:00",
	  1, 21 * 60, 8 * 60, NULL }, /* en dash */
	{ "20:00-24:00", 1, 20 * 60, 24 * 60, NULL },
	{ "", 0, 0, 0, NULL },
	{ "   ", 0, 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL },
	{ "21:00", 0, 0, 0, "quiet hours '21:00' are not of the form HH:MM-HH:MM (such as 21:00-08:00)" },
	{ "21-08", 0, 0, 0, "quiet hours '21-08' are not of the form HH:MM-HH:MM (such as 21:00-08:00)" },
	{ "25:00-08:00", 0, 0, 0, "quiet hours '25:00-08:00' are not of the form HH:MM-HH:MM (such as 21:00-08:00)" },
	{ "21:60-08:00", 0, 0, 0, "quiet hours '21:60-08:00' are not of the form HH:MM-HH:MM (such as 21:00-08:00)" },
	{ "24:00-08:00", 0, 0, 0, "quiet hours '24:00-08:00' are not of the form HH:MM-HH:MM (such as 21:00-08:00)" },
	{ "21:00-08:00x", 0, 0, 0, "quiet hours '21:00-08:00x' are not of the form HH:MM-HH:MM (such as 21:00-08:00)" },
	{ "08:00-08:00", 0, 0, 0, "quiet hours '08:00-08:00' start and end at the same time" },
	{ "00:00-24:00", 0, 0, 0, "quiet hours '00:00-24:00' start and end at the same time" },
};

static void check_quiet_parse(const struct quiet_spec *c)
{
	struct gw_sms_quiet q;
	struct err err = ERR_INIT;
	int rc = gw_sms_quiet_parse(&q, c->spec, &err);
	if (c->msg) {
		cr_expect_eq(rc, ERR_INPUT, "'%s'", c->spec);
		cr_expect_str_eq(err.msg.data, c->msg);
	} else {
		assert_ok(rc, &err);
		cr_expect_eq(q.on, c->on, "'%s'", c->spec);
		cr_expect_eq(q.start, c->start, "'%s'", c->spec);
		cr_expect_eq(q.end, c->end, "'%s'", c->spec);
	}
	err_release(&err);
}

Test(sms_text, quiet_parse)
{
	for (size_t i = 0; i < ARRAY_SIZE(quiet_cases); i++)
		check_quiet_parse(&quiet_cases[i]);
}

/* A local time in the time zone set by the test. */
static time_t local(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900,
			 .tm_mon = mo - 1,
			 .tm_mday = d,
			 .tm_hour = h,
			 .tm_min = mi,
			 .tm_sec = s,
			 .tm_isdst = -1 };
	return mktime(&tm);
}

static struct gw_sms_quiet quiet(const char *spec)
{
	struct gw_sms_quiet q;
	struct err err = ERR_INIT;
	assert_ok(gw_sms_quiet_parse(&q, spec, &err), &err);
	err_release(&err);
	return q;
}

Test(sms_text, quiet_hours_over_midnight)
{
	struct gw_sms_quiet q = quiet("21:00-08:00");
	time_t until = 0;

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 3, 1, 20, 59, 59), &until), 0);
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 3, 1, 8, 0, 0), &until), 0);
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 3, 1, 12, 0, 0), NULL), 0);

	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 3, 1, 21, 0, 0), &until), 1);
	cr_expect_eq(until, local(2026, 3, 2, 8, 0, 0));
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 3, 1, 23, 59, 59), &until), 1);
	cr_expect_eq(until, local(2026, 3, 2, 8, 0, 0));
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 3, 2, 0, 0, 0), &until), 1);
	cr_expect_eq(until, local(2026, 3, 2, 8, 0, 0));
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 3, 2, 7, 59, 30), &until), 1);
	cr_expect_eq(until, local(2026, 3, 2, 8, 0, 0));
	/* The last day of a month and of a year. */
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 12, 31, 22, 15, 0), &until), 1);
	cr_expect_eq(until, local(2027, 1, 1, 8, 0, 0));
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 12, 31, 22, 15, 0), NULL), 1);
}

Test(sms_text, quiet_hours_within_a_day)
{
	struct gw_sms_quiet q = quiet("12:00-13:30");
	time_t until = 0;

	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 5, 1, 11, 59, 0), &until), 0);
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 5, 1, 12, 0, 0), &until), 1);
	cr_expect_eq(until, local(2026, 5, 1, 13, 30, 0));
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 5, 1, 13, 30, 0), &until), 0);

	q = quiet("20:00-24:00");
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 5, 1, 23, 0, 0), &until), 1);
	cr_expect_eq(until, local(2026, 5, 2, 0, 0, 0));
}

Test(sms_text, quiet_hours_off)
{
	struct gw_sms_quiet q = quiet("");
	time_t until = 123;
	cr_expect_eq(q.on, 0);
	cr_expect_eq(gw_sms_quiet_at(&q, local(2026, 3, 1, 23, 0, 0), &until), 0);
	cr_expect_eq(until, 123);
}

/* Quiet hours are wall-clock times: across a clock change they end at the
 * stated local time, not a fixed number of seconds later. */
Test(sms_text, quiet_hours_across_a_clock_change)
{
	struct gw_sms_quiet q = quiet("01:00-04:00");
	time_t until = 0, t;

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	t = local(2026, 3, 29, 1, 30, 0); /* 02:00 CET becomes 03:00 CEST */
	cr_expect_eq(gw_sms_quiet_at(&q, t, &until), 1);
	cr_expect_eq(until, local(2026, 3, 29, 4, 0, 0));
	cr_expect_eq(until - t, 90 * 60);
}

Test(sms_text, frequency_cap)
{
	struct gw_sms_cap cap;
	struct err err = ERR_INIT;
	static const char *const bad[] = { "x", "4", "4/", "0/30", "4/0", "4/30x", "-1/30", "4/30dd", "/30" };

	assert_ok(gw_sms_cap_parse(&cap, "4/30", &err), &err);
	cr_expect(cap.count == 4 && cap.days == 30);
	assert_ok(gw_sms_cap_parse(&cap, "2/7d", &err), &err);
	cr_expect(cap.count == 2 && cap.days == 7);
	assert_ok(gw_sms_cap_parse(&cap, NULL, &err), &err);
	cr_expect_eq(cap.count, 0, "no cap");
	assert_ok(gw_sms_cap_parse(&cap, "", &err), &err);
	cr_expect_eq(cap.count, 0, "no cap");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&err);
		cr_expect_eq(gw_sms_cap_parse(&cap, bad[i], &err), ERR_INPUT, "%s", bad[i]);
		cr_expect(strstr(err.msg.data, bad[i]) && strstr(err.msg.data, "N/DAYS"), "%s", err.msg.data);
	}
	err_release(&err);
}
