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

static const char usage[] =
	"usage: crmgate template check FILE [--targets ENTITY]\n"
	"       crmgate template add NAME FILE [--targets ENTITY] [--replace]\n"
	"       crmgate template list\n"
	"       crmgate template show NAME [--out FILE]\n"
	"       crmgate template delete NAME\n"
	"\n"
	"A template is a Word .docx (MERGEFIELD fields and {{name}} placeholders), or a text or\n"
	"HTML template for e-mail and SMS (.txt, .html). check reports every problem of every part at\n"
	"once: broken zip or XML, sections never closed or crossed, '{{' or '}}' alone, fields that\n"
	"cannot be parsed or merged, and with --targets every field or section that ENTITY's records\n"
	"lack, as FILE: part word/document.xml, paragraph 12: … (near \"…\"); exit 2. Another template\n"
	"engine's syntax ({% if %}, +++INS x+++) is a warning: the exit status stays 0.\n"
	"add checks the same way, then stores the file in the database under NAME, which\n"
	"'crmgate merge --template NAME' and campaigns use. show --out writes the stored bytes\n"
	"back to a file ('-': standard output).\n"
	"\n"
	"  --targets ENTITY  check field names against ENTITY (customer, contact, lead,\n"
	"                    lead-contact, salesperson, opportunity, order…)\n"
	"  --replace         add: replace a template stored under NAME";

struct template_args {
	const char *verb, *name, *file, *targets, *out;
	int replace;
};

static int parse(struct template_args *a, int argc, char **argv, struct err *err)
{
	const char **pos[] = { &a->verb, &a->name, &a->file };
	size_t npos = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--targets") && i + 1 < argc)
			a->targets = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			a->out = argv[++i];
		else if (!strcmp(argv[i], "--replace"))
			a->replace = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(err, usage, "'%s' is not an option of template, or lacks its value", argv[i]);
		else if (npos < ARRAY_SIZE(pos))
			*pos[npos++] = argv[i];
		else
			return cli_usage_error(err, usage, "too many arguments");
	}
	if (!a->verb)
		return cli_usage_error(err, usage, "template needs a verb: check, add, list, show or delete");
	return 0;
}

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

static int template_check(const struct template_args *a, struct err *err)
{
	struct gw_tpl t = { 0 };
	int rc;

	if (!a->name || a->file)
		return cli_usage_error(err, usage, "template check takes one FILE");
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

static int template_add(struct cli *cli, const struct template_args *a, struct err *err)
{
	struct gw_tpl t = { 0 };
	struct crm_db *db;
	int rc;

	if (!a->name || !a->file)
		return cli_usage_error(err, usage, "template add takes a NAME and a FILE");
	rc = load_checked(&t, a->file, a->targets, err);
	if (!rc)
		merge_template_warn(t.label, t.docx, t.data.data);
	if (!rc)
		rc = cli_db(cli, &db, err);
	if (!rc) {
		struct crm_template st = { .name = (char *)a->name, .kind = (char *)t.ext + 1,
					   .targets = (char *)a->targets, .fields = t.fields, .content = t.data };
		rc = crm_template_put(db, &st, a->replace, err);
	}
	if (!rc)
		log_info("stored template '%s' (%s, %d field%s)", a->name, t.ext + 1, t.fields, t.fields == 1 ? "" : "s");
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

static int template_show(struct cli *cli, const struct template_args *a, struct err *err)
{
	struct crm_db *db;
	struct crm_res *res = NULL;
	int rc;

	if (!a->name || a->file)
		return cli_usage_error(err, usage, "template show takes one NAME");
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

int cmd_template(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct template_args a = { 0 };
	struct crm_db *db;
	struct crm_res *res = NULL;
	int rc;

	if (cli_wants_help(argc, argv, usage))
		return 0;
	if ((rc = parse(&a, argc, argv, err)))
		return rc;
	if (!strcmp(a.verb, "check"))
		return template_check(&a, err);
	if (!strcmp(a.verb, "add"))
		return template_add(cli, &a, err);
	if (!strcmp(a.verb, "show"))
		return template_show(cli, &a, err);
	if (!strcmp(a.verb, "list") || !strcmp(a.verb, "delete")) {
		if ((a.verb[0] == 'l') != !a.name || a.file)
			return cli_usage_error(err, usage, "template %s takes %s", a.verb,
					       a.verb[0] == 'l' ? "no arguments" : "one NAME");
		if ((rc = cli_db(cli, &db, err)))
			return rc;
		if (a.verb[0] == 'd') {
			if (!(rc = crm_template_delete(db, a.name, err)))
				log_info("deleted template '%s'", a.name);
			return rc;
		}
		if (!(rc = crm_template_list(&res, db, err)))
			out_rows(cli, res, stdout);
		crm_res_free(res);
		return rc;
	}
	return cli_usage_error(err, usage, "'%s' is not a template verb: check, add, list, show or delete", a.verb);
}
