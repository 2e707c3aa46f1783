/* tests/crm/test_roundtrip.c - the CSV contract on a whole generated CRM:
 * export every entity, reset, import them all back in order, export again:
 * the files must be the same, byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/entity.h"

TestSuite(roundtrip, .init = test_fixture_init, .fini = test_fixture_fini, .timeout = 240);

Test(roundtrip, every_entity_of_a_generated_crm)
{
	struct buf *first = xcalloc(crm_nentities, sizeof(*first));

	cr_assert_eq(crmgate("gen --seed 7 --customers 60 --today 2026-03-01"), 0, "%s", errout.data);
	for (size_t i = 0; i < crm_nentities; i++) {
		const char *name = crm_entities[i]->name;
		char *path = xstrfmt("%s/%s.csv", dir, name);
		buf_init(&first[i]);
		cr_assert_eq(crmgate("export %s", name), 0, "%s: %s", name, errout.data);
		/* gen makes every kind of row but deliveries */
		if (strcmp(name, "delivery"))
			cr_assert(strchr(out.data, '\n') && strchr(out.data, '\n')[1], "gen made no %s rows", name);
		buf_add(&first[i], out.data, out.len);
		test_write_file(path, out.data);
		free(path);
	}
	cr_assert_eq(crmgate("db reset --yes"), 0, "%s", errout.data);
	/* crm_entities is in dependency order: nothing refers to a row not there yet */
	for (size_t i = 0; i < crm_nentities; i++) {
		const char *name = crm_entities[i]->name;
		cr_assert_eq(crmgate("import %s '%s/%s.csv'", name, dir, name), 0, "%s: %s", name, errout.data);
	}
	for (size_t i = 0; i < crm_nentities; i++) {
		const char *name = crm_entities[i]->name;
		cr_assert_eq(crmgate("export %s", name), 0, "%s: %s", name, errout.data);
		cr_expect_str_eq(out.data, first[i].data, "%s differs after export, reset, import", name);
		buf_release(&first[i]);
	}
	free(first);
}
