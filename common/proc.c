/* common/proc.c - run another program and wait for it. */
#include "common/proc.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "common/banned.h"

/* Drop to user in the child: group list, group, then user (that order, or
 * setgid is no longer allowed). */
static int become(const char *user)
{
	struct passwd *pw = getpwnam(user);
	if (!pw)
		return -1;
	if (initgroups(pw->pw_name, pw->pw_gid) || setgid(pw->pw_gid) || setuid(pw->pw_uid))
		return -1;
	setenv("HOME", pw->pw_dir, 1);
	setenv("USER", pw->pw_name, 1);
	setenv("LOGNAME", pw->pw_name, 1);
	return 0;
}

/* In the child: the variables opts asks for, after become() has set HOME. */
static void set_env(const char *const *env)
{
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');
		char *name;
		if (!eq)
			BUG("environment entry '%s' has no '='", *env);
		name = xstrndup(*env, (size_t)(eq - *env));
		setenv(name, eq + 1, 1);
		free(name);
	}
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds until deadline, for poll: -1 when there is none. */
static int left_ms(long long deadline)
{
	long long left;
	if (!deadline)
		return -1;
	left = deadline - now_ms();
	return left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

/* Read the child's output until it closes the pipe or the deadline passes
 * (*timed_out set). */
static void read_output(int fd, struct buf *output, long long deadline, int *timed_out)
{
	char chunk[4096];
	ssize_t n;

	for (;;) {
		if (deadline) {
			struct pollfd pfd = { fd, POLLIN, 0 };
			int ready = poll(&pfd, 1, left_ms(deadline));
			if (ready == 0) {
				*timed_out = 1;
				return;
			}
			if (ready < 0 && errno != EINTR)
				return;
			if (ready < 0)
				continue;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			return;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		/* keep the end of a long output: that is where the error is */
		if (output->len > 64 * 1024) {
			memmove(output->data, output->data + output->len - 32 * 1024, 32 * 1024);
			buf_truncate(output, 32 * 1024);
		}
		buf_add(output, chunk, (size_t)n);
	}
}

/* Wait for the child; past the deadline, kill its whole process group. */
static int wait_child(pid_t pid, int *status, long long deadline, int *timed_out)
{
	for (;;) {
		pid_t r;
		if (*timed_out && deadline) {
			kill(-pid, SIGKILL);
			deadline = 0;
		}
		r = waitpid(pid, status, deadline ? WNOHANG : 0);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (r == 0) {
			struct timespec nap = { 0, 20 * 1000 * 1000 };
			if (!left_ms(deadline))
				*timed_out = 1;
			else
				nanosleep(&nap, NULL);
		}
	}
}

int proc_run(char *const argv[], const char *as_user, struct buf *output, struct err *err)
{
	struct proc_opts opts = { .as_user = as_user };
	return proc_run_opts(argv, &opts, output, err);
}

int proc_run_opts(char *const argv[], const struct proc_opts *opts, struct buf *output, struct err *err)
{
	static const struct proc_opts none;
	int pipefd[2] = { -1, -1 };
	long long deadline = 0;
	int timed_out = 0;
	pid_t pid;
	int status;

	if (!opts)
		opts = &none;
	if (opts->as_user && !getpwnam(opts->as_user))
		return err_set(err, ERR_FAIL, "could not run '%s': there is no user '%s'", argv[0], opts->as_user);
	if (output && pipe(pipefd))
		return err_set(err, ERR_FAIL, "could not run '%s': %s", argv[0], strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		if (output) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return err_set(err, ERR_FAIL, "could not run '%s': %s", argv[0], strerror(errno));
	}
	if (pid == 0) {
		if (opts->timeout > 0)
			setpgid(0, 0);
		if (output) {
			dup2(pipefd[1], 1);
			dup2(pipefd[1], 2);
			close(pipefd[0]);
			close(pipefd[1]);
		}
		if (opts->as_user && become(opts->as_user)) {
			fprintf(stderr, "could not become user '%s': %s\n", opts->as_user, strerror(errno));
			_exit(126);
		}
		set_env(opts->env);
		execvp(argv[0], argv);
		fprintf(stderr, "could not run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (opts->timeout > 0) {
		/* also here: the kill must not miss a child that has not run yet */
		setpgid(pid, pid);
		deadline = now_ms() + (long long)opts->timeout * 1000;
	}
	if (output) {
		close(pipefd[1]);
		read_output(pipefd[0], output, deadline, &timed_out);
		close(pipefd[0]);
	}
	if (wait_child(pid, &status, deadline, &timed_out))
		return err_set(err, ERR_FAIL, "could not wait for '%s': %s", argv[0], strerror(errno));
	if (timed_out)
		err_set(err, ERR_FAIL, "'%s' did not finish within %d seconds and was stopped", argv[0], opts->timeout);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	else if (WIFEXITED(status))
		err_set(err, ERR_FAIL, "'%s' failed with exit status %d", argv[0], WEXITSTATUS(status));
	else
		err_set(err, ERR_FAIL, "'%s' was killed by signal %d", argv[0], WTERMSIG(status));
	if (output && output->len)
		err_detail(err, "%s", output->data);
	return err->code;
}

int proc_exec(char *const argv[], struct err *err)
{
	fflush(NULL);
	execvp(argv[0], argv);
	return err_set(err, ERR_FAIL, "could not run '%s': %s", argv[0], strerror(errno));
}

volatile sig_atomic_t proc_stopping;

static void on_signal(int sig)
{
	(void)sig;
	proc_stopping = 1;
}

void proc_stop_on_signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
