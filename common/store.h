/*
 * store.h - the container store: a directory of containers, each in
 * <dir>/<id>/ with a state file of "key=value" lines (state.h) and a lock
 * file its runtime holds for as long as it runs; a container found by its
 * id or its name; its status told by that lock; and the verbs that only
 * read the store, ps and logs. Unlike the modules below it, the store
 * reports its own failures, one line and exit 125 (die()): its callers
 * are verbs, which could only report them too.
 */
#ifndef NUTSHELL_STORE_H
#define NUTSHELL_STORE_H

#include <stddef.h>

#define ID_LEN 12 /* hexadecimal digits, as docker shows ids */
#define NAME_LEN 64

/* 1 if name may name a container or an image: a letter or digit, then
 * letters, digits, "_", "." or "-", as docker allows, NAME_LEN at most.
 * Nothing else may reach a path: "../x", "a/b" and "" are not names. */
int valid_name(const char *name);

/* Call first. The containers live in NUTSHELL_CONTAINERS if it is set,
 * else in the repository's containers/, or with rootless in the user's
 * own $XDG_DATA_HOME/nutshell/containers (~/.local/share/... by
 * default), whose missing parents are made too, 0700. A state file may
 * hold keys, and no other (NULL-ended). */
void store_init(int rootless, const char *const keys[]);

/* The containers' directory; with create, made if missing (0700), and
 * refused if it is on overlayfs, which cannot hold an upper layer. */
const char *containers_dir(int create);

/* <dir>/<id>/<file> into buf (PATH_MAX bytes), which it returns. */
char *container_file(char *buf, const char *id, const char *file);

/* A new container's directory, <dir>/<id> (0700) with a fresh id (into
 * id, ID_LEN + 1 bytes), once no other container has the name name (NULL:
 * none). Under the store's lock, whose descriptor it returns: the caller
 * writes the new state file, then closes it, so that of two runs with one
 * name the second sees the first. */
int new_container(const char *name, char *id);

/* A container's environment, for exec: env (NULL-ended) into its file
 * "env", NUL-separated, 0600; and back, at most max variables, as a
 * NULL-ended array, malloc'd (a missing file is an error). Both report a
 * failure and exit 125. */
void save_env(const char *id, char *const env[]);
char **load_env(const char *id, int max);

/* Find a container by id or name: its id into id (ID_LEN + 1 bytes). By
 * its id also when its state file cannot be read, so that rm can remove
 * what is left of it. Unknown: one line, 125. */
void find_container(const char *arg, char *id);

/* key's value in the container's state file into value (size bytes): 0,
 * or -1 with errno set (ENODATA: the state has no such key). */
int container_key(const char *id, const char *key, char *value, size_t size);

/* A container's status: the state file's, unless it says "running" and no
 * runtime holds the lock any more: then its runtime was killed (SIGKILL
 * leaves no time to write anything), and with it, by PR_SET_PDEATHSIG,
 * the container. That is "dead"; "unknown" if there is no state to read.
 * Sets key from the state file into value, if key is not NULL. */
const char *container_status(const char *id, const char *key, char *value,
			     size_t size);

/* Wait until the container's runtime has let go of the lock, at most
 * tenths tenths of a second (-1: as long as it takes). 0, or -1 if it
 * still runs. */
int wait_stopped(const char *id, int tenths);

/* If the container runs, send sig to its PID 1 (stop's SIGTERM, rm -f's
 * SIGKILL), then wait_stopped() for it. 0 once it has stopped, or if it
 * did not run; -1 if it still runs after tenths. One line, 125, if the
 * signal cannot be sent. */
int signal_container(const char *id, int sig, int tenths);

/* stop: SIGTERM to the container's PID 1, then SIGKILL if it has not
 * ended after seconds. A PID 1 that ignores SIGTERM (one with no handler
 * for it never sees it) takes all of them: after the first second, one
 * line says so, and what would have avoided the wait. */
void stop_container(const char *id, int seconds);

/* What a killed runtime left of container id, beside its directory (its
 * cgroup, its lease): the caller's to remove. */
typedef void leftovers_fn(const char *id);

/* rm: remove the container named arg (an id or a name), every trace of
 * it; a running one only with force, which kills it first (SIGKILL). Its
 * directory goes last but for its state file, which goes last of all: an
 * rm cut short leaves a container that can be named and removed again.
 * Dies with one line if it cannot. */
void remove_container(const char *arg, int force, leftovers_fn *leftovers);

/* How many containers, in any state, use the image in directory rootfs;
 * how many of them run, into *running. */
int image_users(const char *rootfs, int *running);

/* kill [-s SIGNAL] ID...: SIGNAL (KILL by default, as docker's) to each
 * container's PID 1; one that does not run is an error. */
int kill_verb(int argc, char **argv);

/* The verb logs ID, what a -d container wrote (-f: and writes, until it
 * ends; --tail N: its last N lines). Its exit status. */
int logs(int argc, char **argv);

/* inspect ID...: each container's state as JSON, an array of objects of
 * one shape (docs/docker.md): Id, Name, Image, Command, Created (RFC
 * 3339, UTC), State {Status, Running, Pid, Monitor, ExitCode}, Network
 * {Mode, IPAddress}, and where the state has them, Security
 * {Capabilities, NoNewPrivileges, Seccomp, UserNamespace} and Cgroup. */
int inspect(int argc, char **argv);

#endif
