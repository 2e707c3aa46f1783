/* cli/opt.h - one option table per command, and the one parser that reads
 * it (after git's parse-options and libgit2's cli_opt_spec).
 *
 * A command describes itself as data: its name, a one-line summary, a help
 * paragraph, an array of struct opt_spec (each option and each positional
 * argument: its name, its value's name, its help line and where its value
 * goes in the command's own argument struct) and, when it has them, its
 * verbs, each a struct opt_cmd of its own. opt_parse reads argv against
 * that, and gives -h/--help anywhere, "option '--where' needs a value",
 * "unknown option '--wher' (did you mean '--where'?)", refuses an argument
 * nobody takes, and prints the usage text, all from the same tables; the
 * man page and the translated help are to be made from them too, so help
 * texts are msgids (N_()) printed through _(). */
#ifndef CLI_OPT_H
#define CLI_OPT_H

#include <libintl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/err.h"

/* gettext: N_() marks a msgid in a table, _() translates it when printed
 * (a no-op until a catalogue is installed: glibc falls back to the msgid). */
#define _(msgid)  gettext(msgid)
#define N_(msgid) msgid

struct cli;
struct opt_spec;

enum opt_kind {
	OPT_END,      /* ends a spec array */
	OPT_FLAG,     /* --name: sets an int to 1 */
	OPT_STRING,   /* --name VALUE: a const char * */
	OPT_INT,      /* --name N: a long from min to max */
	OPT_LIST,     /* --name VALUE, repeatable: a struct opt_list, at most max values (0: any) */
	OPT_CALLBACK, /* --name VALUE (or a flag when arg is NULL): cb checks and keeps it */
	OPT_ARG,      /* a positional argument: a const char * */
	OPT_ARGS,     /* every further positional argument: a struct opt_list */
};

/* spec flags */
#define OPT_REQUIRED 1 /* OPT_ARG, OPT_ARGS: must be given */
#define OPT_KEEP     2 /* OPT_CALLBACK: each value cb accepts is kept in a struct opt_list */

/* An OPT_INT field that holds a number outside its option's range was not
 * given (the parser never stores one): OPT_UNSET is outside every range.
 * A command sets its OPT_INT fields to it before parsing when the default
 * is decided later, so that opt_line leaves them out. */
#define OPT_UNSET LONG_MIN

/* Values of a repeatable option or of OPT_ARGS; they point into argv. */
struct opt_list {
	const char **v;
	int n;
};

/* Keep value (NULL for a flag) for option o in args; returns 0 or an error
 * (ERR_INPUT for a bad value, said with the option's name). */
typedef int (*opt_callback)(void *args, const struct opt_spec *o, const char *value, struct err *err);

struct opt_spec {
	enum opt_kind kind;
	const char *name; /* long name without "--"; a positional's name in the usage ("ENTITY") */
	char alias;	  /* a short letter, or 0 */
	const char *arg;  /* the value's name in the help ("FILTER"); NULL for a flag */
	const char *help; /* a msgid: one line, or more separated by '\n' */
	size_t offset;	  /* of the value in the command's argument struct */
	long min, max;	  /* OPT_INT: the range; OPT_LIST: the most values (0: any) */
	opt_callback cb;  /* OPT_CALLBACK */
	int flags;
};

/* The offset of field in type, which must be of C type ctype: the parser
 * writes a ctype there (a long for OPT_INT), and a field of another size
 * would be written past, so a mismatch does not compile. */
#define OPT_OFFSET(type, field, ctype)                                                                                 \
	(offsetof(type, field) + 0 * sizeof(char[_Generic(((type *)0)->field, ctype : 1, default : -1)]))

#define OPT_FLAG(name, help, type, field)                                                                              \
	{                                                                                                              \
		OPT_FLAG, name, 0, NULL, help, OPT_OFFSET(type, field, int), 0, 0, NULL, 0                             \
	}
#define OPT_STRING(name, arg, help, type, field)                                                                       \
	{                                                                                                              \
		OPT_STRING, name, 0, arg, help, OPT_OFFSET(type, field, const char *), 0, 0, NULL, 0                   \
	}
#define OPT_INT(name, arg, help, type, field, min, max)                                                                \
	{                                                                                                              \
		OPT_INT, name, 0, arg, help, OPT_OFFSET(type, field, long), min, max, NULL, 0                          \
	}
#define OPT_LIST(name, arg, help, type, field, max)                                                                    \
	{                                                                                                              \
		OPT_LIST, name, 0, arg, help, OPT_OFFSET(type, field, struct opt_list), 0, max, NULL, 0                \
	}
#define OPT_CALLBACK(name, arg, help, cb)                                                                              \
	{                                                                                                              \
		OPT_CALLBACK, name, 0, arg, help, 0, 0, 0, cb, 0                                                       \
	}
/* --name VALUE, repeatable: cb checks each value (and may refuse it with a
 * message of its own), which is then kept in the struct opt_list field. */
#define OPT_CALLBACK_LIST(name, arg, help, type, field, cb)                                                            \
	{                                                                                                              \
		OPT_CALLBACK, name, 0, arg, help, offsetof(type, field), 0, 0, cb, OPT_KEEP                            \
	}
#define OPT_ARG(name, help, type, field, flags)                                                                        \
	{                                                                                                              \
		OPT_ARG, name, 0, NULL, help, OPT_OFFSET(type, field, const char *), 0, 0, NULL, flags                 \
	}
#define OPT_ARGS(name, help, type, field, flags)                                                                       \
	{                                                                                                              \
		OPT_ARGS, name, 0, NULL, help, OPT_OFFSET(type, field, struct opt_list), 0, 0, NULL, flags             \
	}
#define OPT_END()                                                                                                      \
	{                                                                                                              \
		OPT_END, NULL, 0, NULL, NULL, 0, 0, 0, NULL, 0                                                         \
	}

/* A verb's handler, for commands that dispatch through their verb table:
 * args is the command's argument struct, filled by opt_parse. */
typedef int (*opt_fn)(struct cli *cli, void *args, struct err *err);

/* command flags */
#define OPT_PASSTHROUGH                                                                                                \
	1 /* after the verb nothing is an option of ours but -h/--help ("db psql -c ..."):                             \
	     every argument goes to the positionals */

struct opt_cmd {
	const char *name;	     /* "export", "campaign create": as typed after "crmgate" */
	const char *summary;	     /* a msgid: one line, for the command or verb lists */
	const char *help;	     /* a msgid: what the command does, after the usage (may be NULL) */
	const struct opt_spec *opts; /* ends with OPT_END() (NULL: none) */
	const struct opt_cmd *verbs; /* the verbs, ending with one whose name is NULL (NULL: none) */
	opt_fn fn;		     /* a verb's handler (NULL: the command dispatches itself) */
	int flags;
	/* more help after the options, that the tables cannot hold (a list
	 * that comes from elsewhere: the reports, an entity's fields) */
	void (*more_help)(const struct opt_cmd *cmd, FILE *f);
};

/* opt_parse's return value when it printed the help: exit 0. */
#define OPT_HELP 1

/* Parse argv (argv[0] is the command's own name) into args, against cmd:
 * for a command with verbs the first argument that is not an option names
 * the verb (*verb, when verb is not NULL), whose options and positionals
 * are read. "--name VALUE", "--name=VALUE", "-x VALUE", and "--" ending the
 * options. -h or --help anywhere before "--" prints the help of the verb
 * (or the command) to standard output and returns OPT_HELP. Returns 0, or
 * ERR_INPUT with the message in err and the usage as its hint
 * (cli_usage_error). */
int opt_parse(const struct opt_cmd **verb, const struct opt_cmd *cmd, void *args, int argc, char **argv,
	      struct err *err);

/* Free what opt_parse allocated for spec's lists (OPT_LIST, OPT_ARGS,
 * OPT_CALLBACK_LIST) in args. */
void opt_release(const struct opt_cmd *spec, void *args);

/* Parse, then run the verb's handler (or cmd's), and release: the whole of
 * a command that dispatches through its tables. Help is exit status 0. */
int opt_run(struct cli *cli, const struct opt_cmd *cmd, void *args, int argc, char **argv, struct err *err);

/* The verb of cmd (or of one of its verb groups: "survey template add")
 * whose handler is fn (a command's work is its function:
 * opt_verb(cli_db_cmd, cli_db_init) is "db init"); BUG when it has none. */
const struct opt_cmd *opt_verb(const struct opt_cmd *cmd, opt_fn fn);

/* The usage lines of cmd ("usage: crmgate export ENTITY [--where FILTER]"),
 * each verb's when it has verbs, appended to out. */
void opt_usage(struct buf *out, const struct opt_cmd *cmd);

/* The whole help of cmd: usage, help text, options (and each verb's). */
void opt_help(const struct opt_cmd *cmd, FILE *f);

/* The command line that opt_parse reads back into args for cmd (a command
 * without verbs, or one verb), appended to out: cmd's name ("campaign
 * create"), its positionals, and each option that holds a value (a flag
 * set, a string or list given, a number within its range), in the table's
 * order but those that order names first (long names, ending with NULL;
 * order may be NULL); of options sharing one field, the first written.
 * A word a shell would split or expand is written in double quotes. It is
 * what a user types to do what cmd->fn does with args: the demo shows it
 * before each step. An OPT_CALLBACK that keeps its values itself cannot be
 * written back: BUG. */
void opt_line(struct buf *out, const struct opt_cmd *cmd, const void *args, const char *const *order);

/* The name among names[0, n) closest to word, close enough to be what was
 * meant (a typo or two), or NULL. */
const char *opt_closest(const char *word, const char *const *names, size_t n);

#endif
