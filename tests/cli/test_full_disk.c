/* tests/cli/test_full_disk.c - a disk that fills up under a print batch:
 * `crmgate merge --combined` and the postal `crmgate send` fail with the
 * reason (exit 1, "No space left on device" or "File too large"), leave no
 * temporary folder or half a document behind, and the letters stay in the
 * outbox for the next run. A full disk is a tiny tmpfs (as root) or a file
 * size limit (ulimit -f, with SIGXFSZ ignored), for the crmgate process only. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "merge/docx_zip.h"

static char *out_dir;

static void setup(void)
{
	struct buf contacts = BUF_INIT;

	test_fixture_init();
	out_dir = xstrfmt("%s/out", dir);
	cr_assert_eq(mkdir(out_dir, 0755), 0);
	test_import(db, dir, "salesperson", "code,name\nS1,王伟\n");
	test_import(db, dir, "customer", "code,name,owner_code\nC1,甲公司,S1\n");
	buf_adds(&contacts, "code,customer_code,name,address,postcode,birthday\n");
	for (int i = 1; i <= 40; i++)
		buf_addf(&contacts, "K%02d,C1,客户%d,北京市朝阳区%d号,%06d,1980-01-%02d\n", i, i, i, 100000 + i,
			 i % 28 + 1);
	test_import(db, dir, "contact", contacts.data);
	buf_release(&contacts);
	/* PDF is LibreOffice's business: the writes under test are ours */
	setenv("CRMGATE_SOFFICE", "/nonexistent/soffice", 1);
	setenv("CRMGATE_MAIL_DIR", out_dir, 1);
}

static void teardown(void)
{
	test_sh("umount '%s' 2>/dev/null", out_dir);
	free(out_dir);
	test_fixture_fini();
}

TestSuite(full_disk, .init = setup, .fini = teardown);

static int can_mount(void)
{
	return geteuid() == 0 &&
	       !test_sh("mount -t tmpfs -o size=4k tmpfs '%s' 2>/dev/null && umount '%s'", out_dir, out_dir);
}

/* out_dir becomes an empty disk of size bytes ("16k"). */
static void disk(const char *size)
{
	test_sh("umount '%s' 2>/dev/null", out_dir);
	cr_assert_eq(test_sh("mount -t tmpfs -o size=%s tmpfs '%s'", size, out_dir), 0);
}

/* Run crmgate with writes past blocks of 512 bytes failing (ulimit -f);
 * its exit status, standard error in errout (through a pipe, which no file
 * size limit stops). */
static int crmgate_limited(int blocks, const char *args)
{
	char *errfile = xstrfmt("%s/stderr", dir), *text, *status;
	int rc;

	test_sh("(trap '' XFSZ; ulimit -f %d; '%s' --db '%s' %s 2>&1 >/dev/null; echo \"exit status $?\") | cat >'%s'",
		blocks, getenv("CRMGATE_BIN"), db, args, errfile);
	text = test_slurp(errfile);
	status = strstr(text, "exit status ");
	cr_assert(status, "%s", text);
	rc = atoi(status + 12);
	*status = '\0';
	buf_reset(&errout);
	buf_adds(&errout, text);
	free(text);
	unlink(errfile);
	free(errfile);
	return rc;
}

/* The files out_dir holds (dot files too: a temporary folder counts). */
static int entries(void)
{
	DIR *d = opendir(out_dir);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* The outbox of campaign 信 as campaign status reports it. */
static int rows(const char *status)
{
	char *key = xstrfmt("\"%s\": ", status);
	const char *at;
	int n;
	cr_assert_eq(crmgate("--format json campaign status 信"), 0, "%s", errout.data);
	at = strstr(out.data, key);
	cr_assert(at, "%s", out.data);
	n = atoi(at + strlen(key));
	free(key);
	return n;
}

static void letters_campaign(void)
{
	cr_assert_eq(crmgate("campaign create 信 --channel mail --targets contact --template birthday.docx"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("campaign launch 信 --yes"), 0, "%s", errout.data);
	cr_assert_eq(rows("queued"), 40);
}

Test(full_disk, a_combined_merge_on_a_full_disk_fails_and_leaves_nothing)
{
	static const char *const sizes[] = { "4k", "8k", "16k", "24k", "48k" };
	static const int blocks[] = { 0, 1, 8, 24, 60 };
	char *args = xstrfmt("merge --template birthday.docx --targets contact --combined '%s/all.docx'", out_dir);

	if (can_mount()) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			disk(sizes[i]);
			cr_expect_eq(crmgate("%s", args), 1, "a %s disk: %s", sizes[i], errout.data);
			cr_expect(strstr(errout.data, "No space left on device"), "a %s disk: %s", sizes[i],
				  errout.data);
			cr_expect_eq(entries(), 0, "a %s disk: nothing is left", sizes[i]);
		}
		disk("16m");
		cr_expect_eq(crmgate("%s", args), 0, "%s", errout.data);
		cr_expect_eq(entries(), 1, "the batch alone");
		test_sh("umount '%s'", out_dir);
	}
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		cr_expect_eq(crmgate_limited(blocks[i], args), 1, "%d blocks: %s", blocks[i], errout.data);
		cr_expect(strstr(errout.data, "File too large"), "%d blocks: %s", blocks[i], errout.data);
		cr_expect_eq(entries(), 0, "%d blocks: nothing is left", blocks[i]);
	}
	free(args);
}

/* Each document written before the disk filled opens; none is cut short. */
static void only_whole_documents(void)
{
	DIR *d = opendir(out_dir);
	for (struct dirent *e; (e = readdir(d));) {
		struct err err = ERR_INIT;
		struct merge_zip *z;
		char *path;
		if (e->d_name[0] == '.')
			continue;
		path = xstrfmt("%s/%s", out_dir, e->d_name);
		assert_ok(merge_zip_open_file(&z, path, &err), &err);
		merge_zip_free(z);
		free(path);
	}
	closedir(d);
}

Test(full_disk, one_document_per_target_on_a_full_disk_leaves_only_whole_documents)
{
	char *args = xstrfmt("merge --template birthday.docx --targets contact --out '%s'", out_dir);

	if (can_mount()) {
		disk("64k");
		cr_expect_eq(crmgate("%s", args), 1, "%s", errout.data);
		cr_expect(strstr(errout.data, "No space left on device"), "%s", errout.data);
		cr_expect_gt(entries(), 0, "the letters before the disk filled");
		only_whole_documents();
		test_sh("umount '%s'", out_dir);
	}
	cr_expect_eq(crmgate_limited(1, args), 1, "%s", errout.data);
	cr_expect(strstr(errout.data, "File too large"), "%s", errout.data);
	only_whole_documents();
	free(args);
}

Test(full_disk, postal_letters_on_a_full_disk_stay_queued)
{
	letters_campaign();
	if (can_mount()) {
		disk("16k");
		cr_expect_eq(crmgate("send --once"), 1, "%s", errout.data);
		cr_expect(strstr(errout.data, "No space left on device"), "%s", errout.data);
		cr_expect_eq(entries(), 0, "no batch, no address list, no temporary folder");
		cr_expect_eq(rows("queued"), 40, "the letters can be claimed again");
		cr_expect_eq(rows("sending"), 0);
		cr_expect_eq(rows("sent"), 0);
		test_sh("umount '%s'", out_dir);
	}
	cr_expect_eq(crmgate_limited(40, "send --once"), 1, "%s", errout.data);
	cr_expect(strstr(errout.data, "File too large"), "%s", errout.data);
	cr_expect_eq(entries(), 0, "no batch, no address list, no temporary folder");
	cr_expect_eq(rows("queued"), 40, "the letters can be claimed again");
	/* with room on the disk, the next run prints them all */
	cr_expect_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(rows("sent"), 40);
	cr_expect_eq(entries(), 2, "the batch and its address list");
}
