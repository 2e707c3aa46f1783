/* analytics/value_model.h - the customer value model (客户价值评估模型) as
 * editable data: its tiers and their cuts, and the weights of the score
 * (sql/009_value_model.sql). Writes need a keeper of the model (an admin or
 * a sales manager) when a user's view is taken; everyone reads. */
#ifndef ANALYTICS_VALUE_MODEL_H
#define ANALYTICS_VALUE_MODEL_H

#include "common/err.h"
#include "crm/db.h"

#define AN_INDICATORS 6
/* revenue, profit, opportunity, arrears, expense, loyalty: the weights' order */
extern const char *const an_indicators[AN_INDICATORS];

/* A new model, or what to change in one; NULL or 0 is "keep" (for a new
 * model: the defaults - tiers by share 1/4/15/80, weights 30/25/15/10/10/10). */
struct an_value_model_change {
	const char *name;
	/* tier cuts: percentages of customers by count (adding up to 100), top
	 * tier first; or value thresholds, falling, one fewer than the tiers
	 * (the last tier takes the rest). Plain decimals. */
	const char *const *shares;
	const char *const *thresholds;
	int ncuts;
	const char *const *tiers; /* names, top first; NULL: keep them, or A, B, C… */
	int ntiers;
	const char *weights[AN_INDICATORS]; /* plain decimals, in an_indicators order */
};

/* Every model (name NULL) or one: name, cut_by, default, tiers, weights. */
int an_value_model_list(struct crm_res **out, struct crm_db *db, const char *name, struct err *err);
/* Create a model, or change one; ERR_EXISTS / ERR_NOTFOUND / ERR_INPUT
 * (bad cuts, names or weights, named) / ERR_DENIED (not a keeper). */
int an_value_model_create(struct crm_db *db, const struct an_value_model_change *c, struct err *err);
int an_value_model_set(struct crm_db *db, const struct an_value_model_change *c, struct err *err);
/* Make name the model reports use when none is named. */
int an_value_model_default(struct crm_db *db, const char *name, struct err *err);
/* Delete a model (not the default one); saved runs keep its name. */
int an_value_model_delete(struct crm_db *db, const char *name, struct err *err);

#endif
