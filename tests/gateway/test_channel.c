/* tests/gateway/test_channel.c - the channels are an ops table: every
 * channel the outbox knows has its entry, and the send loop names none of
 * them (it asks the table). */
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/channel.h"

Test(channel, every_channel_has_its_ops)
{
	static const char *const names[] = {"mail", "sms", "email"};

	cr_expect_eq(gw_channels_nr, ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct gw_channel *ch = gw_channel_find(names[i]);
		cr_assert(ch, "no channel '%s'", names[i]);
		cr_expect_str_eq(ch->name, names[i]);
		cr_expect(ch->send_batch, "%s", names[i]);
		/* a channel either sends a test message or says why it has none */
		cr_expect((ch->sample != NULL) != (ch->no_sample != NULL), "%s", names[i]);
		/* what open makes, close frees */
		cr_expect((ch->open != NULL) == (ch->close != NULL), "%s", names[i]);
	}
	cr_expect_null(gw_channel_find("fax"));
	cr_expect_null(gw_channel_find("Email"));
	cr_expect_null(gw_channel_find(""));
	/* letters go a campaign's print batch at a time: their own claim */
	cr_expect_gt(gw_channel_find("mail")->own_claim, 0);
	cr_expect_eq(gw_channel_find("email")->own_claim, 0);
	cr_expect(gw_channel_find("email")->batches);
}

/* The loop and what it shares live in gateway/send.c: no channel's name
 * there (a string literal), no channel's module included. */
Test(channel, the_send_loop_names_no_channel)
{
	static const char *const banned[] = {
	    "\"mail\"",		  "\"sms\"",	    "\"email\"",
	    "gateway/sms_send.h", "gateway/smtp.h", "gateway/transport.h",
	    "gateway/dkim.h",	  "merge/batch.h",
	};
	const char *at = strstr(__FILE__, "tests/gateway/test_channel.c");
	char *path = at ? xstrfmt("%.*sgateway/send.c", (int)(at - __FILE__), __FILE__) : xstrdup("gateway/send.c");
	char *text = test_slurp(path);

	cr_assert(text, "%s", path);
	for (size_t i = 0; i < ARRAY_SIZE(banned); i++)
		cr_expect_null(strstr(text, banned[i]), "gateway/send.c holds %s", banned[i]);
	free(text);
	free(path);
}
