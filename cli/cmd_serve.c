/* cli/cmd_serve.c - crmgate serve: survey links, unsubscribe links and SMS callbacks over
 * HTTP until SIGINT or SIGTERM (SPEC sections 5 and 8). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "common/httpd.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "gateway/web.h"
#include "survey/smsreply.h"
#include "survey/web.h"
#include "common/banned.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define THREADS	       4

struct serve_args {
	const char *listen;
};

static const struct opt_spec serve_opts[] = {
	OPT_STRING("listen", "ADDR:PORT",
		   N_("where to listen: an IP address and a port, [::1]:8080 for\n"
		      "IPv6 (default: [serve] listen, else " DEFAULT_LISTEN ")"),
		   struct serve_args, listen),
	OPT_END(),
};

static const struct opt_cmd usage[1] = { {
	.name = "serve",
	.summary = N_("answer survey links, unsubscribe links and SMS delivery reports and inbound texts over HTTP"),
	.help = N_("Answers survey links (/s/TOKEN: the questionnaire's form), unsubscribe links\n"
		   "(/u/TOKEN), Kannel's delivery reports (/sms/dlr) and inbound texts (/sms/in)\n"
		   "until interrupted (SIGINT or SIGTERM). Slow and idle\n"
		   "clients cannot shut real requests out: a request must arrive within seconds, and\n"
		   "one client address holds only a share of the connections (see README.md).\n"
		   "\n"
		   "[serve] public_url is the address the links in messages use; [serve] secret\n"
		   "signs unsubscribe links (default: a key kept in the database); [sms]\n"
		   "inbound_secret is the key=SECRET Kannel's get-url must carry to /sms/in\n"
		   "(without it, inbound texts are refused). An inbound text that is not STOP is\n"
		   "read as the answers to the sender's survey invitation, or kept for review\n"
		   "(crmgate survey inbox); add id=%I to the get-url so that a text Kannel\n"
		   "delivers twice counts once."),
	.opts = serve_opts,
} };

/* Every connection is a descriptor, and the server keeps hundreds open
 * under a flood (common/httpd.h): the soft limit goes up to the hard one. */
static void raise_descriptors(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		log_debug("serve: could not raise the limit of open files: %s", strerror(errno));
}

/* "ADDR:PORT" or "[ADDR]:PORT" into addr (the caller's) and port. */
static int parse_listen(char **addr, unsigned *port, const char *s, struct err *err)
{
	const char *colon = strrchr(s, ':');
	const char *a = s, *a_end = colon;
	char *end;
	unsigned long p;

	*addr = NULL;
	if (!colon || colon == s)
		goto bad;
	if (*s == '[') {
		if (colon[-1] != ']')
			goto bad;
		a = s + 1;
		a_end = colon - 1;
	}
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno || !colon[1] || *end || p > 65535 || colon[1] == '-' || colon[1] == '+')
		goto bad;
	*addr = xstrndup(a, (size_t)(a_end - a));
	*port = (unsigned)p;
	return 0;
bad:
	return cli_usage_error(err, usage, "'%s' is not ADDR:PORT (such as 127.0.0.1:8080)", s);
}

int cmd_serve(struct cli *cli, int argc, char **argv, struct err *err)
{
	const char *listen = config_get(cli->cfg, "serve", "listen");
	const char *public_url = config_get(cli->cfg, "serve", "public_url");
	struct gw_web_options wopt = { &cli->store,	config_get(cli->cfg, "serve", "secret"),
				       THREADS,		config_get(cli->cfg, "sms", "inbound_secret"),
				       survey_sms_hook, NULL };
	/* a long questionnaire's form is the largest request served; its
	 * fields are the route's to read (HTTP_ROUTE_RAW_FORM), so max_params
	 * stays the default that guards every route's query */
	struct http_options hopt = { .threads = THREADS, .max_body = SURVEY_WEB_BODY_MAX };
	struct serve_args a = { 0 };
	struct http_server *srv = NULL;
	struct gw_web *web = NULL;
	struct survey_web *survey = NULL;
	struct http_routes routes = HTTP_ROUTES_INIT;
	char *addr = NULL;
	sigset_t stop, old;
	int sig = 0, rc;

	if ((rc = opt_parse(NULL, usage, &a, argc, argv, err)))
		return rc == OPT_HELP ? 0 : rc;
	if (a.listen)
		listen = a.listen;
	rc = parse_listen(&addr, &hopt.port, listen ? listen : DEFAULT_LISTEN, err);
	if (rc)
		return rc;
	hopt.address = addr;

	/* the server's threads inherit this mask: the signals come to sigwait */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);

	raise_descriptors();
	rc = gw_web_new(&web, &wopt, err);
	if (!rc) {
		gw_web_routes(&routes, web);
		survey_web_new(&survey, web);
		survey_web_routes(&routes, survey);
		rc = http_server_start(&srv, &hopt, routes.v, routes.nr, err);
	}
	if (rc)
		goto done;
	log_info("serving on http://%s%s%s:%u/ (public URL %s); stop with Ctrl-C", strchr(addr, ':') ? "[" : "", addr,
		 strchr(addr, ':') ? "]" : "", http_server_port(srv),
		 public_url ? public_url : "http://127.0.0.1:8080");
	fflush(stdout);
	while (sigwait(&stop, &sig))
		;
	log_info("stopping (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");
done:
	http_server_stop(srv);
	survey_web_free(survey);
	gw_web_free(web);
	http_routes_release(&routes);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(addr);
	return rc;
}
