/* cli/cmd_template.c - crmgate template: check, store and look at templates. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "crm/template.h"
#include "gateway/tpl.h"
#include "merge/docx.h"
#include "common/banned.h"

struct template_args {
	const char *name, *file, *targets, *out;
	int replace;
};

static int template_check(struct cli *cli, void *args, struct err *err);
static int template_add(struct cli *cli, void *args, struct err *err);
static int template_list(struct cli *cli, void *args, struct err *err);
static int template_show(struct cli *cli, void *args, struct err *err);
static int template_delete(struct cli *cli, void *args, struct err *err);

#define TARGETS_OPT                                                                                                    \
	OPT_STRING("targets", "ENTITY",                                                                                \
		   N_("check field names against ENTITY (customer, contact, lead,\n"                                   \
		      "lead-contact, salesperson, opportunity, order…)"),                                              \
		   struct template_args, targets)

static const struct opt_spec check_opts[] = {
	OPT_ARG("FILE", N_("a .docx, .txt or .html template"), struct template_args, name, OPT_REQUIRED),
	TARGETS_OPT,
	OPT_END(),
};

static const struct opt_spec add_opts[] = {
	OPT_ARG("NAME", N_("the name to store it under"), struct template_args, name, OPT_REQUIRED),
	OPT_ARG("FILE", N_("a .docx, .txt or .html template"), struct template_args, file, OPT_REQUIRED),
	TARGETS_OPT,
	OPT_FLAG("replace", N_("replace a template stored under NAME"), struct template_args, replace),
	OPT_END(),
};

static const struct opt_spec show_opts[] = {
	OPT_ARG("NAME", N_("a stored template"), struct template_args, name, OPT_REQUIRED),
	OPT_STRING("out", "FILE", N_("write the stored bytes back to FILE ('-': standard output)"),
		   struct template_args, out),
	OPT_END(),
};

static const struct opt_spec delete_opts[] = {
	OPT_ARG("NAME", N_("a stored template"), struct template_args, name, OPT_REQUIRED),
	OPT_END(),
};

static const struct opt_cmd verbs[] = {
	{ .name = "template check",
	  .summary = N_("report every problem of a template file"),
	  .opts = check_opts,
	  .fn = template_check },
	{ .name = "template add",
	  .summary = N_("check a template, then store it in the database"),
	  .opts = add_opts,
	  .fn = template_add },
	{ .name = "template list", .summary = N_("the stored templates"), .fn = template_list },
	{ .name = "template show",
	  .summary = N_("what is stored under NAME, or its bytes"),
	  .opts = show_opts,
	  .fn = template_show },
	{ .name = "template delete",
	  .summary = N_("delete a stored template"),
	  .opts = delete_opts,
	  .fn = template_delete },
	{ 0 },
};

static const struct opt_cmd usage[1] = { {
	.name = "template",
	.summary = N_("check, store and list document, e-mail and SMS templates"),
	.help = N_("A template is a Word .docx (MERGEFIELD fields and {{name}} placeholders), or a text or\n"
		   "HTML template for e-mail and SMS (.txt, .html). check reports every problem of every part at\n"
		   "once: broken zip or XML, sections never closed or crossed, '{{' or '}}' alone, fields that\n"
		   "cannot be parsed or merged, and with --targets every field or section that ENTITY's records\n"
		   "lack, as FILE: part word/document.xml, paragraph 12: … (near \"…\"); exit 2. Another template\n"
		   "engine's syntax ({% if %}, +++INS x+++) is a warning: the exit status stays 0.\n"
		   "add checks the same way, then stores the file in the database under NAME, which\n"
		   "'crmgate merge --template NAME' and campaigns use. show --out writes the stored bytes\n"
		   "back to a file ('-': standard output)."),
	.verbs = verbs,
} };

/* Load a template file and compile it, checked against the targets if named. */
static int load_checked(struct gw_tpl *t, const char *file, const char *targets, struct err *err)
{
	const struct crm_entity *e = NULL;
	int rc;

	if (targets && !(e = cli_entity(targets, usage, err)))
		return err->code;
	rc = gw_tpl_load(t, NULL, file, err);
	return rc ? rc : gw_tpl_compile(t, e, err);
}

static int template_check(struct cli *cli, void *args, struct err *err)
{
	const struct template_args *a = args;
	struct gw_tpl t = { 0 };
	int rc;

	(void)cli;
	rc = load_checked(&t, a->name, a->targets, err);
	/* another engine's syntax: no error, but likely not what was meant */
	if (!rc)
		merge_template_warn(t.label, t.docx, t.data.data);
	if (!rc)
		printf("%s: ok: %d field%s%s%s\n", a->name, t.fields, t.fields == 1 ? "" : "s",
		       a->targets ? ", all known to " : "", a->targets ? a->targets : "");
	gw_tpl_release(&t);
	return rc;
}

static int template_add(struct cli *cli, void *args, struct err *err)
{
	const struct template_args *a = args;
	struct gw_tpl t = { 0 };
	struct crm_db *db;
	int rc;

	rc = load_checked(&t, a->file, a->targets, err);
	if (!rc)
		merge_template_warn(t.label, t.docx, t.data.data);
	if (!rc)
		rc = cli_db(cli, &db, err);
	if (!rc) {
		struct crm_template st = { .name = (char *)a->name,
					   .kind = (char *)t.ext + 1,
					   .targets = (char *)a->targets,
					   .fields = t.fields,
					   .content = t.data };
		rc = crm_template_put(db, &st, a->replace, err);
	}
	if (!rc)
		log_info("stored template '%s' (%s, %d field%s)", a->name, t.ext + 1, t.fields,
			 t.fields == 1 ? "" : "s");
	gw_tpl_release(&t);
	return rc;
}

static int write_bytes(const char *path, const struct buf *b, struct err *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	int bad = !f || fwrite(b->data, 1, b->len, f) != b->len;
	if (f && f != stdout)
		bad |= fclose(f) != 0;
	else if (f)
		bad |= fflush(f) != 0;
	return bad ? err_set(err, ERR_FAIL, "could not write '%s': %s", path, strerror(errno)) : 0;
}

static int template_show(struct cli *cli, void *args, struct err *err)
{
	const struct template_args *a = args;
	struct crm_db *db;
	struct crm_res *res = NULL;
	int rc;

	if ((rc = cli_db(cli, &db, err)))
		return rc;
	if (a->out) {
		struct crm_template st;
		if ((rc = crm_template_get(db, a->name, &st, err)))
			return rc;
		rc = write_bytes(a->out, &st.content, err);
		crm_template_release(&st);
		return rc;
	}
	if (!(rc = crm_template_describe(&res, db, a->name, err)))
		out_record(cli, res, 0, stdout);
	crm_res_free(res);
	return rc;
}

static int template_list(struct cli *cli, void *args, struct err *err)
{
	struct crm_db *db;
	struct crm_res *res = NULL;
	int rc;

	(void)args;
	if ((rc = cli_db(cli, &db, err)))
		return rc;
	if (!(rc = crm_template_list(&res, db, err)))
		out_rows(cli, res, stdout);
	crm_res_free(res);
	return rc;
}

static int template_delete(struct cli *cli, void *args, struct err *err)
{
	const struct template_args *a = args;
	struct crm_db *db;
	int rc;

	if ((rc = cli_db(cli, &db, err)))
		return rc;
	if (!(rc = crm_template_delete(db, a->name, err)))
		log_info("deleted template '%s'", a->name);
	return rc;
}

int cmd_template(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct template_args a = { 0 };
	return opt_run(cli, usage, &a, argc, argv, err);
}
