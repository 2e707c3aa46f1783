/* merge/field.c - parse a merge field's instruction: its name and switches
 * (Word's field-code syntax: \@ date, \# number, \* text format, \b, \f). */
#include "merge/field.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/xalloc.h"
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

int merge_field_parse(struct merge_field *out, const char *instr, int mergefield, struct err *err)
{
	const char *p = skip_space(instr);
	int rc = 0;

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
			rc = err_set(err, ERR_INPUT, "field '%s': expected a switch such as \\@ or \\#, found '%s'", out->name, p);
			break;
		}
		sw = p[1];
		if (!(p = read_arg(p + 2, &arg))) {
			rc = err_set(err, ERR_INPUT, "field '%s': switch '\\%c' needs a value", out->name, sw);
			break;
		}
		switch (sw) {
		case '@': rc = set_once(&out->date_picture, arg, sw, err); break;
		case '#': rc = set_once(&out->number_picture, arg, sw, err); break;
		case 'b': rc = set_once(&out->before, arg, sw, err); break;
		case 'f': rc = set_once(&out->after, arg, sw, err); break;
		case '*':
			/* MERGEFORMAT and CHARFORMAT keep Word's formatting, which the
			 * merge keeps anyway */
			if (!strcasecmp(arg, "MERGEFORMAT") || !strcasecmp(arg, "CHARFORMAT")) {
				free(arg);
			} else if (out->text_format) {
				/* Word applies "\* Lower \* FirstCap" in turn */
				char *both = xstrfmt("%s %s", out->text_format, arg);
				free(out->text_format);
				free(arg);
				out->text_format = both;
			} else {
				out->text_format = arg;
			}
			break;
		default:
			free(arg);
			rc = err_set(err, ERR_INPUT, "field '%s': unknown switch '\\%c'", out->name, sw);
		}
	}
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
