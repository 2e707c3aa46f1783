/* merge/format.h - a merge field's value as Word's field switches format it:
 * \@ date-time pictures, \# numeric pictures, \* text formats. Numbers are
 * exact decimal text throughout: money is never rounded through a double. */
#ifndef MERGE_FORMAT_H
#define MERGE_FORMAT_H

#include "common/buf.h"
#include "common/err.h"

/* Append the date (and time: hh, mi, ss; 0 for a date alone) by picture:
 * yyyy yy, M MM MMM MMMM, d dd ddd dddd, H HH h hh, m mm, s ss, AM/PM am/pm,
 * 'quoted literal text'; any other character is copied. picture NULL or ""
 * is zh-CN's "yyyy年M月d日". lang "en" names months and days in English;
 * NULL or "zh-CN" in Chinese (十一月, 星期四; MMM 11月, ddd 周四). */
int merge_format_date(struct buf *out, int y, int m, int d, int hh, int mi, int ss, const char *picture,
		      const char *lang, struct err *err);

/* Append the decimal number (text: "-1234.5") by picture: 0 a digit always
 * shown, # a digit shown when needed, ',' in the integer part groups
 * thousands, '.' the decimal point; rounding half away from zero to the
 * picture's decimals, a '#' decimal dropping a trailing zero; a second
 * ';'-section for negative numbers (shown without the minus) and a third for
 * zero; other text ('%', '¥', quoted text) is copied as it is (Word does not
 * scale for '%'). picture NULL or "": money as "#,##0.00", other numbers
 * with grouped thousands and their own decimals. */
int merge_format_number(struct buf *out, const char *decimal, const char *picture, int is_money, struct err *err);

/* Append text by a \* switch: Upper, Lower, FirstCap (first letter), Caps
 * (each word's first letter); only ASCII letters change case. */
int merge_format_text(struct buf *out, const char *text, const char *name, struct err *err);

#endif
