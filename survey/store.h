/* survey/store.h - questionnaires in the database (sql/021): stored whole,
 * loaded back into the model of survey/template.h, listed and deleted.
 *
 * A stored template is never edited in place: add --replace and delete go
 * through one function, where a template that a launched survey uses will
 * be refused (a new version of a questionnaire is a new name). */
#ifndef SURVEY_STORE_H
#define SURVEY_STORE_H

#include "common/err.h"
#include "crm/db.h"
#include "survey/template.h"

/* Store t, parsed from source (the file as given, valid UTF-8), under
 * name, in one transaction. A template stored under name already is
 * ERR_EXISTS unless replace; a user who may not change templates gets
 * ERR_DENIED. */
int survey_store_add(struct crm_db *db, const char *name, const char *source, const struct survey_template *t,
		     int replace, struct err *err);

/* Load the template stored under name into out (the caller's to release);
 * ERR_NOTFOUND when there is none. */
int survey_store_get(struct survey_template *out, struct crm_db *db, const char *name, struct err *err);

/* The same for the template with this id (a survey's, an answer's). */
int survey_store_get_id(struct survey_template *out, struct crm_db *db, long long id, struct err *err);

/* Every template: name, title, questions (how many), created, created_by;
 * by name. */
int survey_store_list(struct crm_res **out, struct crm_db *db, struct err *err);

/* Delete the template stored under name (ERR_NOTFOUND, ERR_DENIED). */
int survey_store_delete(struct crm_db *db, const char *name, struct err *err);

#endif
