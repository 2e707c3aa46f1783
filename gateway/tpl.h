/* gateway/tpl.h - a template ready to fill: found by name, read, compiled
 * once, and checked against the records of the targets it will be filled for.
 *
 * A template is named by a file (.docx, .txt, .html), by the name it is
 * stored under (crmgate template add), or by one of the templates built into
 * crmgate (birthday.docx, birthday.txt, quote.docx), in that order. */
#ifndef GATEWAY_TPL_H
#define GATEWAY_TPL_H

#include "common/buf.h"
#include "common/config.h"
#include "common/err.h"
#include "common/value.h"
#include "crm/db.h"
#include "crm/entity.h"
#include "merge/docx.h"
#include "merge/render.h"

enum gw_tpl_kind { GW_TPL_DOCX, GW_TPL_TXT, GW_TPL_HTML };

struct gw_tpl {
	enum gw_tpl_kind kind;
	const char *ext;	 /* ".docx", ".txt", ".html" */
	char *label;		 /* what messages call it: the file or stored name */
	struct buf data;	 /* the template's bytes (a compiled .docx reads them) */
	struct merge_docx *docx; /* GW_TPL_DOCX */
	struct merge_tpl text;	 /* GW_TPL_TXT, GW_TPL_HTML */
	int fields;
};

/* Find and read the template ref (db may be NULL: files and built-ins only).
 * Not found anywhere is ERR_NOTFOUND saying where it looked. */
int gw_tpl_load(struct gw_tpl *t, struct crm_db *db, const char *ref, struct err *err);
/* A text template given as a string (a subject, a body read by the caller). */
void gw_tpl_set_text(struct gw_tpl *t, const char *label, enum gw_tpl_kind kind, const char *src);
/* Take a template's bytes as they are; kind from the name's extension. */
int gw_tpl_set(struct gw_tpl *t, const char *label, const void *data, size_t len, struct err *err);

/* Compile it; with e, check every field and section against e's records
 * (and the globals every merge has: today, unsubscribe_url, survey_url).
 * Every problem is reported, one per line: ERR_INPUT. */
int gw_tpl_compile(struct gw_tpl *t, const struct crm_entity *e, struct err *err);

/* The values every merge gives besides the target's own: today (YYYY-MM-DD).
 * The caller frees it; a campaign adds its own before use. */
struct value *gw_tpl_globals(const char *today);
/* Add to globals what the messages of campaign campaign_id say when it
 * sends a survey's invitations (sql/022): survey_title, survey_text and
 * survey_closes ("" when it has no closing day); nothing for another
 * campaign. Each message's own link ({{survey_url}}) is the channel's to
 * make when it sends; before (a preview, counting a text's segments),
 * placeholder_base gives survey_url as that base + "/s/" and a token of
 * 43 'X', as long as a real link (NULL: no survey_url). */
int gw_tpl_survey_globals(struct value *globals, struct crm_db *db, long campaign_id, const char *placeholder_base,
			  struct err *err);
/* [serve] public_url, the base of the links in messages, or its default. */
const char *gw_tpl_public_url(const struct config *cfg);

/* Fill the template for rec into fd, the empty file path the caller has
 * open; scratch is the caller's, reused between targets. */
int gw_tpl_render_file(struct gw_tpl *t, const struct value *rec, const struct value *globals, const char *path, int fd,
		       struct buf *scratch, struct err *err);

void gw_tpl_release(struct gw_tpl *t);

#endif
