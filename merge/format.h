/* merge/format.h - a merge field's value as Word's field switches format it:
 * \@ date-time pictures, \# numeric pictures, \* text formats (ECMA-376
 * part 1, 17.16.4.1-3; Word's help on the \@, \# and \* switches).
 *
 * Numbers are exact decimal text throughout: no value passes through a
 * double, so money prints to the cent whatever its size. Each function
 * appends to out and returns 0, or returns ERR_INPUT with err set and out as
 * it was. */
#ifndef MERGE_FORMAT_H
#define MERGE_FORMAT_H

#include "common/buf.h"
#include "common/err.h"

/* Append the date y-m-d (and the time hh:mi:ss; pass 0s for a date alone)
 * by a \@ picture. Picture items:
 *   yy (or y) 26, yyyy (three or more y) 2026; Y is taken as y
 *   M 1, MM 01, MMM 11月 / Nov, MMMM 十一月 / November (M is always month)
 *   d 5, dd 05, ddd 周四 / Thu, dddd 星期四 / Thursday; D is taken as d
 *   H HH 24-hour, h hh 12-hour, m mm minutes (m is always minutes),
 *   s ss seconds, AM/PM (AM, PM) and am/pm (am, pm)
 *   'text' (or ‘text’) copied as it is
 * Every other character, letters included, is copied as it is, as Word does:
 * a picture never fails. NULL or "" is zh-CN's "yyyy年M月d日". lang picks
 * the month and day names: NULL, "" or "zh…" Chinese, anything else English.
 * A date or time out of range (2026-02-30, 24:00) is ERR_INPUT. */
int merge_format_date(struct buf *out, int y, int m, int d, int hh, int mi, int ss, const char *picture,
		      const char *lang, struct err *err);

/* Append decimal (exact text such as "-1234.5": an optional sign, digits,
 * an optional point and digits) by a \# picture. Picture items:
 *   0   a digit, or 0 when the number has none there ("00000": 00012)
 *   #   a digit, or a space when the number has none there (Word's rule:
 *       "$###" shows 15 as "$ 15"; "0.##" shows 2.5 as "2.5 ")
 *   x   before the point: drops the digits left of it ("x##": 492); after
 *       it: a digit like 0
 *   .   the decimal point; the number is rounded half away from zero to the
 *       places after it (0.125 by "0.00": 0.13)
 *   ,   anywhere in the integer part: group thousands (1,234,567)
 *   -   a minus when negative, else a space;  + a plus, a minus, or a space
 *       for zero
 *   ;   a second section for negative numbers (shown without their minus)
 *       and a third for zero; either may be text alone ("'-'")
 *   'text', %, ¥, $ and any other character: copied as it is (% does not
 *       multiply by 100: Word's "##%" shows 33 as "33%")
 * Without a -, + or negative section, a negative number gets a minus in
 * front of the whole result ("-¥1,234.50"); a number that rounds to zero
 * gets none. Integer digits are never lost for want of places: "0" shows
 * 1234 as "1234".
 * picture NULL or "" is not a Word picture but our default: with is_money
 * "#,##0.00" without padding (1,234.50; 0.50), otherwise the number as given
 * with its integer part grouped (1,234,567; 3.5; -0.125).
 * ERR_INPUT: decimal not a number ("'12a' is not a number"), a picture
 * without a digit place, an unclosed quote, or more than three sections. */
int merge_format_number(struct buf *out, const char *decimal, const char *picture, int is_money, struct err *err);

/* Append UTF-8 text by \* switch names (Word's general formatting switch),
 * applied left to right when several are given separated by spaces ("Lower
 * FirstCap", as Word applies "\* Lower \* FirstCap"); names ignore case:
 *   Upper, Lower    every ASCII letter
 *   FirstCap        the first character, when an ASCII letter, made upper
 *                   case; the rest is left as it is
 *   Caps            each word (after a space) starts upper case, the rest
 *                   of its ASCII letters lower case ("mary SMITH": Mary Smith)
 *   MERGEFORMAT, CHARFORMAT   nothing (formatting is kept anyway)
 *   roman, alphabetic   123: cxxiii, 27: aa; ROMAN, ALPHABETIC (a first
 *                   letter in upper case) write upper case
 *   Arabic 123, ArabicDash "- 123 -", Ordinal 123rd, Hex 7B
 *   DBNum1, CHINESENUM3   一百二十三 (十二 for 12; 负 before a negative)
 *   DBNum2, CHINESENUM2   壹佰贰拾叁 (the legal figures of amounts)
 *   DBChar, SBChar  ASCII to full-width forms (ＡＢＣ１２３) and back
 * The number formats round the text to a whole number first; text that is
 * not a number, or a number the format cannot write (roman 0, anything past
 * 16 digits), is left as it is, as Word leaves it. Letters beyond ASCII (汉字,
 * é) keep their case. NULL or "" copies the text. A name Word does not have
 * is ERR_INPUT ("unknown format switch 'Shout'"), and so is one of Word's that
 * crmgate does not write (CardText, DollarText, DBNum3...), saying so. */
int merge_format_text(struct buf *out, const char *text, const char *switch_names, struct err *err);

/* The check merge_format_text makes, without text: for a field's switches
 * when a template is compiled. *numeric (when not NULL) says whether one of
 * the names writes a number another way. */
int merge_format_text_check(const char *switch_names, int *numeric, struct err *err);

#endif
