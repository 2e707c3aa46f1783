/* tests/common/test_csv.c - the CSV reader and writer (RFC 4180, UTF-8). */
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "common/csv.h"

/* Read all records of text; returns them joined as "f1|f2;f1;..." with each
 * record's starting line, so one string states what was read. */
static void read_all(const char *text, size_t len, struct buf *out)
{
	FILE *f = fmemopen((void *)text, len, "rb");
	struct csv_reader r;
	cr_assert(f);
	csv_reader_init(&r, f);
	buf_reset(out);
	while (csv_read(&r) > 0) {
		buf_addf(out, "%ld:", r.record_line);
		for (size_t i = 0; i < r.nfields; i++)
			buf_addf(out, "%s%s", i ? "|" : "", r.fields[i].data);
		if (r.problem[0])
			buf_addf(out, "!%d", r.problem_field);
		buf_addch(out, ';');
	}
	csv_reader_release(&r);
	fclose(f);
}

struct csv_case {
	const char *name, *in, *want;
};

static const struct csv_case cases[] = {
	{ "plain", "a,b,c\n1,2,3\n", "1:a|b|c;2:1|2|3;" },
	{ "crlf", "a,b\r\n1,2\r\n", "1:a|b;2:1|2;" },
	{ "no final newline", "a,b\n1,2", "1:a|b;2:1|2;" },
	{ "bom",
	  "\xEF\xBB\xBF"
	  "code,name\nC1,x\n",
	  "1:code|name;2:C1|x;" },
	{ "quotes and commas", "a,\"b,c\",\"say \"\"hi\"\"\"\n", "1:a|b,c|say \"hi\";" },
	{ "newline in quotes counts lines", "a,\"line1\nline2\"\nnext,x\n", "1:a|line1\nline2;3:next|x;" },
	{ "crlf inside quotes is kept", "a,\"l1\r\nl2\"\r\nb,c\r\n", "1:a|l1\r\nl2;3:b|c;" },
	{ "empty fields", "a,,c\n,,\n", "1:a||c;2:||;" },
	{ "empty lines are no records", "a\n\n\nb\n", "1:a;4:b;" },
	{ "a record of one quoted field", "a\n\"A1\"\n\"\"\nb\n", "1:a;2:A1;3:;4:b;" },
	{ "chinese", "名称,地区\n上海华东机械有限公司,华东\n", "1:名称|地区;2:上海华东机械有限公司|华东;" },
	{ "stray quote", "a,b\"c\n", "1:a|b\"c!1;" },
	{ "text after closing quote", "\"ab\"c,d\n", "1:abc|d!0;" },
	{ "eof inside quotes", "a,\"open\n", "1:a|open\n!1;" },
	{ "bad utf-8", "a,\xff\xfe\n", "1:a|\xff\xfe!1;" },
	{ "overlong utf-8", "\xc0\xaf\n", "1:\xc0\xaf!0;" },
	{ "not a bom",
	  "\xEF\xBB"
	  "x\n",
	  "1:\xEF\xBB"
	  "x!0;" },
};

/* One test walks the table: Criterion's parameterized tests would need every
 * string copied into its shared memory. */
Test(csv, read)
{
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		read_all(cases[i].in, strlen(cases[i].in), &out);
		cr_expect_str_eq(out.data, cases[i].want, "case '%s': got '%s'", cases[i].name, out.data);
	}
	buf_release(&out);
}

Test(csv, nul_byte_is_a_problem)
{
	static const char in[] = "a,b\0c\n";
	struct buf out = BUF_INIT;
	read_all(in, sizeof(in) - 1, &out);
	cr_assert(strstr(out.data, "!1;"), "a NUL byte must be reported in field 1: %s", out.data);
	buf_release(&out);
}

Test(csv, write_then_read_gives_the_same_values)
{
	const char *values[] = { "plain", "a,b", "say \"hi\"", "two\nlines", "", " lead", "上海", "x\r\ny" };
	size_t n = sizeof(values) / sizeof(values[0]);
	struct buf line = BUF_INIT;
	FILE *f;
	struct csv_reader r;

	for (size_t i = 0; i < n; i++) {
		buf_adds(&line, i ? "," : "");
		csv_add_field(&line, values[i]);
	}
	buf_adds(&line, "\r\n");
	f = fmemopen(line.data, line.len, "rb");
	csv_reader_init(&r, f);
	cr_assert_eq(csv_read(&r), 1);
	cr_assert_eq(r.nfields, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(r.fields[i].data, values[i], "field %zu", i);
	cr_assert_str_eq(r.problem, "");
	cr_assert_eq(csv_read(&r), 0);
	csv_reader_release(&r);
	fclose(f);
	buf_release(&line);
}

/* A record's size is capped: past CSV_RECORD_MAX bytes the reader stops
 * (-2) however the bytes come (one endless field, an unclosed quote, many
 * fields), having kept no more than the cap in memory; a record just under
 * the cap is read whole. */
Test(csv, a_record_is_at_most_the_cap)
{
	static const struct {
		const char *name, *unit, *head;
		int quoted;
	} shapes[] = {
		{ "one endless field", "x", "", 0 },
		{ "an unclosed quote", "a\nb\n", "\"", 1 },
		{ "endless fields", ",", "", 0 },
		{ "NUL bytes", "", "", 0 },
	};
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		struct buf in = BUF_INIT;
		struct csv_reader r;
		FILE *f;

		buf_adds(&in, "code,name\nC1,ok\n");
		buf_adds(&in, shapes[s].head);
		while (in.len < 2 * CSV_RECORD_MAX)
			if (*shapes[s].unit)
				buf_adds(&in, shapes[s].unit);
			else
				buf_addch(&in, '\0');
		f = fmemopen(in.data, in.len, "rb");
		csv_reader_init(&r, f);
		cr_assert_eq(csv_read(&r), 1, "%s", shapes[s].name);
		cr_assert_eq(csv_read(&r), 1, "%s", shapes[s].name);
		cr_assert_eq(csv_read(&r), -2, "%s: a record of 2 MiB must stop the reader", shapes[s].name);
		cr_assert_eq(r.record_line, 3, "%s", shapes[s].name);
		cr_assert(strstr(r.problem, "the record is longer than 1 MiB"), "%s: %s", shapes[s].name, r.problem);
		cr_assert_eq(!!strstr(r.problem, "a quoted field starts in it"), shapes[s].quoted, "%s: %s",
			     shapes[s].name, r.problem);
		csv_reader_release(&r);
		fclose(f);
		buf_release(&in);
	}
	{
		struct buf in = BUF_INIT;
		struct csv_reader r;
		FILE *f;
		size_t want;

		while (in.len < CSV_RECORD_MAX - 1)
			buf_addch(&in, 'y');
		want = in.len;
		buf_adds(&in, "\nnext\n");
		f = fmemopen(in.data, in.len, "rb");
		csv_reader_init(&r, f);
		cr_assert_eq(csv_read(&r), 1);
		cr_assert_eq(r.fields[0].len, want);
		cr_assert_eq(csv_read(&r), 1);
		cr_assert_str_eq(r.fields[0].data, "next");
		csv_reader_release(&r);
		fclose(f);
		buf_release(&in);
	}
}

/* Words someone outside wrote are written so that a spreadsheet shows them
 * and runs nothing: a field a spreadsheet takes for a formula gets a '. */
Test(csv, a_text_field_is_never_a_formula)
{
	static const struct {
		const char *value, *written;
	} formulas[] = {
		{ "=1+2", "'=1+2" },  { "+86 139", "'+86 139" },
		{ "-5", "'-5" },      { "@SUM(A1)", "'@SUM(A1)" },
		{ "\tx", "'\tx" },    { "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"" },
		{ "好=1", "好=1" },   { "", "" },
		{ "a,b", "\"a,b\"" },
	};

	for (size_t i = 0; i < sizeof(formulas) / sizeof(*formulas); i++) {
		struct buf b = BUF_INIT;
		csv_add_text_field(&b, formulas[i].value);
		cr_expect_str_eq(b.data ? b.data : "", formulas[i].written, "%s", formulas[i].value);
		buf_release(&b);
	}
}
