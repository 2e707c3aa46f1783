/* merge/field.c - parse a merge field's instruction: its name and switches
 * (Word's field-code syntax: \@ date, \# number, \* general format; a
 * MERGEFIELD's own \b, \f, \m and \v; ECMA-376 part 1, 17.16.4, and part 4's
 * MERGEFIELD). */
#include "merge/field.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "merge/format.h"
#include "common/banned.h"

/* Word writes straight quotes; a template typed in Word with "smart quotes"
 * on may hold curly ones (U+201C, U+201D). */
#define LQUOTE "\xE2\x80\x9C"
#define RQUOTE "\xE2\x80\x9D"

static const char *skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* Read one argument: "quoted text" (\" and \\ escaped, as in field codes) or
 * a bare word. Returns the position after it, or NULL when there is none. */
static const char *read_arg(const char *p, char **out)
{
	struct buf b = BUF_INIT;
	p = skip_space(p);
	if (*p == '"' || !strncmp(p, LQUOTE, 3)) {
		p += *p == '"' ? 1 : 3;
		while (*p && *p != '"' && strncmp(p, RQUOTE, 3)) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			buf_addch(&b, *p++);
		}
		if (!*p) {
			buf_release(&b);
			return NULL;
		}
		p += *p == '"' ? 1 : 3;
	} else {
		while (*p && !isspace((unsigned char)*p))
			buf_addch(&b, *p++);
		if (!b.len) {
			buf_release(&b);
			return NULL;
		}
	}
	*out = buf_detach(&b, NULL);
	return p;
}

int merge_field_is_mergefield(const char *instr)
{
	const char *p = skip_space(instr);
	return !strncasecmp(p, "MERGEFIELD", 10) && (isspace((unsigned char)p[10]) || !p[10]);
}

static int set_once(char **slot, char *value, char sw, struct err *err)
{
	if (*slot) {
		free(value);
		return err_set(err, ERR_INPUT, "switch '\\%c' is given twice", sw);
	}
	*slot = value;
	return 0;
}

/* Add a \* switch's names to the field's ("\* Lower \* FirstCap": Word
 * applies them in turn), checked against the names Word has. MERGEFORMAT
 * and CHARFORMAT keep Word's formatting, which the merge keeps anyway: they
 * are left out. */
static int add_text_format(struct merge_field *f, const char *names, struct err *err)
{
	struct buf kept = BUF_INIT;
	int rc = merge_format_text_check(names, NULL, err);

	if (rc) {
		err_prefix(err, "field '%s': ", f->name);
		return rc;
	}
	if (f->text_format)
		buf_adds(&kept, f->text_format);
	for (const char *p = names; *(p = skip_space(p));) {
		size_t n = strcspn(p, " \t\r\n");
		if (!(n == 11 && !strncasecmp(p, "MERGEFORMAT", n)) && !(n == 10 && !strncasecmp(p, "CHARFORMAT", n))) {
			if (kept.len)
				buf_addch(&kept, ' ');
			buf_add(&kept, p, n);
		}
		p += n;
	}
	free(f->text_format);
	f->text_format = kept.len ? buf_detach(&kept, NULL) : NULL;
	buf_release(&kept);
	return 0;
}

int merge_field_parse(struct merge_field *out, const char *instr, int mergefield, struct err *err)
{
	const char *p = skip_space(instr);
	int rc = 0, numeric = 0;

	memset(out, 0, sizeof(*out));
	if (mergefield) {
		if (!merge_field_is_mergefield(p))
			return err_set(err, ERR_INPUT, "'%s' is not a MERGEFIELD", instr);
		p += 10;
	}
	if (!(p = read_arg(p, &out->name)) || !*out->name || out->name[0] == '\\') {
		merge_field_release(out);
		return err_set(err, ERR_INPUT, "field '%s' has no name", instr);
	}
	while (!rc && *(p = skip_space(p))) {
		char sw, *arg = NULL;
		if (*p != '\\' || !p[1]) {
			rc = err_set(err, ERR_INPUT, "field '%s': expected a switch such as \\@ or \\#, found '%s'",
				     out->name, p);
			break;
		}
		/* Word takes \B as \b */
		sw = (char)tolower((unsigned char)p[1]);
		p += 2;
		/* \m (a mapped field), \v (vertical text) and \! (lock the result)
		 * take no value and change nothing in a merged value */
		if (sw == 'm' || sw == 'v' || sw == '!') {
			if (*p && !isspace((unsigned char)*p)) {
				rc = err_set(err, ERR_INPUT, "field '%s': unknown switch '\\%c%c'", out->name, p[-1],
					     *p);
				break;
			}
			continue;
		}
		if (!(p = read_arg(p, &arg))) {
			rc = err_set(err, ERR_INPUT, "field '%s': switch '\\%c' needs a value", out->name, sw);
			break;
		}
		switch (sw) {
		case '@': rc = set_once(&out->date_picture, arg, sw, err); break;
		case '#': rc = set_once(&out->number_picture, arg, sw, err); break;
		case 'b': rc = set_once(&out->before, arg, sw, err); break;
		case 'f': rc = set_once(&out->after, arg, sw, err); break;
		case '*': {
			/* Word reads "\* Upper MERGEFORMAT" as two names of one switch */
			struct buf names = BUF_INIT;
			buf_adds(&names, arg);
			free(arg);
			while (*(p = skip_space(p)) && *p != '\\' && *p != '"') {
				size_t n = strcspn(p, " \t\r\n");
				buf_addch(&names, ' ');
				buf_add(&names, p, n);
				p += n;
			}
			rc = add_text_format(out, names.data, err);
			buf_release(&names);
			break;
		}
		default: free(arg); rc = err_set(err, ERR_INPUT, "field '%s': unknown switch '\\%c'", out->name, sw);
		}
	}
	if (!rc && out->text_format && !merge_format_text_check(out->text_format, &numeric, err))
		out->text_number = numeric;
	if (!rc && numeric && out->number_picture)
		rc = err_set(err, ERR_INPUT, "field '%s': \\# and \\* %s both say how to write the number: keep one",
			     out->name, out->text_format);
	if (rc)
		merge_field_release(out);
	return rc;
}

void merge_field_release(struct merge_field *f)
{
	free(f->name);
	free(f->date_picture);
	free(f->number_picture);
	free(f->text_format);
	free(f->before);
	free(f->after);
	memset(f, 0, sizeof(*f));
}
