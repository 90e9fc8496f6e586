/*
 * proc.h - processes: wait for a child as a shell reports it (its code,
 * or 128 + N for signal N), give clone(2) a stack with a guard page, and
 * run a helper program (ip, iptables, tar) from an argument vector,
 * without a shell in between; and wipe a process's arguments and
 * environment from its memory.
 */
#ifndef NUTSHELL_PROC_H
#define NUTSHELL_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* waitpid(2) for pid, retrying on EINTR. Returns the child's exit code, or
 * 128 + N if signal N killed it, or -1 with errno set. */
int wait_child(pid_t pid);

/* mmap(2) a stack of size bytes for clone(2), with one more page below it
 * that may not be touched (PROT_NONE), so that overflowing the stack is
 * always a SIGSEGV rather than a write into whatever is mapped there.
 * Returns its top, the bottom plus size (stacks grow down on every
 * architecture Linux containers run on), or NULL with errno set. */
void *alloc_stack(size_t size);

/* Run a program with the arguments in argv (NULL-terminated), searched
 * for in PATH, without a shell: arguments are never parsed again, so they
 * may hold anything. With quiet, its stdout and stderr go to /dev/null.
 * Returns its exit status (127 if it could not be run, 128 + N for a
 * signal), or -1 with errno set if no process could be made. */
int runv(const char *const argv[], int quiet);

/* A copy of keep (NULL-terminated) on the heap, its strings too; then the
 * strings of argv (main()'s, but argv[0]) and of environ overwritten with
 * zeros, so that /proc/PID/cmdline and /proc/PID/environ no longer show
 * them. The copy, or NULL with errno set (and nothing wiped). */
char **wipe_args(char *const keep[], char **argv);

#endif
