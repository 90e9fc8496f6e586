/*
 * sync.h - the sync pipe between a runtime and its child: the child blocks
 * in sync_wait() until the parent, having done what only it can do (put
 * the child in its cgroup, give it a network), calls sync_release(). If
 * the parent dies first, the child reads end of file and gives up.
 */
#ifndef NUTSHELL_SYNC_H
#define NUTSHELL_SYNC_H

/* The pipe, both ends close-on-exec; each side then closes the end it
 * does not use (sync_wait() and sync_release() do). 0 or -1 with errno
 * set: EPIPE from sync_wait() when the parent let go without a byte. */
int sync_init(int fds[2]);
int sync_wait(int fds[2]);
int sync_release(int fds[2]);

#endif
