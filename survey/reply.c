/* survey/reply.c - the answers in an e-mail or text reply
 * (survey/reply.h); auto-replies after RFC 3834. */
#include "survey/reply.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "gateway/web.h"
#include "survey/fold.h"
#include "common/banned.h"

/* One line of the body, without its line end. */
struct line {
	const char *s;
	size_t n;
	int number; /* 1… in the body, for messages */
};

/* The body cut into lines at LF, CR LF or CR. */
static size_t split_lines(struct line **out, const char *s, size_t len)
{
	struct line *lines = NULL;
	size_t nr = 0, alloc = 0, start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '\n' && s[i] != '\r')
			continue;
		ALLOC_GROW(lines, nr + 1, alloc);
		lines[nr].s = s + start;
		lines[nr].n = i - start;
		lines[nr].number = (int)nr + 1;
		nr++;
		if (i + 1 < len && s[i] == '\r' && s[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	*out = lines;
	return nr;
}

static uint32_t ascii_lower(uint32_t cp)
{
	return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t';
}

/* s folded (survey_fold), ASCII in lower case, with the spaces at either
 * end left out: what the separators and answers are recognised in. */
static void fold_line(struct buf *out, const char *s, size_t n)
{
	buf_reset(out);
	while (n) {
		const char *at = s;
		uint32_t cp = ascii_lower(survey_fold_next(&s, &n));
		if (is_space(cp) && !out->len)
			continue;
		if (cp < 0x80)
			buf_addch(out, (char)cp);
		else if (cp == 0xFFFD) /* an invalid byte too: what is quoted stays UTF-8 */
			buf_adds(out, "\xef\xbf\xbd");
		else
			buf_add(out, at, (size_t)(s - at));
	}
	while (out->len && is_space((unsigned char)out->data[out->len - 1]))
		buf_truncate(out, out->len - 1);
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !memcmp(s + n - m, suffix, m);
}

/* ------------------------------------------------- cutting the quote */

/* The separator lines of a quoted original, folded: "-----original
 * message-----", "------------------ 原始邮件 ------------------", NetEase's
 * "---- 回复的原邮件 ----", a forwarded message's. */
static int is_separator(const char *f)
{
	static const char *const words[] = { "original message", "原始邮件", "原邮件", "forwarded message",
					     "转发邮件" };

	if (!starts(f, "---"))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(f, words[i]))
			return 1;
	return 0;
}

/* The fields of the header block that Outlook, Foxmail, QQ Mail and
 * NetEase put above the original, folded (a full-width colon is ':'). */
static int is_header_field(const char *f)
{
	static const char *const fields[] = { "from:",	   "sent:", "date:", "to:",	"cc:",	 "subject:", "发件人:",
					      "发送时间:", "时间:", "日期:", "收件人:", "抄送:", "主题:" };

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (starts(f, fields[i]))
			return 1;
	return 0;
}

/* Does a header block start at line i: "From:"/"发件人:" with another field
 * among the next non-blank lines? */
static int header_block_at(const struct line *lines, size_t nr, size_t i, struct buf *f)
{
	int more = 0;

	fold_line(f, lines[i].s, lines[i].n);
	if (!starts(f->data, "from:") && !starts(f->data, "发件人:"))
		return 0;
	for (size_t j = i + 1; j < nr && more < 3; j++) {
		fold_line(f, lines[j].s, lines[j].n);
		if (!f->len)
			continue;
		if (is_header_field(f->data))
			return 1;
		more++;
	}
	return 0;
}

/* "On Mon, 7 Dec 2026 at 10:00, X <x@y> wrote:" (Gmail wraps it over two
 * lines), "在 2026年12月7日 10:00，X 写道：", Apple Mail's "2026年12月7日
 * 10:00，X 写道：": how many lines the attribution at line i takes, or 0. */
static size_t attribution_at(const struct line *lines, size_t nr, size_t i, struct buf *f)
{
	int on;

	fold_line(f, lines[i].s, lines[i].n);
	if (ends(f->data, "写道:") || ends(f->data, "wrote:"))
		return 1;
	on = starts(f->data, "on ") || starts(f->data, "在");
	if (on && i + 1 < nr) {
		fold_line(f, lines[i + 1].s, lines[i + 1].n);
		if (ends(f->data, "wrote:") || ends(f->data, "写道:"))
			return 2;
	}
	return 0;
}

static int is_quoted(const char *f)
{
	return f[0] == '>';
}

/* "Sent from my iPhone" and the like: the client's, not the respondent's. */
static int is_client_line(const char *f)
{
	static const char *const lines[] = { "sent from my ", "get outlook for ", "发自我的", "从我的" };

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		if (starts(f, lines[i]))
			return 1;
	return 0;
}

/* "______________" above Outlook's header block. */
static int is_rule(const char *f)
{
	return strlen(f) >= 5 && strspn(f, "_") == strlen(f);
}

/* The lines the respondent wrote: up to the quoted original or the
 * signature, without quoted lines. An attribution followed by quoted
 * lines starts a quote the respondent may answer below (bottom-posting):
 * only its lines go; one followed by unquoted text (a client that quotes
 * without '>', an HTML quote stripped of its markers) starts the original,
 * and the rest goes. */
static size_t own_lines(struct line *lines, size_t nr)
{
	struct buf f = BUF_INIT;
	size_t kept = 0;

	for (size_t i = 0; i < nr; i++) {
		size_t skip;

		fold_line(&f, lines[i].s, lines[i].n);
		/* fold_line left out the space of the signature line "-- " */
		if (is_separator(f.data) || !strcmp(f.data, "--") || header_block_at(lines, nr, i, &f))
			break;
		if ((skip = attribution_at(lines, nr, i, &f))) {
			size_t j = i + skip;
			while (j < nr && (fold_line(&f, lines[j].s, lines[j].n), !f.len))
				j++;
			if (j < nr && !is_quoted(f.data))
				break;
			i += skip - 1;
			continue;
		}
		fold_line(&f, lines[i].s, lines[i].n);
		if (is_quoted(f.data) || is_client_line(f.data) || is_rule(f.data))
			continue;
		lines[kept++] = lines[i];
	}
	buf_release(&f);
	return kept;
}

/* ------------------------------------------------- reading answers */

/* What reading the lines found wrong, each a line of the reason. */
struct reading {
	const struct survey_template *t;
	struct survey_answers *a;
	struct buf problems; /* lines */
	size_t nproblems;
};

static void trouble(struct reading *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void trouble(struct reading *r, const char *fmt, ...)
{
	va_list ap;

	if (r->problems.len)
		buf_addch(&r->problems, '\n');
	va_start(ap, fmt);
	buf_vaddf(&r->problems, fmt, ap);
	va_end(ap);
	r->nproblems++;
}

/* A question number at the start of f (folded), and the offset of what
 * follows its separator (":", ".", ",", ")", "-" or spaces), or 0 when f
 * does not start so. need_sep: an e-mail line needs the separator ("1st"
 * is no answer), a text reply does not ("1b2a"). */
static long read_number(const char *f, size_t *rest, int need_sep)
{
	size_t i = 0;
	long n = 0;

	size_t j;

	while (f[i] >= '0' && f[i] <= '9' && i < 4)
		n = n * 10 + (f[i++] - '0');
	if (!i || (f[i] >= '0' && f[i] <= '9'))
		return 0;
	j = i;
	while (f[j] == ' ' || f[j] == '\t')
		j++;
	if (f[j] && strchr(":.,)-", f[j]))
		j++;
	else if (j == i && need_sep && f[j])
		return 0;
	while (f[j] == ' ' || f[j] == '\t')
		j++;
	*rest = j;
	return n;
}

/* Where in the raw line s (n bytes) the folded offset folded_at of
 * fold_line's copy stands: a folded full-width character is one byte
 * there, another character its own bytes, and the leading spaces are
 * left out. The raw text of a free-text answer is kept as written. */
static const char *raw_at(const char *s, size_t n, size_t folded_at)
{
	size_t out = 0;
	int lead = 1;

	while (n && out < folded_at) {
		const char *at = s;
		uint32_t cp = survey_fold_next(&s, &n);
		if (lead && is_space(cp))
			continue;
		lead = 0;
		out += cp < 0x80 ? 1 : cp == 0xFFFD ? 3 : (size_t)(s - at);
	}
	while (lead && n) { /* folded_at 0: past the leading spaces still */
		const char *at = s;
		size_t m = n;
		if (!is_space(survey_fold_next(&s, &m))) {
			s = at;
			break;
		}
		n = m;
	}
	return s;
}

/* An answer's separators between option letters ("A,C", "A C", "A/C"). */
static int is_choice_sep(char c)
{
	return c && strchr(" \t,;/+&", c);
}

static int is_letter(char c)
{
	return c >= 'a' && c <= 'z';
}

static const struct survey_option *option_of(const struct survey_question *q, char label)
{
	for (size_t i = 0; i < q->noptions; i++)
		if (q->options[i].label == label)
			return &q->options[i];
	return NULL;
}

/* The label of the one option of q whose text, folded, is f (n bytes);
 * 0 when none is, or more than one. */
static char option_by_text(const struct survey_question *q, const char *f, size_t n)
{
	struct buf o = BUF_INIT;
	char found = 0;
	int count = 0;

	while (n && is_space((unsigned char)f[n - 1]))
		n--;
	for (size_t i = 0; n && i < q->noptions; i++) {
		fold_line(&o, q->options[i].text, strlen(q->options[i].text));
		if (o.len == n && !memcmp(o.data, f, n))
			found = q->options[i].label, count++;
	}
	buf_release(&o);
	return count == 1 ? found : 0;
}

/* Do the letters f (n of them) each name an option of q ("ac")? */
static int all_labels(const struct survey_question *q, const char *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!option_of(q, (char)(f[i] - 32)))
			return 0;
	return 1;
}

/* Keep the raw text from p to the end of the line l as an [other]
 * option's text, without a closing bracket ("C（电视）"). */
static void set_other(struct survey_answer *ans, const struct line *l, const char *p)
{
	size_t n = (size_t)(l->s + l->n - p);

	while (n && is_space((unsigned char)p[n - 1]))
		n--;
	if (n && p[n - 1] == ')')
		n--;
	else if (n >= 3 && !memcmp(p + n - 3, "\xef\xbc\x89", 3))
		n -= 3;
	survey_answer_set(&ans->other, p, n);
}

/* The options chosen in the folded answer f (from offset i) of line l:
 * letters ("a,c", "ac", "A C"), an option's text, an [other] option's
 * letter with the respondent's text ("C: 电视"). */
static void read_choices(struct reading *r, const struct survey_question *q, struct survey_answer *ans,
			 const struct line *l, const char *f, size_t i)
{
	struct buf labels = BUF_INIT;
	char c = option_by_text(q, f + i, strlen(f + i));

	if (c) {
		buf_addch(&labels, c);
		i += strlen(f + i);
	}
	while (f[i]) {
		size_t j = i;
		const struct survey_option *o;

		if (is_choice_sep(f[i])) {
			i++;
			continue;
		}
		while (is_letter(f[j]))
			j++;
		if (j > i && (j - i == 1 || all_labels(q, f + i, j - i))) {
			for (size_t k = i; k < j; k++)
				buf_addch(&labels, (char)(f[k] - 32));
			o = option_of(q, (char)(f[j - 1] - 32));
			i = j;
			if (o && o->other) {
				size_t k = i;
				while (f[k] && strchr(" \t:.(-", f[k]))
					k++;
				/* "C A" is two letters; "C: 电视" is C and its text */
				if (f[k] && !(is_letter(f[k]) && (!f[k + 1] || is_choice_sep(f[k + 1]))) &&
				    !strchr(",;/", f[k])) {
					set_other(ans, l, raw_at(l->s, l->n, k));
					break;
				}
			}
			if (!f[i] || is_choice_sep(f[i]))
				continue;
		}
		/* not letters: an option's text up to the next ',' */
		j = i;
		while (f[j] && !strchr(",;/", f[j]))
			j++;
		c = option_by_text(q, f + i, j - i);
		if (!c) {
			trouble(r, "line %d: question %d: '%.*s' is not one of its options", l->number, q->number,
				survey_clip(f + i, j - i, 60), f + i);
			break;
		}
		buf_addch(&labels, c);
		i = j;
	}
	survey_answer_set(&ans->choices, labels.data, labels.len);
	buf_release(&labels);
}

/* Is f (the folded rest of a numbered line) the quoted question q itself
 * ("1. 您对我们的产品满意吗？ [single, required]")? */
static int is_question_line(const struct survey_question *q, const char *f)
{
	struct buf qt = BUF_INIT;
	int is;

	fold_line(&qt, q->text, strlen(q->text));
	is = qt.len && starts(f, qt.data);
	buf_release(&qt);
	return is;
}

/* Does f (folded) read as an answer to q, not as a line of the
 * respondent's own numbered list ("1. faster")? For a numbered line
 * inside a free-text answer that goes back to an earlier question. */
static int looks_like_answer(const struct survey_question *q, const char *f)
{
	size_t i = 0;

	if (q->type == SURVEY_TEXT)
		return 1;
	if (q->type == SURVEY_RATING || q->type == SURVEY_NUMBER) {
		i += f[i] == '-';
		if (f[i] < '0' || f[i] > '9')
			return 0;
		i += strspn(f + i, "0123456789.");
		return !f[i] || !strcmp(f + i, "分");
	}
	if (option_by_text(q, f, strlen(f)))
		return 1;
	for (; f[i]; i++)
		if (!is_choice_sep(f[i]) && !(is_letter(f[i]) && option_of(q, (char)(f[i] - 32))))
			return 0;
	return i > 0;
}

/* A rating or number as typed, folded; a rating's "分" ("4分") left out. */
static void set_value(struct survey_answer *ans, const struct survey_question *q, const char *f)
{
	size_t n = strlen(f);

	if (q->type == SURVEY_RATING && ends(f, "分"))
		n -= strlen("分");
	while (n && is_space((unsigned char)f[n - 1]))
		n--;
	survey_answer_set(&ans->value, f, n);
}

/* Append line l to a free-text answer, after blank blank lines; the text
 * grows in one buffer, so that a long answer costs its length once. */
static void add_text(struct buf *text, const struct line *l, int blank)
{
	size_t n = l->n;

	while (n && is_space((unsigned char)l->s[n - 1]))
		n--;
	if (text->len)
		for (int i = 0; i <= blank; i++)
			buf_addch(text, '\n');
	buf_add(text, l->s, n);
}

/* The free-text answer being read is complete: keep it. */
static void end_text(struct reading *r, int *text_q, struct buf *text)
{
	if (*text_q && text->len)
		survey_answer_set(&survey_answers_get(r->a, *text_q)->text, text->data, text->len);
	buf_reset(text);
	*text_q = 0;
}

static void read_lines(struct reading *r, const struct line *lines, size_t nr)
{
	struct buf f = BUF_INIT, text = BUF_INIT;
	char *seen = xcalloc(r->t->nquestions + 1, 1);
	int text_q = 0, blank = 0;

	for (size_t i = 0; i < nr; i++) {
		const struct line *l = &lines[i];
		const struct survey_question *q;
		struct survey_answer *ans;
		size_t rest = 0;
		long n;

		fold_line(&f, l->s, l->n);
		if (!f.len) {
			blank += text_q != 0;
			continue;
		}
		n = read_number(f.data, &rest, 1);
		if (text_q && n >= 1 && (size_t)n <= r->t->nquestions &&
		    is_question_line(survey_template_question(r->t, (int)n), f.data + rest)) {
			end_text(r, &text_q, &text); /* the questionnaire quoted below the answers */
			continue;
		}
		/* in a free-text answer, "1. fast" after "5:" is the respondent's list */
		if (text_q &&
		    (n < 1 || (size_t)n > r->t->nquestions || seen[n] ||
		     (n <= text_q && !looks_like_answer(survey_template_question(r->t, (int)n), f.data + rest)))) {
			add_text(&text, l, blank);
			blank = 0;
			continue;
		}
		if (!n)
			continue; /* "Hi," "Thanks": not an answer */
		if ((size_t)n > r->t->nquestions) {
			trouble(r, "line %d: there is no question %ld", l->number, n);
			continue;
		}
		q = survey_template_question(r->t, (int)n);
		ans = survey_answers_get(r->a, (int)n);
		end_text(r, &text_q, &text);
		if (is_question_line(q, f.data + rest))
			continue;
		if (seen[n]) {
			trouble(r, "line %d: question %ld is answered twice", l->number, n);
			continue;
		}
		seen[n] = 1;
		if (q->type == SURVEY_TEXT) {
			const char *p = raw_at(l->s, l->n, rest);
			struct line tail = { p, (size_t)(l->s + l->n - p), l->number };
			text_q = (int)n;
			blank = 0;
			add_text(&text, &tail, 0);
		} else if (q->type == SURVEY_RATING || q->type == SURVEY_NUMBER) {
			set_value(ans, q, f.data + rest);
		} else {
			read_choices(r, q, ans, l, f.data, rest);
		}
	}
	end_text(r, &text_q, &text);
	free(seen);
	buf_release(&text);
	buf_release(&f);
}

/* The end of both parsers: what reading found, then the one check. */
static int finish(struct reading *r, struct err *err)
{
	struct survey_problems p = SURVEY_PROBLEMS_INIT;
	int given = 0, rc = 0;

	for (size_t i = 0; i < r->a->nanswers; i++)
		given |= survey_answer_given(&r->a->answers[i]);
	if (r->nproblems) {
		char *nl = strchr(r->problems.data, '\n');
		rc = err_set(err, ERR_INPUT, "%.*s", nl ? (int)(nl - r->problems.data) : (int)r->problems.len,
			     r->problems.data);
		if (nl)
			err_detail(err, "%s", nl + 1);
	} else if (!given) {
		rc = err_set(err, ERR_INPUT, "no answers found in the reply");
	} else if (survey_answers_check(&p, r->t, r->a)) {
		rc = err_set(err, ERR_INPUT, "%s", p.items[0].msg);
		for (size_t i = 1; i < p.nitems; i++)
			err_detail(err, "%s", p.items[i].msg);
	}
	survey_problems_release(&p);
	buf_release(&r->problems);
	return rc;
}

static int too_long(size_t len, struct err *err)
{
	if (len <= SURVEY_REPLY_MAX)
		return 0;
	return err_set(err, ERR_INPUT, "the reply is %zu bytes long, more than %u", len, SURVEY_REPLY_MAX);
}

int survey_reply_parse(struct survey_answers *out, const struct survey_template *t, const char *body, size_t len,
		       struct err *err)
{
	struct reading r = { t, out, BUF_INIT, 0 };
	struct line *lines = NULL;
	size_t nr;

	survey_answers_init(out, t);
	if (too_long(len, err))
		return ERR_INPUT;
	nr = split_lines(&lines, body, len);
	nr = own_lines(lines, nr);
	read_lines(&r, lines, nr);
	free(lines);
	return finish(&r, err);
}

/* ------------------------------------------------- text replies */

/* One answer of a text reply at f + *i to question q: a letter or a whole
 * number; 0, or -1 when what stands there is not one. */
static int read_sms_answer(struct survey_answer *ans, const struct survey_question *q, const char *f, size_t *i)
{
	size_t j = *i;

	if (q->type == SURVEY_SINGLE) {
		if (!is_letter(f[j]) || is_letter(f[j + 1]))
			return -1;
		char label = (char)(f[j] - 32);
		survey_answer_set(&ans->choices, &label, 1);
		*i = j + 1;
		return 0;
	}
	while (f[j] >= '0' && f[j] <= '9' && j - *i < 4)
		j++;
	if (j == *i || (f[j] >= '0' && f[j] <= '9'))
		return -1;
	survey_answer_set(&ans->value, f + *i, j - *i);
	*i = j;
	return 0;
}

/* "B" or "4" alone answers a questionnaire of one question. */
static int sms_alone(struct survey_answers *a, const struct survey_template *t, const char *f)
{
	struct survey_answer *ans = survey_answers_get(a, 1);
	size_t i = 0;

	if (t->nquestions != 1 || read_sms_answer(ans, &t->questions[0], f, &i))
		return 0;
	while (f[i] && strchr(" .!", f[i]))
		i++;
	if (!f[i])
		return 1;
	free(ans->choices);
	free(ans->value);
	ans->choices = ans->value = NULL;
	return 0;
}

static void read_sms(struct reading *r, const char *f)
{
	char *seen = xcalloc(r->t->nquestions + 1, 1);
	size_t i = 0;

	while (f[i] && !r->nproblems) {
		size_t rest;
		long n;

		if (strchr(" \t,;./", f[i])) {
			i++;
			continue;
		}
		n = read_number(f + i, &rest, 0);
		if (!n || (size_t)n > r->t->nquestions) {
			if (n)
				trouble(r, "there is no question %ld", n);
			else
				trouble(r, "'%.*s' is not a text answer like 1B 2A 3:5", survey_clip(f, strlen(f), 60),
					f);
			break;
		}
		if (seen[n]) {
			trouble(r, "question %ld is answered twice", n);
			break;
		}
		seen[n] = 1;
		i += rest;
		if (read_sms_answer(survey_answers_get(r->a, (int)n), survey_template_question(r->t, (int)n), f, &i))
			trouble(r, "'%.*s' is not a text answer like 1B 2A 3:5", survey_clip(f, strlen(f), 60), f);
	}
	free(seen);
}

int survey_reply_parse_sms(struct survey_answers *out, const struct survey_template *t, const char *text, size_t len,
			   struct err *err)
{
	struct reading r = { t, out, BUF_INIT, 0 };
	struct buf f = BUF_INIT, one = BUF_INIT;
	struct line *lines = NULL;
	size_t nr;
	int stop;

	survey_answers_init(out, t);
	if (too_long(len, err))
		return ERR_INPUT;
	buf_add(&one, text, len); /* the gateway's rule, on the text as it came */
	stop = gw_web_is_stop(one.data);
	buf_release(&one);
	if (stop)
		return SURVEY_REPLY_STOP;
	for (size_t k = 0; k < t->nquestions; k++)
		if (t->questions[k].type != SURVEY_SINGLE && t->questions[k].type != SURVEY_RATING)
			return err_set(err, ERR_INPUT,
				       "question %d is not single choice or rating: a text reply "
				       "cannot answer it",
				       t->questions[k].number);
	nr = split_lines(&lines, text, len);
	for (size_t k = 0; k < nr; k++) { /* the lines of a text are one answer */
		fold_line(&one, lines[k].s, lines[k].n);
		if (f.len && one.len)
			buf_addch(&f, ' ');
		buf_add(&f, one.data, one.len);
	}
	free(lines);
	buf_release(&one);
	if (!sms_alone(out, t, f.data))
		read_sms(&r, f.data);
	buf_release(&f);
	return finish(&r, err);
}

/* ------------------------------------------------- auto-replies */

static void trim(const char **s, size_t *n)
{
	while (*n && is_space((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Is the first word of value (before ';' or a space) one of words? */
static int word_is(const char *value, const char *const *words)
{
	size_t n = strcspn(value, ";");

	trim(&value, &n);
	for (; *words; words++)
		if (strlen(*words) == n && !strncasecmp(value, *words, n))
			return 1;
	return 0;
}

const char *survey_reply_auto(const struct survey_header *headers, size_t n)
{
	static const char *const no[] = { "no", NULL };
	static const char *const precedence[] = { "auto_reply", "bulk", "junk", NULL };
	static const char *const vacation[] = { "out of office", "automatic reply", "自动回复", "自动答复", "休假" };

	for (size_t i = 0; i < n; i++) {
		const char *name = headers[i].name, *value = headers[i].value ? headers[i].value : "";

		if (!strcasecmp(name, "Auto-Submitted") && !word_is(value, no))
			return "Auto-Submitted is not \"no\"";
		if (!strcasecmp(name, "X-Autoreply"))
			return "X-Autoreply is set";
		if (!strcasecmp(name, "X-Autorespond"))
			return "X-Autorespond is set";
		if (!strcasecmp(name, "Precedence") && word_is(value, precedence))
			return "Precedence says an automatic message";
		if (!strcasecmp(name, "Subject"))
			for (size_t k = 0; k < ARRAY_SIZE(vacation); k++)
				if (strcasestr(value, vacation[k]))
					return "the subject is a vacation notice";
	}
	return NULL;
}
