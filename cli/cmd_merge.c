/* cli/cmd_merge.c - crmgate merge: one filled document per target. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/file.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/filter.h"
#include "crm/record.h"
#include "gateway/tpl.h"
#include "merge/batch.h"
#include "merge/office.h"
#include "merge/text.h"
#include "common/banned.h"

static const struct opt_spec merge_opts[] = {
	OPT_STRING("template", "NAME|FILE", N_("the template: a file, a stored template or a built-in one"),
		   struct merge_args, template),
	OPT_STRING("targets", "ENTITY", N_("whom to fill it for: contact, customer, order..."), struct merge_args,
		   targets),
	OPT_STRING("where", "FILTER", N_("which of them (default: all)"), struct merge_args, where),
	OPT_STRING("out", "DIR", N_("the folder for a document per target (created if missing)"), struct merge_args,
		   outdir),
	OPT_STRING("name", "PATTERN",
		   N_("file names, a template too, its fields checked like the template's\n"
		      "(default {{code}}; the template's extension is added unless the\n"
		      "pattern ends with it); a name already there gets a suffix (-2, -3…):\n"
		      "nothing is overwritten"),
		   struct merge_args, pattern),
	OPT_STRING("combined", "FILE.docx",
		   N_("one document for printing: every target its own section on a new page,\n"
		      "with its own values in the headers and footers; with --out, the\n"
		      "documents per target as well"),
		   struct merge_args, combined),
	OPT_FLAG("pdf",
		 N_("a PDF beside each Word document, through LibreOffice (optional:\n"
		    "Debian's libreoffice-writer-nogui)"),
		 struct merge_args, pdf),
	OPT_END(),
};

static const struct opt_cmd usage[1] = { {
	.name = "merge",
	.summary = N_("fill a .docx or text template for every target"),
	.help = N_("Fills the template for every ENTITY row that FILTER selects and writes one file per target\n"
		   "into DIR (created if missing), or with --combined one document for them all. It needs\n"
		   "--template, --targets, and --out or --combined. The template is a file, a template stored\n"
		   "with 'crmgate template add', or a built-in one (birthday.docx, birthday.txt, quote.docx):\n"
		   "a Word .docx (MERGEFIELD fields and {{name}} placeholders, {{#list}}…{{/list}} rows,\n"
		   "{{#flag}}/{{^flag}} sections) or a text template (.txt, .html). Fields are the target's CSV\n"
		   "columns, the rows it refers to through a dot (customer.name, owner.mobile), an order's lines\n"
		   "and total, and today; Word's \\@ \\# \\* switches format them. A field the targets lack\n"
		   "stops the merge before anything is written ('crmgate template check FILE --targets ENTITY'\n"
		   "lists them)."),
	.opts = merge_opts,
	.fn = cli_merge,
} };

const struct opt_cmd *const cli_merge_cmd = usage;

/* LibreOffice converts this many documents per start. */
#define PDF_CHUNK 200

struct merge_run {
	struct gw_tpl tpl;
	struct merge_batch *batch; /* --combined */
	int pdf;
	char *pdf_paths[PDF_CHUNK]; /* written, waiting to become PDF */
	size_t npdf;
	struct merge_tpl name; /* the file name pattern */
	const char *outdir;
	struct value *globals;
	struct progress bar;
	long done;
	struct buf body, fname, path;
};

/* A file name from a rendered pattern: no path separators, no control
 * characters, no leading dot, not too long for a file system. */
static void safe_file_name(struct buf *out, const char *s)
{
	struct buf b = BUF_INIT;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		buf_addch(&b, c < 0x20 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
					      c == '<' || c == '>' || c == '|'
				      ? '_'
				      : (char)c);
	}
	while (b.len && (b.data[0] == '.' || b.data[0] == ' '))
		memmove(b.data, b.data + 1, b.len--);
	if (!b.len)
		buf_adds(&b, "target");
	/* 200 bytes, cut on a UTF-8 character boundary */
	if (b.len > 200) {
		size_t n = 200;
		while (n && ((unsigned char)b.data[n] & 0xC0) == 0x80)
			n--;
		buf_truncate(&b, n);
	}
	buf_reset(out);
	buf_add(out, b.data, b.len);
	buf_release(&b);
}

/* Claim a path nobody has: name.ext, else name-2.ext, name-3.ext...; *fd
 * is the empty file created there, open for the document. */
static int claim_path(int *fd, struct buf *path, const char *dir, const char *name, const char *ext, struct err *err)
{
	for (int n = 1; n < 100000; n++) {
		buf_reset(path);
		if (n == 1)
			buf_addf(path, "%s/%s%s", dir, name, ext);
		else
			buf_addf(path, "%s/%s-%d%s", dir, name, n, ext);
		*fd = open(path->data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (*fd >= 0)
			return 0;
		if (errno != EEXIST)
			return err_set(err, ERR_FAIL, "could not write '%s': %s", path->data, strerror(errno));
	}
	return err_set(err, ERR_FAIL, "no free file name for '%s' in '%s'", name, dir);
}

/* Turn the documents written so far into PDF beside them. */
static int flush_pdf(struct merge_run *m, struct err *err)
{
	int rc = m->npdf ? merge_office_convert((const char *const *)m->pdf_paths, m->npdf, "pdf", m->outdir, err) : 0;
	for (size_t i = 0; i < m->npdf; i++)
		free(m->pdf_paths[i]);
	m->npdf = 0;
	return rc;
}

/* One document for rec into m->outdir, named by the pattern. */
static int merge_one(struct merge_run *m, const struct value *rec, struct err *err)
{
	size_t ext = strlen(m->tpl.ext);
	int rc, fd;

	buf_reset(&m->body);
	if ((rc = merge_render(&m->body, &m->name, rec, m->globals, err)))
		return rc;
	/* "{{code}}.docx" names K1.docx, not K1.docx.docx */
	if (m->body.len > ext && !strcasecmp(m->body.data + m->body.len - ext, m->tpl.ext))
		buf_truncate(&m->body, m->body.len - ext);
	safe_file_name(&m->fname, m->body.data);
	if ((rc = claim_path(&fd, &m->path, m->outdir, m->fname.data, m->tpl.ext, err)))
		return rc;
	rc = gw_tpl_render_file(&m->tpl, rec, m->globals, m->path.data, fd, &m->body, err);
	if (close(fd) && !rc)
		rc = err_set(err, ERR_FAIL, "could not write '%s': %s", m->path.data, strerror(errno));
	if (rc) {
		unlink(m->path.data);
		return rc;
	}
	if (m->pdf) {
		m->pdf_paths[m->npdf++] = xstrdup(m->path.data);
		if (m->npdf == PDF_CHUNK)
			rc = flush_pdf(m, err);
	}
	return rc;
}

/* The file name pattern: a template too, whose fields the targets must
 * have ("{{nosuch}}" would name every file "target"). */
static int compile_name(struct merge_tpl *name, const char *pattern, const struct crm_entity *e, const char *today,
			struct err *err)
{
	struct value *shape = crm_record_shape(e), *globals = gw_tpl_globals(today);
	int rc;

	merge_tpl_release(name);
	rc = merge_text_compile(name, pattern, MERGE_ESC_NONE, err);
	if (!rc)
		rc = merge_tpl_check(name, pattern, shape, globals, err);
	if (rc)
		err_prefix(err, "--name '%s': ", pattern);
	value_free(shape);
	value_free(globals);
	return rc;
}

/* A target's document into the folder, into the batch, or both. */
static int merge_target(void *ctx, const struct value *rec, struct err *err)
{
	struct merge_run *m = ctx;
	int rc = m->outdir ? merge_one(m, rec, err) : 0;
	if (!rc && m->batch)
		rc = merge_batch_add(m->batch, rec, m->globals, err);
	if (!rc)
		progress_update(&m->bar, ++m->done);
	return rc;
}

/* Every target into one document, a section each: a print batch (and
 * into m->outdir one document each, when it is set). */
static int merge_combined(struct merge_run *m, struct crm_db *db, const struct crm_entity *e, const struct crm_query *q,
			  const char *path, struct err *err)
{
	const char *slash = strrchr(path, '/');
	int rc = 0;

	if (m->tpl.kind != GW_TPL_DOCX)
		return err_set(err, ERR_INPUT, "--combined makes a Word document: the template must be a .docx");
	if (slash && slash != path) {
		char *dir = xstrfmt("%.*s", (int)(slash - path), path);
		rc = file_mkdir_p(dir, err);
		free(dir);
	}
	if (!rc && m->outdir)
		rc = file_mkdir_p(m->outdir, err);
	if (!rc)
		rc = merge_batch_open(&m->batch, m->tpl.docx, path, err);
	if (rc)
		return rc;
	progress_start(&m->bar, "merging", 0);
	rc = crm_records_each(NULL, db, e, q, 0, merge_target, m, err);
	progress_done(&m->bar);
	if (!rc)
		rc = flush_pdf(m, err);
	if (rc || !m->done) {
		merge_batch_discard(m->batch);
		if (!rc)
			log_warn("no targets: %s not written", path);
		return rc;
	}
	if (!(rc = merge_batch_close(m->batch, err)))
		log_info("wrote %s: %ld target%s, each its own section%s%s", path, m->done, m->done == 1 ? "" : "s",
			 m->outdir ? "; a document each in " : "", m->outdir ? m->outdir : "");
	if (!rc && m->pdf) {
		char *dir = slash ? xstrfmt("%.*s", slash == path ? 1 : (int)(slash - path), path) : xstrdup(".");
		rc = merge_office_convert(&path, 1, "pdf", dir, err);
		free(dir);
	}
	return rc;
}

int cli_merge(struct cli *cli, void *args, struct err *err)
{
	const struct merge_args *given = args;
	struct merge_args a = *given;
	struct merge_run m = { 0 };
	const struct crm_entity *e;
	struct crm_query q;
	struct crm_db *db;
	int rc;

	if (!a.template || !a.targets || (!a.outdir && !a.combined))
		return cli_usage_error(err, usage, "merge needs --template, --targets, and --out or --combined");
	if (!a.where)
		a.where = "";
	if (!a.pattern)
		a.pattern = "{{code}}";
	if (!(e = cli_entity(a.targets, usage, err)))
		return err->code;
	crm_query_init(&q);
	merge_tpl_init(&m.name, MERGE_ESC_NONE);
	buf_init(&m.body);
	buf_init(&m.fname);
	buf_init(&m.path);
	m.outdir = a.outdir;
	m.pdf = a.pdf;
	rc = 0;
	if (a.pdf) {
		/* before any work: LibreOffice is optional, and may be missing */
		char *soffice = NULL;
		rc = merge_office_find(&soffice, err);
		free(soffice);
	}
	if (!rc)
		rc = cli_db(cli, &db, err);
	if (!rc)
		rc = gw_tpl_load(&m.tpl, db, a.template, err);
	/* a name the targets lack is a typo: say so before writing anything */
	if (!rc)
		rc = gw_tpl_compile(&m.tpl, e, err);
	if (!rc)
		merge_template_warn(m.tpl.label, m.tpl.docx, m.tpl.data.data);
	if (!rc)
		rc = compile_name(&m.name, a.pattern, e, cli->today, err);
	if (!rc)
		rc = crm_filter_compile(&q, db, e, a.where, cli->today, err);
	if (!rc)
		m.globals = gw_tpl_globals(cli->today);
	if (!rc && a.pdf && m.tpl.kind != GW_TPL_DOCX)
		rc = err_set(err, ERR_INPUT, "--pdf converts Word documents: the template must be a .docx");
	if (!rc && a.combined) {
		rc = merge_combined(&m, db, e, &q, a.combined, err);
	} else if (!rc) {
		rc = file_mkdir_p(a.outdir, err);
		if (!rc) {
			progress_start(&m.bar, "merging", 0);
			rc = crm_records_each(NULL, db, e, &q, 0, merge_target, &m, err);
			progress_done(&m.bar);
		}
		if (!rc)
			rc = flush_pdf(&m, err);
		if (!rc)
			log_info("wrote %ld document%s into %s", m.done, m.done == 1 ? "" : "s", a.outdir);
	}
	for (size_t i = 0; i < m.npdf; i++)
		free(m.pdf_paths[i]);
	value_free(m.globals);
	gw_tpl_release(&m.tpl);
	merge_tpl_release(&m.name);
	buf_release(&m.body);
	buf_release(&m.fname);
	buf_release(&m.path);
	crm_query_release(&q);
	return rc;
}

int cmd_merge(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct merge_args a = { 0 };
	return opt_run(cli, usage, &a, argc, argv, err);
}
