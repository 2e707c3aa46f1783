/* tests/gateway/test_channel.c - the channels are an ops table: every
 * channel the outbox knows has its entry, and the send loop names none of
 * them (it asks the table); and the channels are the database's
 * (crm.channels, sql/019): the gateway has ops for each and for no other, so
 * a channel added on one side only is caught here, not by a campaign that
 * cannot be sent. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "gateway/campaign.h"
#include "gateway/channel.h"

Test(channel, every_channel_has_its_ops)
{
	static const char *const names[] = { "mail", "sms", "email" };

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
		"\"mail\"",	      "\"sms\"",	"\"email\"",
		"gateway/sms_send.h", "gateway/smtp.h", "gateway/transport.h",
		"gateway/dkim.h",     "merge/batch.h",
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

/* ------------------------------------------------ against the database */

static char *ci;
static struct crm_db *db;
static struct err err;

static void setup(void)
{
	db = test_db_session(&ci);
	err_init(&err);
}

static void teardown(void)
{
	err_release(&err);
	test_db_session_end(db, ci);
}

TestSuite(channels, .init = setup, .fini = teardown);

Test(channels, the_gateway_sends_by_exactly_the_databases_channels)
{
	struct buf ours = BUF_INIT;
	char *sorted = NULL, *theirs = NULL;

	/* the names are plain words: an array literal needs no quoting */
	buf_adds(&ours, "{");
	for (size_t i = 0; i < gw_channels_nr; i++) {
		cr_expect(gw_channel_find(gw_channels[i]->name) == gw_channels[i], "%s", gw_channels[i]->name);
		buf_addf(&ours, "%s%s", i ? "," : "", gw_channels[i]->name);
	}
	buf_adds(&ours, "}");
	const char *params[] = { ours.data };
	assert_ok(crm_db_value(&sorted, db, "SELECT string_agg(c, ',' ORDER BY c) FROM unnest($1::text[]) c", 1, params,
			       &err),
		  &err);
	assert_ok(crm_db_value(&theirs, db, "SELECT string_agg(c, ',' ORDER BY c) FROM unnest(crm.channels()) c", 0,
			       NULL, &err),
		  &err);
	cr_expect_str_eq(sorted, theirs, "the gateway sends by %s, the database allows %s", sorted, theirs);
	free(sorted);
	free(theirs);
	buf_release(&ours);
}

Test(channels, a_campaign_by_a_channel_the_database_refuses_is_not_made)
{
	struct gw_campaign c = { 0 };

	buf_init(&c.template);
	c.name = "传真";
	c.channel = "fax";
	c.targets = "contact";
	c.filter = "";
	cr_expect_eq(gw_campaign_create(db, &c, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "'fax' is not a channel: mail, email or sms");
}
