/*
 * peak-rss: run CMD, wait for it, and print the largest resident set, in
 * KiB, of CMD and of every process it waited for (getrusage(2),
 * RUSAGE_CHILDREN). For scripts/bench. Built statically, it is small: a
 * child is charged with the memory it shares with its parent until it
 * execs, so a big parent (python, bash) would be counted instead.
 *
 * Usage:   peak-rss CMD [ARG...]      (CMD's output goes to /dev/null)
 * Exit:    0, or 1 if CMD could not run or did not exit 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage usage;
	int status, null;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CMD [ARG...]\n", argv[0]);
		return 1;
	}
	pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		null = open("/dev/null", O_WRONLY);
		if (null == -1 || dup2(null, 1) == -1) {
			perror("open /dev/null");
			_exit(127);
		}
		execvp(argv[1], &argv[1]);
		perror(argv[1]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1 ||
	    getrusage(RUSAGE_CHILDREN, &usage) == -1) {
		perror("waitpid");
		return 1;
	}
	printf("%ld\n", usage.ru_maxrss);
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}
