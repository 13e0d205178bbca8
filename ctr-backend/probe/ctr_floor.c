/* ctr-floor PROGRAM [ARGS...]: the floor of any namespace runtime, for
 * `make bench-ctr` — one clone with new pid, net, ipc, uts and mount
 * namespaces, execve of PROGRAM, wait; nothing else (no rootfs, no /proc,
 * no cgroup). Exits with PROGRAM's status. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status;
	long pid;

	if (argc < 2) {
		fprintf(stderr, "usage: ctr-floor PROGRAM [ARGS...]\n");
		return 2;
	}
	/* Raw clone(2) (fork semantics, no stack argument needed). */
	pid = syscall(SYS_clone,
		      CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS |
			      SIGCHLD,
		      NULL, NULL, NULL, NULL);
	if (pid < 0) {
		fprintf(stderr, "ctr-floor: clone: %s\n", strerror(errno));
		return 125;
	}
	if (pid == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid((pid_t)pid, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
