/* gateway/tpl.c - a template ready to fill. */
#include "gateway/tpl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/csv.h"
#include "common/utf8.h"
#include "common/embedded.h"
#include "common/xalloc.h"
#include "crm/record.h"
#include "crm/template.h"
#include "gateway/web.h"
#include "merge/text.h"
#include "common/banned.h"

/* What a campaign may add to every target's values. */
static const char *const campaign_globals[] = { "unsubscribe_url", "survey_url", "survey_title", "survey_text",
						"survey_closes" };

static const char *extension(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && !strchr(dot, '/') ? dot : "";
}

void gw_tpl_set_text(struct gw_tpl *t, const char *label, enum gw_tpl_kind kind, const char *src)
{
	static const char *const exts[] = { ".docx", ".txt", ".html" };
	memset(t, 0, sizeof(*t));
	buf_init(&t->data);
	merge_tpl_init(&t->text, MERGE_ESC_NONE);
	t->label = xstrdup(label);
	t->kind = kind;
	t->ext = exts[kind];
	if (src)
		buf_adds(&t->data, src);
}

int gw_tpl_set(struct gw_tpl *t, const char *label, const void *data, size_t len, struct err *err)
{
	const char *ext = extension(label);
	enum gw_tpl_kind kind = !strcmp(ext, ".docx")				? GW_TPL_DOCX
				: !strcmp(ext, ".txt")				? GW_TPL_TXT
				: !strcmp(ext, ".html") || !strcmp(ext, ".htm") ? GW_TPL_HTML
										: (enum gw_tpl_kind) - 1;

	gw_tpl_set_text(t, label, kind == (enum gw_tpl_kind) - 1 ? GW_TPL_TXT : kind, NULL);
	if (kind == (enum gw_tpl_kind) - 1)
		return err_set(err, ERR_INPUT, "template '%s': a template is a .docx, .txt or .html file", label);
	buf_add(&t->data, data, len);
	return 0;
}

static int read_file(struct buf *out, FILE *f, const char *path, struct err *err)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_add(out, chunk, n);
		if (out->len > CRM_TEMPLATE_MAX)
			return err_set(err, ERR_INPUT, "template '%s' is larger than %u MiB", path,
				       CRM_TEMPLATE_MAX >> 20);
	}
	if (ferror(f))
		return err_set(err, ERR_FAIL, "could not read template '%s': %s", path, strerror(errno));
	return 0;
}

int gw_tpl_load(struct gw_tpl *t, struct crm_db *db, const char *ref, struct err *err)
{
	FILE *f = fopen(ref, "rb");
	struct buf data = BUF_INIT;
	int rc;

	if (f) {
		rc = read_file(&data, f, ref, err);
		fclose(f);
		if (!rc)
			rc = gw_tpl_set(t, ref, data.data, data.len, err);
		buf_release(&data);
		return rc;
	}
	if (errno != ENOENT)
		return err_set(err, ERR_INPUT, "could not open template '%s': %s", ref, strerror(errno));
	if (db) {
		struct crm_template st;
		struct err gerr = ERR_INIT;
		rc = crm_template_get(db, ref, &st, &gerr);
		if (!rc) {
			/* the stored name may lack an extension: its kind says what it is */
			char *label =
				strcmp(extension(st.name), "") ? xstrdup(st.name) : xstrfmt("%s.%s", st.name, st.kind);
			rc = gw_tpl_set(t, label, st.content.data, st.content.len, err);
			free(t->label);
			t->label = xstrdup(ref);
			free(label);
			crm_template_release(&st);
		}
		if (rc != ERR_NOTFOUND) {
			if (rc)
				err_absorb(err, &gerr, "");
			err_release(&gerr);
			return rc;
		}
		err_release(&gerr);
	}
	if (!strchr(ref, '/')) {
		char *name = xstrfmt("templates/%s", ref);
		const struct embedded_file *ef = embedded_find(name);
		free(name);
		if (ef)
			return gw_tpl_set(t, ref, ef->data, ef->len, err);
	}
	rc = err_set(err, ERR_NOTFOUND, "no template '%s': no such file%s, and not built in", ref,
		     db ? ", none stored under that name" : "");
	err_hint(err, "built in: birthday.docx, birthday.txt, quote.docx; stored: crmgate template list");
	return rc;
}

struct value *gw_tpl_globals(const char *today)
{
	struct value *g = value_new_object();
	int y, m, d;
	if (today && sscanf(today, "%d-%d-%d", &y, &m, &d) == 3)
		value_object_set(g, "today", value_new_date(y, m, d));
	return g;
}

const char *gw_tpl_public_url(const struct config *cfg)
{
	return config_get_or(cfg, "serve", "public_url", "http://127.0.0.1:8080");
}

int gw_tpl_survey_globals(struct value *globals, struct crm_db *db, long campaign_id, const char *placeholder_base,
			  struct err *err)
{
	char id[24];
	const char *params[] = { id };
	struct crm_res *res = NULL;
	int rc;

	snprintf(id, sizeof(id), "%ld", campaign_id);
	rc = crm_db_query(&res, db,
			  "SELECT title, text, coalesce(to_char(closes_at, 'YYYY-MM-DD'), '') FROM crm.survey"
			  " WHERE campaign_id = $1::bigint",
			  1, params, err);
	if (!rc && crm_res_rows(res) == 1) {
		value_object_set(globals, "survey_title", value_new_text(crm_res_get(res, 0, 0)));
		value_object_set(globals, "survey_text", value_new_text(crm_res_get(res, 0, 1)));
		value_object_set(globals, "survey_closes", value_new_text(crm_res_get(res, 0, 2)));
		if (placeholder_base) {
			struct buf link = BUF_INIT;
			size_t len = strlen(placeholder_base);
			while (len && placeholder_base[len - 1] == '/')
				len--;
			buf_add(&link, placeholder_base, len);
			buf_adds(&link, "/s/");
			for (int i = 0; i < GW_WEB_SURVEY_TOKEN_LEN; i++)
				buf_addch(&link, 'X');
			value_object_set(globals, "survey_url", value_new_text(link.data));
			buf_release(&link);
		}
	}
	crm_res_free(res);
	return rc;
}

/* The globals as a check sees them: every name a merge may be given. */
static struct value *globals_shape(void)
{
	struct value *g = gw_tpl_globals("2000-01-01");
	for (size_t i = 0; i < ARRAY_SIZE(campaign_globals); i++)
		value_object_set(g, campaign_globals[i], value_new_null());
	return g;
}

int gw_tpl_compile(struct gw_tpl *t, const struct crm_entity *e, struct err *err)
{
	struct value *shape = e ? crm_record_shape(e) : NULL, *globals = e ? globals_shape() : NULL;
	int rc;

	if (t->kind == GW_TPL_DOCX) {
		rc = merge_docx_compile(&t->docx, t->data.data, t->data.len, t->label, shape, globals, err);
		if (!rc)
			t->fields = merge_docx_fields(t->docx);
	} else {
		struct err terr = ERR_INIT;
		char *prefix = xstrfmt("%s: ", t->label);
		enum merge_escape esc = t->kind == GW_TPL_HTML ? MERGE_ESC_HTML : MERGE_ESC_NONE;
		if (memchr(t->data.data, '\0', t->data.len) || !utf8_valid(t->data.data, t->data.len))
			rc = err_set(&terr, ERR_INPUT, "not UTF-8 text");
		else
			rc = merge_text_compile(&t->text, t->data.data, esc, &terr);
		if (!rc && shape)
			rc = merge_tpl_check(&t->text, t->data.data, shape, globals, &terr);
		if (!rc)
			t->fields = merge_tpl_count_fields(&t->text);
		err_absorb(err, &terr, prefix);
		err_release(&terr);
		free(prefix);
	}
	if (rc == ERR_INPUT && e && !err->hint.len &&
	    (strstr(err->msg.data, "unknown ") || strstr(err->detail.data, "unknown ")))
		err_hint(err,
			 "a field is one of %s's columns (crmgate export %s | head -1), a column of a row it refers to"
			 " through a dot (customer.name), or today",
			 e->name, e->name);
	value_free(shape);
	value_free(globals);
	return rc;
}

int gw_tpl_render_file(struct gw_tpl *t, const struct value *rec, const struct value *globals, const char *path, int fd,
		       struct buf *scratch, struct err *err)
{
	int rc;

	if (t->kind == GW_TPL_DOCX)
		return merge_docx_render_fd(t->docx, rec, globals, path, fd, err);
	buf_reset(scratch);
	if ((rc = merge_render(scratch, &t->text, rec, globals, err)))
		return rc;
	if (write(fd, scratch->data, scratch->len) != (ssize_t)scratch->len)
		return err_set(err, ERR_FAIL, "could not write '%s': %s", path, strerror(errno));
	return 0;
}

void gw_tpl_release(struct gw_tpl *t)
{
	merge_docx_free(t->docx);
	merge_tpl_release(&t->text);
	buf_release(&t->data);
	free(t->label);
	memset(t, 0, sizeof(*t));
}
