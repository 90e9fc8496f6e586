/*
 * common-test: call one helper of common/ with arguments from the command
 * line and print what it returned, for tests/common.bats to compare:
 * a value, or the errno name when it failed.
 *
 * usage: common-test size|count|decimal|stack|write|dir|systemf|sync|wait
 * ARG...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "../common/common.h"

static int failed(void)
{
	printf("%s\n", strerrorname_np(errno));
	return 1;
}

/* Touch the byte OFFSET bytes below the top of a stack of SIZE bytes in a
 * child; print how the child ended: "ok" or "signal N". */
static int touch_stack(size_t size, size_t offset)
{
	char *top = alloc_stack(size);
	int status;
	pid_t pid;

	if (top == NULL)
		return failed();
	fflush(stdout);
	pid = fork();
	if (pid == -1)
		return failed();
	if (pid == 0) {
		*(volatile char *)(top - offset) = 1;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) == -1)
		return failed();
	if (WIFSIGNALED(status))
		printf("signal %d\n", WTERMSIG(status));
	else
		printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	long long v;
	int fds[2];
	pid_t pid;

	if (argc < 3)
		diex("usage: %s HELPER ARG...", argv[0]);
	if (strcmp(argv[1], "size") == 0) {
		if (parse_size(argv[2], &v) == -1)
			return failed();
	} else if (strcmp(argv[1], "count") == 0) {
		if (parse_count(argv[2], &v) == -1)
			return failed();
	} else if (strcmp(argv[1], "decimal") == 0 && argc == 4) {
		if (parse_decimal(argv[2], atoll(argv[3]), &v) == -1)
			return failed();
	} else if (strcmp(argv[1], "stack") == 0 && argc == 4) {
		return touch_stack(atoll(argv[2]), atoll(argv[3]));
	} else if (strcmp(argv[1], "write") == 0 && argc == 4) {
		if (write_file(argv[2], "%s", argv[3]) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "dir") == 0) {
		if (ensure_dir(argv[2], 0755) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "systemf") == 0) {
		v = systemf("%s", argv[2]);
		if (v == -1)
			return failed();
	} else if (strcmp(argv[1], "sync") == 0) {
		/* the child waits; the parent releases it, or just exits */
		if (sync_init(fds) == -1)
			return failed();
		fflush(stdout);
		pid = fork();
		if (pid == -1)
			return failed();
		if (pid > 0) {
			if (strcmp(argv[2], "release") == 0 &&
			    sync_release(fds) == -1)
				return failed();
			_exit(0);
		}
		if (sync_wait(fds) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "wait") == 0) {
		fflush(stdout);
		pid = fork();
		if (pid == -1)
			return failed();
		if (pid == 0) {
			execl("/bin/sh", "sh", "-c", argv[2], (char *)NULL);
			_exit(127);
		}
		v = wait_child(pid);
		if (v == -1)
			return failed();
	} else {
		diex("unknown helper or arguments: %s", argv[1]);
	}
	printf("%lld\n", v);
	return 0;
}
