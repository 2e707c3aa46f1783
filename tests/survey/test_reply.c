/* tests/survey/test_reply.c - the answers in e-mail and text replies
 * (survey/reply.c): replies as the common clients write them (Outlook in
 * English and Chinese, Gmail, QQ Mail/Foxmail, NetEase, Apple Mail,
 * top-posted and bottom-posted, HTML stripped to text), each read to its
 * exact answers; every answer form (separators, full width, lower case,
 * option text, "other" text, multi-line text); malformed replies each with
 * their reason; text replies and stop words; auto-reply headers. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/web.h"
#include "survey/reply.h"
#include "example.h"

/* A questionnaire a text reply can answer: single choices and a rating. */
static const char sms_survey[] = "# 满意度\n"
				 "1. 产品 [single, required]\n"
				 "   A. 好\n"
				 "   B. 差\n"
				 "2. 服务 [single]\n"
				 "   A. 好\n"
				 "   B. 差\n"
				 "3. 打分 [rating 1-5, required]\n";

static const char one_question[] = "# 一题\n1. 满意吗 [single, required]\n   A. 是\n   B. 否\n";
static const char one_rating[] = "# 一题\n1. 打分 [rating 1-10, required]\n";

static void load(struct survey_template *t, const char *text)
{
	struct err err = ERR_INIT;
	assert_ok(survey_template_parse(t, "t.txt", text, strlen(text), &err), &err);
	err_release(&err);
}

/* The answers as "1:B | 2:AC+电视 | 3:4 | 5:text", to compare whole. */
static char *show(const struct survey_answers *a)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < a->nanswers; i++) {
		const struct survey_answer *an = &a->answers[i];
		if (!survey_answer_given(an))
			continue;
		buf_addf(&b, "%s%zu:%s%s%s%s%s", b.len ? " | " : "", i + 1, an->choices ? an->choices : "",
			 an->other ? "+" : "", an->other ? an->other : "", an->value ? an->value : "",
			 an->text ? an->text : "");
	}
	return buf_detach(&b, NULL);
}

/* The Chinese questionnaire as the invitation carried it, quoted with '>'. */
static char *quoted(const char *prefix)
{
	struct buf b = BUF_INIT;
	const char *s = example_zh;

	while (*s) {
		size_t n = strcspn(s, "\n");
		buf_addf(&b, "%s%.*s\n", prefix, (int)n, s);
		s += n + (s[n] == '\n');
	}
	return buf_detach(&b, NULL);
}

#define ZH "\x01" /* stands for example_zh, unquoted (HTML stripped) */
#define ZQ "\x02" /* stands for example_zh quoted with "> " */

static char *expand(const char *body)
{
	struct buf b = BUF_INIT;
	char *q = quoted("> ");

	for (const char *s = body; *s; s++) {
		if (*s == ZH[0])
			buf_adds(&b, example_zh);
		else if (*s == ZQ[0])
			buf_adds(&b, q);
		else
			buf_addch(&b, *s);
	}
	free(q);
	return buf_detach(&b, NULL);
}

static const struct {
	const char *name, *body, *answers;
} good[] = {
	/* the forms of an answer line */
	{ "plain", "1: B\n2: A,C\n3: 4\n4: 500\n5: 很好", "1:B | 2:AC | 3:4 | 4:500 | 5:很好" },
	{ "full width", "１：Ｂ\n２：Ａ，Ｃ\n３：４\n４：１２．５", "1:B | 2:AC | 3:4 | 4:12.5" },
	{ "lower case", "1: b\n2: a,c\n3: 4", "1:B | 2:AC | 3:4" },
	{ "period", "1.B\n2.A\n3.4", "1:B | 2:A | 3:4" },
	{ "space", "1 B\n2 A C\n3 4", "1:B | 2:AC | 3:4" },
	{ "ideographic comma", "1、B\n2、A、C\n3、4", "1:B | 2:AC | 3:4" },
	{ "bracket", "1) B\n2） A\n3)4", "1:B | 2:A | 3:4" },
	{ "dash", "1 - B\n3-4", "1:B | 3:4" },
	{ "comma", "1, B\n2, A;C\n3,4", "1:B | 2:AC | 3:4" },
	{ "full-width colon, semicolon, slash", "1：Ｂ\n2：Ａ；Ｃ\n3：４", "1:B | 2:AC | 3:4" },
	{ "full-width slash and bracket", "1）ｂ\n2）ａ／ｃ\n3）４", "1:B | 2:AC | 3:4" },
	{ "full-width period and space", "１．Ｂ\n３　５", "1:B | 3:5" },
	{ "letters together", "1: B\n2: ac\n3: 4", "1:B | 2:AC | 3:4" },
	{ "indented, CRLF", "  1: B\r\n\t3: 4\r\n", "1:B | 3:4" },
	{ "CR alone", "1: B\r3: 4\r", "1:B | 3:4" },
	{ "rating with 分", "1: B\n3: 4分", "1:B | 3:4" },
	{ "option text", "1: 满意\n2: 软件，硬件\n3: 4", "1:B | 2:AB | 3:4" },
	{ "other with text", "1: B\n2: C 电视\n3: 4", "1:B | 2:C+电视 | 3:4" },
	{ "other with colon", "1: B\n2: A, C: 电视\n3: 4", "1:B | 2:AC+电视 | 3:4" },
	{ "other in brackets", "1: B\n2：C（电视）\n3: 4", "1:B | 2:C+电视 | 3:4" },
	{ "other then a letter", "1: B\n2: C A\n3: 4", "1:B | 2:CA | 3:4" },
	{ "greeting and thanks are not answers", "Hi,\n\n1: B\n3: 4\n\nThanks\nLi Lei", "1:B | 3:4" },
	{ "multi-line text", "1: B\n3: 4\n5: 第一行\n第二行\n\n第三行\n\n", "1:B | 3:4 | 5:第一行\n第二行\n\n第三行" },
	{ "text below its number", "1: B\n3: 4\n5:\n写在下一行", "1:B | 3:4 | 5:写在下一行" },
	{ "a list inside the text", "1: B\n3: 4\n5: ideas\n1. faster\n2. cheaper",
	  "1:B | 3:4 | 5:ideas\n1. faster\n2. cheaper" },
	{ "text before other answers", "5: 很好\n很好\n1: A\n3: 5", "1:A | 3:5 | 5:很好\n很好" },
	{ "text keeps full width and case", "1: B\n3: 4\n5: ＯＫ，Fine！", "1:B | 3:4 | 5:ＯＫ，Fine！" },
	{ "empty optional answer", "1: B\n2:\n3: 4", "1:B | 3:4" },
	/* the clients */
	{ "outlook english",
	  "1: B\n3: 5\n5: 很好\n\n________________________________\nFrom: Survey <survey@x.test>\n"
	  "Sent: Monday, December 7, 2026 10:00 AM\nTo: Li Lei <li@x.test>\nSubject: 客户满意度调查\n\n" ZH,
	  "1:B | 3:5 | 5:很好" },
	{ "outlook original message",
	  "1: A\n3: 3\n\n-----Original Message-----\nFrom: Survey <survey@x.test>\n"
	  "Sent: Monday, December 7, 2026 10:00 AM\n\n" ZH,
	  "1:A | 3:3" },
	{ "outlook chinese",
	  "1：B\n3：5\n\n发件人: 调查 <survey@x.test>\n发送时间: 2026年12月7日 10:00\n"
	  "收件人: 李雷\n主题: 客户满意度调查\n\n" ZH,
	  "1:B | 3:5" },
	{ "foxmail",
	  "1：C\n3：2\n5：无\n\n\n发件人：调查\n发送时间：2026-12-07 10:00\n收件人：李雷\n主题：客户满意度调查\n"
	  "\n" ZH,
	  "1:C | 3:2 | 5:无" },
	{ "qq mail", "1：B\n3：5\n\n\n------------------&nbsp;原始邮件&nbsp;------------------\n", "1:B | 3:5" },
	{ "qq mail separator",
	  "1：B\n3：5\n5：好\n\n\n------------------ 原始邮件 ------------------\n"
	  "发件人: \"调查\"<survey@x.test>;\n发送时间: 2026年12月7日(星期一) 上午10:00\n收件人: \"李雷\";\n"
	  "主题: 客户满意度调查\n\n" ZH,
	  "1:B | 3:5 | 5:好" },
	{ "netease", "1:B\n3:4\n5:好\n\n在 2026-12-07 10:00:00，\"调查\" <survey@x.test> 写道：\n" ZH,
	  "1:B | 3:4 | 5:好" },
	{ "netease quoted", "1:B\n3:4\n\n在 2026-12-07 10:00:00，\"调查\" <survey@x.test> 写道：\n" ZQ, "1:B | 3:4" },
	{ "netease original", "1:B\n3:4\n5:好\n\n---- 回复的原邮件 ----\n" ZH, "1:B | 3:4 | 5:好" },
	{ "gmail top-posted", "1: A\n3: 3\n\nOn Mon, Dec 7, 2026 at 10:00 AM Survey <survey@x.test> wrote:\n\n" ZQ,
	  "1:A | 3:3" },
	{ "gmail attribution wrapped",
	  "1: A\n3: 3\n5: ok\n\nOn Mon, Dec 7, 2026 at 10:00 AM Survey <\nsurvey@x.test> "
	  "wrote:\n\n" ZQ,
	  "1:A | 3:3 | 5:ok" },
	{ "gmail bottom-posted", "On Mon, Dec 7, 2026 at 10:00 AM Survey <survey@x.test> wrote:\n" ZQ "\n1: C\n3: 2\n",
	  "1:C | 3:2" },
	{ "gmail html stripped",
	  "1: A\n3: 3\n5: ok\n\nOn Mon, Dec 7, 2026 at 10:00 AM Survey <survey@x.test> wrote:\n\n" ZH,
	  "1:A | 3:3 | 5:ok" },
	{ "gmail chinese", "1: A\n3: 3\n\n在 2026年12月7日周一 10:00，Survey <survey@x.test> 写道：\n\n" ZQ,
	  "1:A | 3:3" },
	{ "apple mail",
	  "1: B\n3: 4\n5: 好\n\nSent from my iPhone\n\n> On 7 Dec 2026, at 10:00, Survey <survey@x.test> "
	  "wrote:\n> \n" ZQ,
	  "1:B | 3:4 | 5:好" },
	{ "apple mail chinese",
	  "1: B\n3: 4\n5: 好\n\n发自我的iPhone\n\n2026年12月7日 10:00，调查 <survey@x.test> 写道：\n\n" ZQ,
	  "1:B | 3:4 | 5:好" },
	{ "signature", "1: B\n3: 4\n5: 好\n-- \n李雷\n13800000000", "1:B | 3:4 | 5:好" },
	{ "questionnaire quoted unmarked", "1: B\n3: 4\n\n" ZH, "1:B | 3:4" },
	{ "questionnaire below a text answer", "1: B\n3: 4\n5: 好\n\n1. 您对我们的产品满意吗？ 【单选，必答】\n",
	  "1:B | 3:4 | 5:好" },
	{ "answers inside the quote", "> 1. 您对我们的产品满意吗？\n1: B\n> 3. 请为我们的服务打分\n3: 4\n",
	  "1:B | 3:4" },
};

Test(reply, clients_and_forms)
{
	struct survey_template t;

	load(&t, example);
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct survey_answers a;
		struct err err = ERR_INIT;
		char *body = expand(good[i].body), *got;
		int rc = survey_reply_parse(&a, &t, body, strlen(body), &err);

		got = show(&a);
		cr_expect_eq(rc, 0, "%s: %s (%s)", good[i].name, err.msg.data, err.detail.data);
		cr_expect_str_eq(got, good[i].answers, "%s: got '%s'", good[i].name, got);
		free(got);
		free(body);
		err_release(&err);
		survey_answers_release(&a);
	}
	survey_template_release(&t);
}

static const struct {
	const char *name, *body, *reason;
} bad[] = {
	{ "no such option", "1: D\n3: 4", "question 1: there is no option D" },
	{ "single with two", "1: A,B\n3: 4", "question 1: only one option may be chosen, not 2" },
	{ "multi past max", "1: A\n2: A,B,C\n3: 4", "question 2: at most 2 options may be chosen, not 3" },
	{ "a word", "1: maybe\n3: 4", "line 1: question 1: 'maybe' is not one of its options" },
	{ "a word after a letter", "1: B good\n3: 4", "line 1: question 1: 'good' is not one of its options" },
	{ "rating off the scale", "1: B\n3: 7", "question 3: 7 is not on the scale 1-5" },
	{ "rating in words", "1: B\n3: good", "question 3: 'good' is not a number" },
	{ "rating not whole", "1: B\n3: 3.5", "question 3: a rating is a whole number, not 3.5" },
	{ "number above", "1: B\n3: 4\n4: 200000", "question 4: 200000 is more than 100000" },
	{ "no such question", "1: B\n3: 4\n9: B", "line 3: there is no question 9" },
	{ "answered twice", "1: B\n1: C\n3: 4", "line 2: question 1 is answered twice" },
	{ "nothing", "Thanks, see you\n", "no answers found in the reply" },
	{ "only quoted", "> 1: B\n> 3: 4\n", "no answers found in the reply" },
	{ "only below the separator", "\n-----Original Message-----\n1: B\n3: 4\n", "no answers found in the reply" },
	{ "required missing", "3: 4", "question 1: an answer is required" },
	{ "text with ESC", "1: B\n3: 4\n5: a\x1b[2Jb", "question 5: the text holds the control character U+001B" },
	{ "invalid UTF-8", "1: B\n3: 4\n5: caf\xe9", "question 5: the text is not valid UTF-8" },
	{ "invalid UTF-8 quoted as U+FFFD", "1: \xff\xfe\n3: 4",
	  "line 1: question 1: '\xef\xbf\xbd\xef\xbf\xbd' is not one of its options" },
	{ "a number as text", "1: B\n3: 四", "question 3: '四' is not a number" },
};

Test(reply, malformed_with_reason)
{
	struct survey_template t;

	load(&t, example);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct survey_answers a;
		struct err err = ERR_INIT;
		int rc = survey_reply_parse(&a, &t, bad[i].body, strlen(bad[i].body), &err);

		cr_expect_eq(rc, ERR_INPUT, "%s: accepted", bad[i].name);
		cr_expect_str_eq(err.msg.data, bad[i].reason, "%s: '%s'", bad[i].name, err.msg.data);
		err_release(&err);
		survey_answers_release(&a);
	}
	survey_template_release(&t);
}

Test(reply, every_problem_in_the_detail)
{
	struct survey_template t;
	struct survey_answers a;
	struct err err = ERR_INIT;
	const char *body = "1: D\n2: A,B,C\n3: 9";

	load(&t, example);
	cr_assert_eq(survey_reply_parse(&a, &t, body, strlen(body), &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "question 1: there is no option D");
	cr_expect_str_eq(err.detail.data, "question 2: at most 2 options may be chosen, not 3\n"
					  "question 3: 9 is not on the scale 1-5\n");
	err_release(&err);
	survey_answers_release(&a);
	survey_template_release(&t);
}

Test(reply, too_long)
{
	struct survey_template t;
	struct survey_answers a;
	struct err err = ERR_INIT;
	size_t len = SURVEY_REPLY_MAX + 1;
	char *body = xmalloc(len);

	memset(body, 'x', len);
	memcpy(body, "1: B\n3: 4\n", 10);
	load(&t, example);
	cr_assert_eq(survey_reply_parse(&a, &t, body, len, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "the reply is 262145 bytes long, more than 262144");
	free(body);
	err_release(&err);
	survey_answers_release(&a);
	survey_template_release(&t);
}

static const struct {
	const char *survey, *text;
	int rc;
	const char *answers; /* rc 0: the answers; else the reason (or NULL for STOP) */
} sms[] = {
	{ sms_survey, "1B 2A 3:5", 0, "1:B | 2:A | 3:5" },
	{ sms_survey, "1b2a3-5", 0, "1:B | 2:A | 3:5" },
	{ sms_survey, "1B,2A,3 5", 0, "1:B | 2:A | 3:5" },
	{ sms_survey, "1.B 2.A 3.5", 0, "1:B | 2:A | 3:5" },
	{ sms_survey, "1:b 3:4", 0, "1:B | 3:4" },
	{ sms_survey, "１Ｂ２Ａ３：５", 0, "1:B | 2:A | 3:5" },
	{ sms_survey, "１ｂ　２ａ　３－５", 0, "1:B | 2:A | 3:5" },
	{ sms_survey, "1B\n2A\n3:5\n", 0, "1:B | 2:A | 3:5" },
	{ sms_survey, "  1B 3:5 。", 0, "1:B | 3:5" },
	{ one_question, "B", 0, "1:B" },
	{ one_question, "b", 0, "1:B" },
	{ one_question, "Ｂ", 0, "1:B" },
	{ one_question, "b.", 0, "1:B" },
	{ one_question, "1B", 0, "1:B" },
	{ one_rating, "8", 0, "1:8" },
	{ one_rating, "1:10", 0, "1:10" },
	{ sms_survey, "STOP", SURVEY_REPLY_STOP, NULL },
	{ sms_survey, "stop", SURVEY_REPLY_STOP, NULL },
	{ sms_survey, "ＳＴＯＰ", SURVEY_REPLY_STOP, NULL },
	{ sms_survey, "TD", SURVEY_REPLY_STOP, NULL },
	{ sms_survey, "td", SURVEY_REPLY_STOP, NULL },
	{ sms_survey, "退订", SURVEY_REPLY_STOP, NULL },
	{ sms_survey, " 退订。", SURVEY_REPLY_STOP, NULL },
	{ one_question, "TD", SURVEY_REPLY_STOP, NULL },
	{ sms_survey, "STOP.", SURVEY_REPLY_STOP, NULL },
	{ sms_survey, "Unsubscribe", SURVEY_REPLY_STOP, NULL },
	{ sms_survey, "td.", SURVEY_REPLY_STOP, NULL },
	{ example, "STOP", SURVEY_REPLY_STOP, NULL }, /* a stop word whatever the questions */
	{ sms_survey, "取消", ERR_INPUT, "'取消' is not a text answer like 1B 2A 3:5" },
	{ sms_survey, "yes", ERR_INPUT, "'yes' is not a text answer like 1B 2A 3:5" },
	{ sms_survey, "hello 1B 3:5", ERR_INPUT, "'hello 1b 3:5' is not a text answer like 1B 2A 3:5" },
	{ sms_survey, "1B 2", ERR_INPUT, "'1b 2' is not a text answer like 1B 2A 3:5" },
	{ sms_survey, "1B \xff", ERR_INPUT, "'1b \xef\xbf\xbd' is not a text answer like 1B 2A 3:5" },
	{ sms_survey, "1BA 3:5", ERR_INPUT, "'1ba 3:5' is not a text answer like 1B 2A 3:5" },
	{ sms_survey, "1Z 3:5", ERR_INPUT, "question 1: there is no option Z" },
	{ sms_survey, "1B 1A 3:5", ERR_INPUT, "question 1 is answered twice" },
	{ sms_survey, "1B 9A 3:5", ERR_INPUT, "there is no question 9" },
	{ sms_survey, "1B 3:9", ERR_INPUT, "question 3: 9 is not on the scale 1-5" },
	{ sms_survey, "2A", ERR_INPUT, "question 1: an answer is required" },
	{ sms_survey, "", ERR_INPUT, "no answers found in the reply" },
	{ one_question, "BB", ERR_INPUT, "'bb' is not a text answer like 1B 2A 3:5" },
	{ one_question, "C", ERR_INPUT, "question 1: there is no option C" },
	{ one_rating, "11", ERR_INPUT, "question 1: 11 is not on the scale 1-10" },
	{ example, "1B", ERR_INPUT, "question 2 is not single choice or rating: a text reply cannot answer it" },
};

Test(reply, text_replies)
{
	for (size_t i = 0; i < ARRAY_SIZE(sms); i++) {
		struct survey_template t;
		struct survey_answers a;
		struct err err = ERR_INIT;
		int rc;
		char *got;

		load(&t, sms[i].survey);
		rc = survey_reply_parse_sms(&a, &t, sms[i].text, strlen(sms[i].text), &err);
		got = show(&a);
		cr_expect_eq(rc, sms[i].rc, "'%s': %d (%s)", sms[i].text, rc, err.msg.data);
		if (sms[i].rc == 0)
			cr_expect_str_eq(got, sms[i].answers, "'%s': got '%s'", sms[i].text, got);
		else if (sms[i].rc == SURVEY_REPLY_STOP)
			cr_expect_str_eq(got, "", "'%s': a stop is no answer", sms[i].text);
		else
			cr_expect_str_eq(err.msg.data, sms[i].answers, "'%s': '%s'", sms[i].text, err.msg.data);
		free(got);
		err_release(&err);
		survey_answers_release(&a);
		survey_template_release(&t);
	}
}

/* A text is a stop word for the survey exactly when it is one for the
 * gateway (gw_web_is_stop): a text one of them took for a stop word and
 * the other did not would be lost (issue 12). */
Test(reply, text_stop_words_are_the_gateways)
{
	static const char *const texts[] = {
		"STOP",	     "STOP.", "stop!",	" Stop!! ", "Unsubscribe", "UNSUBSCRIBE.", "ＳＴＯＰ", "ｓｔｏｐ！",
		"TD",	     "td.",   "ＴＤ",	"T",	    "t.",	   "退订",	   "退订。",   "　退订！",
		"退订\n",    "取消",  "cancel", "stop it",  "please stop", "退订吧",	   "S T O P",  "B",
		"1B 2A 3:5", "no",    ".",	"",
	};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		struct survey_template t;
		struct survey_answers a;
		struct err err = ERR_INIT;
		int rc;

		load(&t, sms_survey);
		rc = survey_reply_parse_sms(&a, &t, texts[i], strlen(texts[i]), &err);
		cr_expect_eq(rc == SURVEY_REPLY_STOP, gw_web_is_stop(texts[i]), "'%s': the survey says %d (%s)",
			     texts[i], rc, err.msg.data);
		err_release(&err);
		survey_answers_release(&a);
		survey_template_release(&t);
	}
}

static const struct {
	const char *name, *value;
	int is_auto;
} autos[] = {
	{ "Auto-Submitted", "auto-replied", 1 },
	{ "auto-submitted", "auto-generated; owner-email=\"x@y\"", 1 },
	{ "Auto-Submitted", "no", 0 },
	{ "Auto-Submitted", " No ", 0 },
	{ "X-Autoreply", "yes", 1 },
	{ "x-autorespond", "", 1 },
	{ "Precedence", "auto_reply", 1 },
	{ "Precedence", "bulk", 1 },
	{ "PRECEDENCE", "Junk", 1 },
	{ "Precedence", "list", 0 },
	{ "Subject", "Out of Office: 客户满意度调查", 1 },
	{ "Subject", "Automatic reply: survey", 1 },
	{ "Subject", "自动回复：客户满意度调查", 1 },
	{ "Subject", "自动答复: 客户满意度调查", 1 },
	{ "Subject", "休假中", 1 },
	{ "Subject", "Re: 客户满意度调查", 0 },
	{ "X-Auto-Response-Suppress", "All", 0 }, /* Outlook sets it on every mail */
	{ "From", "li@x.test", 0 },
};

Test(reply, auto_replies)
{
	for (size_t i = 0; i < ARRAY_SIZE(autos); i++) {
		struct survey_header h[2] = { { "Subject", "Re: survey" }, { autos[i].name, autos[i].value } };
		const char *why = survey_reply_auto(h, 2);
		cr_expect_eq(why != NULL, autos[i].is_auto, "%s: %s: %s", autos[i].name, autos[i].value,
			     why ? why : "not auto");
	}
	cr_expect_null(survey_reply_auto(NULL, 0));
}

/* The longest body read, all of it one free-text answer a line at a time:
 * the text grows once, not copied again for every line (seconds, not
 * minutes), and is refused for its size. */
Test(reply, long_text_in_linear_time, .timeout = 10)
{
	struct survey_template t;
	struct survey_answers a;
	struct err err = ERR_INIT;
	struct buf body = BUF_INIT;

	buf_adds(&body, "1: B\n3: 4\n5: x\n");
	while (body.len + 2 <= SURVEY_REPLY_MAX)
		buf_adds(&body, "y\n");
	load(&t, example);
	cr_assert_eq(survey_reply_parse(&a, &t, body.data, body.len, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "question 5: the text is 262129 bytes long, more than 4000");
	buf_release(&body);
	err_release(&err);
	survey_answers_release(&a);
	survey_template_release(&t);
}

/* A reason quotes at most 60 bytes of what was written, whole characters. */
Test(reply, reason_quotes_little)
{
	struct survey_template t;
	struct survey_answers a;
	struct err err = ERR_INIT;
	struct buf body = BUF_INIT, want = BUF_INIT;

	buf_adds(&body, "1: ");
	buf_adds(&want, "line 1: question 1: '");
	for (int i = 0; i < 100; i++)
		buf_adds(&body, "好");
	for (int i = 0; i < 20; i++)
		buf_adds(&want, "好");
	buf_adds(&want, "' is not one of its options");
	load(&t, example);
	cr_assert_eq(survey_reply_parse(&a, &t, body.data, body.len, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, want.data);
	buf_release(&body);
	buf_release(&want);
	err_release(&err);
	survey_answers_release(&a);
	survey_template_release(&t);
}
