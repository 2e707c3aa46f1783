/* survey/response.h - answering an invitation (sql/023): finding it by
 * the token of its link or by its id, and storing a response through the
 * one function every way of answering goes through (crm.survey_respond),
 * so that an invitation is answered once, whichever way comes first.
 *
 * The caller checks the answers first (survey_answers_check): what is
 * stored here is what passed. */
#ifndef SURVEY_RESPONSE_H
#define SURVEY_RESPONSE_H

#include "common/err.h"
#include "crm/db.h"
#include "survey/answer.h"
#include "survey/template.h"

/* Characters of a token: base64url of 256 bits, unpadded (sql/022). */
#define SURVEY_TOKEN_LEN 43

/* An invitation as the ways of answering need it. */
struct survey_invitation {
	long long id;
	long long survey_id;
	long long template_id;
	char *survey;	   /* the survey's name */
	char *target_code; /* who was invited */
	int answered;	   /* answered already (by answered_by) */
	char *answered_by; /* link, email, sms; NULL when not answered */
	int open;	   /* the survey takes answers: running, not past valid_until */
};

/* Find the invitation whose link carries token: ERR_NOTFOUND for a token
 * that is not one (malformed, truncated, unknown, tampered), with nothing
 * in the message that tells which. The token is hashed (SHA-256), found by
 * its hash, and the hash read back compared in constant time. */
int survey_invitation_by_token(struct survey_invitation *out, struct crm_db *db, const char *token, struct err *err);

/* The invitation with this id (ERR_NOTFOUND). */
int survey_invitation_by_id(struct survey_invitation *out, struct crm_db *db, long long id, struct err *err);

void survey_invitation_release(struct survey_invitation *inv);

/* What became of a response (crm.survey_respond's answer). */
enum survey_outcome {
	SURVEY_STORED,	  /* stored */
	SURVEY_ANSWERED,  /* the invitation was answered already: nothing stored */
	SURVEY_CLOSED,	  /* the survey is closed or the invitation expired */
	SURVEY_DUPLICATE, /* a response from this message is stored already */
	SURVEY_UNKNOWN,	  /* no such invitation */
};

/* The outcome's name as crm.survey_respond returns it ("stored", …). */
const char *survey_outcome_name(enum survey_outcome o);

/* Store a as the response to invitation id, answered by way (link, email,
 * sms), in one transaction of its own; t is the invitation's
 * questionnaire. msg_id: the reply's Message-ID or SMS id (NULL for the
 * form); filer: who filed it by hand (NULL). *out says what became of it. */
int survey_respond(enum survey_outcome *out, struct crm_db *db, long long id, const char *way,
		   const struct survey_template *t, const struct survey_answers *a, const char *msg_id,
		   const char *filer, struct err *err);

#endif
