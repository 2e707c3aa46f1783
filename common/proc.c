/* common/proc.c - run another program and wait for it. */
#include "common/proc.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

int proc_run(char *const argv[], const char *as_user, struct buf *output, struct err *err)
{
	int pipefd[2] = { -1, -1 };
	pid_t pid;
	int status;

	if (as_user && !getpwnam(as_user))
		return err_set(err, ERR_FAIL, "could not run '%s': there is no user '%s'", argv[0], as_user);
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
		if (output) {
			dup2(pipefd[1], 1);
			dup2(pipefd[1], 2);
			close(pipefd[0]);
			close(pipefd[1]);
		}
		if (as_user && become(as_user)) {
			fprintf(stderr, "could not become user '%s': %s\n", as_user, strerror(errno));
			_exit(126);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "could not run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (output) {
		char chunk[4096];
		ssize_t n;
		close(pipefd[1]);
		while ((n = read(pipefd[0], chunk, sizeof(chunk))) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			/* keep the end of a long output: that is where the error is */
			if (output->len > 64 * 1024) {
				memmove(output->data, output->data + output->len - 32 * 1024, 32 * 1024);
				buf_truncate(output, 32 * 1024);
			}
			buf_add(output, chunk, (size_t)n);
		}
		close(pipefd[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return err_set(err, ERR_FAIL, "could not wait for '%s': %s", argv[0], strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
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
