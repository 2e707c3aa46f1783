/* tests/common/test_config.c - settings from crmgate.conf and the
 * environment: the environment wins, and an empty value is told apart from
 * an unset one where a default is at stake. */
#include <stdlib.h>

#include "testlib.h"
#include "common/config.h"
#include "common/xalloc.h"

static char *dir;

static struct config *load(const char *text)
{
	char *path = xstrfmt("%s/crmgate.conf", dir);
	struct config *cfg;
	struct err err = ERR_INIT;

	test_write_file(path, text);
	setenv("CRMGATE_CONFIG", path, 1);
	assert_ok(config_load(&cfg, NULL, &err), &err);
	unsetenv("CRMGATE_CONFIG");
	free(path);
	err_release(&err);
	return cfg;
}

static void setup(void)
{
	dir = test_tmpdir();
	unsetenv("CRMGATE_SMS_QUIET_HOURS");
	unsetenv("CRMGATE_SMS_SIGNATURE");
}

static void teardown(void)
{
	test_rmdir(dir);
}

TestSuite(config, .init = setup, .fini = teardown);

Test(config, a_key_left_out_takes_the_default_and_an_empty_one_turns_it_off)
{
	struct config *cfg = load("[sms]\nsignature = 【示例】 ; a comment\nquiet_hours =\n");
	cr_expect_str_eq(config_get(cfg, "sms", "signature"), "【示例】");
	cr_expect_null(config_get(cfg, "sms", "quiet_hours"), "empty is no value");
	cr_expect_null(config_get_or(cfg, "sms", "quiet_hours", "21:00-08:00"), "empty turns the default off");
	cr_expect_str_eq(config_get_or(cfg, "sms", "frequency_cap", "2/7d"), "2/7d", "unset: the default");
	cr_expect_str_eq(config_get_or(cfg, "sms", "signature", "x"), "【示例】");
	cr_expect(config_is_set(cfg, "sms", "quiet_hours"));
	cr_expect_not(config_is_set(cfg, "sms", "frequency_cap"));
	config_free(cfg);
}

Test(config, the_environment_wins_even_when_empty)
{
	struct config *cfg = load("[sms]\nquiet_hours = 22:00-07:00\nsignature = 甲\n");
	setenv("CRMGATE_SMS_QUIET_HOURS", "", 1);
	setenv("CRMGATE_SMS_SIGNATURE", "乙", 1);
	cr_expect_null(config_get_or(cfg, "sms", "quiet_hours", "21:00-08:00"));
	cr_expect_str_eq(config_get(cfg, "sms", "signature"), "乙");
	unsetenv("CRMGATE_SMS_QUIET_HOURS");
	cr_expect_str_eq(config_get_or(cfg, "sms", "quiet_hours", "21:00-08:00"), "22:00-07:00");
	config_free(cfg);
}
