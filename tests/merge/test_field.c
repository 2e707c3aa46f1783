/* tests/merge/test_field.c - merge field instructions as Word writes them. */
#include <string.h>

#include "testlib.h"
#include "merge/field.h"

#define S(x) ((x) ? (x) : "(null)")

struct field_case {
	const char *instr;
	int mergefield;
	const char *name, *date, *num, *text, *before, *after;
};

static const struct field_case ok_cases[] = {
	{ " MERGEFIELD name ", 1, "name", NULL, NULL, NULL, NULL, NULL },
	{ "MERGEFIELD \"customer.name\" \\* MERGEFORMAT", 1, "customer.name", NULL, NULL, NULL, NULL, NULL },
	{ "mergefield birthday \\@ \"yyyy年M月d日\"", 1, "birthday", "yyyy年M月d日", NULL, NULL, NULL, NULL },
	{ "MERGEFIELD total \\# \"#,##0.00\" \\* MERGEFORMAT", 1, "total", NULL, "#,##0.00", NULL, NULL, NULL },
	{ "MERGEFIELD title \\b \"，\" \\f \"先生\" \\* Upper", 1, "title", NULL, NULL, "Upper", "，", "先生" },
	{ "MERGEFIELD d \\@ \xE2\x80\x9CM/d\xE2\x80\x9D", 1, "d", "M/d", NULL, NULL, NULL, NULL },
	{ "MERGEFIELD q \\b \"say \\\"hi\\\" \"", 1, "q", NULL, NULL, NULL, "say \"hi\" ", NULL },
	{ "birthday \\@ \"M月d日\"", 0, "birthday", "M月d日", NULL, NULL, NULL, NULL },
	{ "owner.name", 0, "owner.name", NULL, NULL, NULL, NULL, NULL },
	{ "MERGEFIELD n \\* Lower \\* MERGEFORMAT \\* FirstCap", 1, "n", NULL, NULL, "Lower FirstCap", NULL, NULL },
	/* as Word and other tools write them: several names after one \*,
	 * switches without a value, upper-case switch letters */
	{ "MERGEFIELD email \\* FirstCap MERGEFORMAT", 1, "email", NULL, NULL, "FirstCap", NULL, NULL },
	{ " MERGEFIELD  Email  \\* Upper  MERGEFORMAT ", 1, "Email", NULL, NULL, "Upper", NULL, NULL },
	{ "MERGEFIELD \"Courtesy Title\" \\m \\b \"Dear \" \\f \" \"", 1, "Courtesy Title", NULL, NULL, NULL, "Dear ",
	  " " },
	{ "MERGEFIELD name \\v", 1, "name", NULL, NULL, NULL, NULL, NULL },
	{ "MERGEFIELD name \\m \\v \\* MERGEFORMAT", 1, "name", NULL, NULL, NULL, NULL, NULL },
	{ "MERGEFIELD name \\B \"（\" \\F \"）\"", 1, "name", NULL, NULL, NULL, "（", "）" },
	{ "MERGEFIELD total \\* DBNum2 \\* MERGEFORMAT", 1, "total", NULL, NULL, "DBNum2", NULL, NULL },
	{ "MERGEFIELD n \\! \\* roman", 1, "n", NULL, NULL, "roman", NULL, NULL },
};

Test(field, parses_word_field_codes)
{
	struct err err = ERR_INIT;
	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct field_case *c = &ok_cases[i];
		struct merge_field f;
		assert_ok(merge_field_parse(&f, c->instr, c->mergefield, &err), &err);
		cr_expect_str_eq(S(f.name), S(c->name), "case %zu", i);
		cr_expect_str_eq(S(f.date_picture), S(c->date), "case %zu", i);
		cr_expect_str_eq(S(f.number_picture), S(c->num), "case %zu", i);
		cr_expect_str_eq(S(f.text_format), S(c->text), "case %zu", i);
		cr_expect_str_eq(S(f.before), S(c->before), "case %zu", i);
		cr_expect_str_eq(S(f.after), S(c->after), "case %zu", i);
		merge_field_release(&f);
	}
	err_release(&err);
}

Test(field, refuses_what_is_not_a_field)
{
	static const struct {
		const char *instr, *msg;
	} bad[] = {
		{ "PAGE", "'PAGE' is not a MERGEFIELD" },
		{ "MERGEFIELD", "has no name" },
		{ "MERGEFIELD x \\@", "switch '\\@' needs a value" },
		{ "MERGEFIELD x \\@ \"open", "switch '\\@' needs a value" },
		{ "MERGEFIELD x \\z 1", "unknown switch '\\z'" },
		{ "MERGEFIELD x junk", "expected a switch" },
		{ "MERGEFIELD x \\@ a \\@ b", "switch '\\@' is given twice" },
		{ "MERGEFIELD x \\* Shout", "field 'x': unknown format switch 'Shout'" },
		{ "MERGEFIELD x \\* Upper Loud", "field 'x': unknown format switch 'Loud'" },
		{ "MERGEFIELD x \\* CardText",
		  "field 'x': format switch '\\* CardText' is Word's, but crmgate cannot" },
		{ "MERGEFIELD x \\mv", "unknown switch '\\mv'" },
		{ "MERGEFIELD x \\# 0.00 \\* roman", "\\# and \\* roman both say how to write the number" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err err = ERR_INIT;
		struct merge_field f;
		cr_expect_eq(merge_field_parse(&f, bad[i].instr, 1, &err), ERR_INPUT, "'%s'", bad[i].instr);
		cr_expect(strstr(err.msg.data, bad[i].msg), "'%s': %s", bad[i].instr, err.msg.data);
		err_release(&err);
	}
	cr_assert(merge_field_is_mergefield(" MERGEFIELD x"));
	cr_assert_not(merge_field_is_mergefield("MERGEFIELDS x"));
	cr_assert_not(merge_field_is_mergefield("DATE \\@ yyyy"));
}
