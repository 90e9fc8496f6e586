/* store.c - the plumbing declared in store.h; see there. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "err.h"
#include "file.h"
#include "image.h"
#include "json.h"
#include "parse.h"
#include "state.h"
#include "store.h"
#include "tree.h"

/* Containers live in <repo>/containers/, beside images/, or rootless in
 * the user's own data directory, unless NUTSHELL_CONTAINERS says where. */
#define CONTAINERS "containers"

static int rootless; /* the user's own store, its parents made too */
static const char *const *state_keys; /* what a state file may hold */

int valid_name(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= NAME_LEN && isalnum((unsigned char)name[0]) &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

void store_init(int user, const char *const keys[])
{
	rootless = user;
	state_keys = keys;
}

static char *user_containers_dir(void)
{
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char *dir;

	if (data != NULL && data[0] == '/')
		return asprintf(&dir, "%s/nutshell/containers", data) == -1
			       ? NULL
			       : dir;
	if (home != NULL && home[0] == '/')
		return asprintf(&dir, "%s/.local/share/nutshell/containers",
				home) == -1
			       ? NULL
			       : dir;
	diex("rootless: no HOME to keep containers in: set HOME, "
	     "XDG_DATA_HOME or NUTSHELL_CONTAINERS");
}

const char *containers_dir(int create)
{
	static char *dir;
	struct statfs st;
	char *slash;

	if (dir == NULL) {
		dir = getenv("NUTSHELL_CONTAINERS") != NULL
			      ? strdup(getenv("NUTSHELL_CONTAINERS"))
		      : rootless ? user_containers_dir()
				 : repo_path(CONTAINERS);
		if (dir == NULL)
			die("path of the containers' directory");
	}
	/* rootless: its parents too (mkdir -p), the user's own */
	for (slash = dir;
	     create && rootless && (slash = strchr(slash + 1, '/')) != NULL;
	     *slash = '/') {
		*slash = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			die("mkdir `%s`", dir);
	}
	if (create && ensure_dir(dir, 0700) == -1)
		die("mkdir `%s`", dir);
	if (create && statfs(dir, &st) == -1)
		die("statfs `%s`", dir);
	if (create && st.f_type == OVERLAYFS_SUPER_MAGIC)
		diex("containers' directory `%s` is on overlayfs, which cannot "
		     "hold an upper layer: set NUTSHELL_CONTAINERS to a "
		     "directory on another filesystem (a tmpfs will do)",
		     dir);
	return dir;
}

char *container_file(char *buf, const char *id, const char *file)
{
	if (pathf(buf, "%s/%s/%s", containers_dir(0), id, file) == -1)
		die("path of `%s` of container %s", file, id);
	return buf;
}

int new_container(const char *name, char *id)
{
	char path[PATH_MAX], value[NAME_LEN + 1];
	const char *dir = containers_dir(1);
	struct dirent *e;
	int lock;
	DIR *d;

	if (pathf(path, "%s/.lock", dir) == -1)
		die("path of the containers' lock");
	lock = lock_wait(path);
	if (lock == -1)
		die("lock `%s`", path);
	d = opendir(dir);
	if (d == NULL)
		die("opendir `%s`", dir);
	while (name != NULL && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' &&
		    read_key(container_file(path, e->d_name, "state"),
			     state_keys, "name", value, sizeof(value)) == 0 &&
		    strcmp(value, name) == 0)
			diex("the name `%s` is taken by container %s", name,
			     e->d_name);
	closedir(d);
	do {
		if (random_hex(id, ID_LEN) == -1)
			die("getrandom");
		if (pathf(path, "%s/%s", dir, id) == -1)
			die("path of container %s", id);
	} while (mkdir(path, 0700) == -1 && errno == EEXIST);
	if (access(path, F_OK) == -1)
		die("mkdir `%s`", path);
	return lock;
}

void save_env(const char *id, char *const env[])
{
	char path[PATH_MAX];
	size_t i;
	int fd;

	fd = open(container_file(path, id, "env"),
		  O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		die("create `%s`", path);
	for (i = 0; env[i] != NULL; i++)
		if (write(fd, env[i], strlen(env[i]) + 1) == -1)
			die("write `%s`", path);
	close(fd);
}

char **load_env(const char *id, int max)
{
	char path[PATH_MAX], **env = calloc(max + 1, sizeof(char *));
	size_t size = 0;
	int n;
	FILE *f;

	if (env == NULL)
		die("environment of container %s", id);
	f = fopen(container_file(path, id, "env"), "re");
	if (f == NULL)
		die("open `%s`", path);
	for (n = 0; n < max && getdelim(&env[n], &size, '\0', f) > 0; n++)
		size = 0;
	free(env[n]);
	env[n] = NULL;
	fclose(f);
	return env;
}

void find_container(const char *arg, char *id)
{
	char path[PATH_MAX], name[NAME_LEN + 1];
	struct dirent *e;
	DIR *d;

	if (!valid_name(arg))
		diex("`%s` is not a container id or name", arg);
	d = opendir(containers_dir(0));
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) != ID_LEN)
			continue;
		if (strcmp(e->d_name, arg) == 0 ||
		    (read_key(container_file(path, e->d_name, "state"),
			      state_keys, "name", name, sizeof(name)) == 0 &&
		     strcmp(name, arg) == 0)) {
			strcpy(id, e->d_name);
			closedir(d);
			return;
		}
	}
	diex("no such container: `%s`", arg);
}

int container_key(const char *id, const char *key, char *value, size_t size)
{
	char path[PATH_MAX];

	return read_key(container_file(path, id, "state"), state_keys, key,
			value, size);
}

const char *container_status(const char *id, const char *key, char *value,
			     size_t size)
{
	static char status[16];
	char path[PATH_MAX];
	int fd;

	if (read_key(container_file(path, id, "state"), state_keys, "status",
		     status, sizeof(status)) == -1)
		return "unknown";
	if (key != NULL && read_key(path, state_keys, key, value, size) == -1)
		die("read `%s` of `%s`", key, path);
	if (strcmp(status, "running") != 0)
		return status;
	fd = open(container_file(path, id, "lock"), O_RDONLY | O_CLOEXEC);
	if (fd == -1 || flock(fd, LOCK_SH | LOCK_NB) == 0) {
		if (fd != -1)
			close(fd);
		return "dead";
	}
	close(fd);
	return status;
}

int signal_container(const char *id, int sig, int tenths)
{
	char pid[16];

	if (strcmp(container_status(id, "pid", pid, sizeof(pid)), "running") !=
		    0 ||
	    atoi(pid) <= 0)
		return 0;
	if (kill(atoi(pid), sig) == -1 && errno != ESRCH)
		die("kill SIG%s %s", sigabbrev_np(sig), pid);
	return wait_stopped(id, tenths);
}

int image_users(const char *rootfs, int *running)
{
	char path[PATH_MAX], image[PATH_MAX], *mine, *theirs;
	struct dirent *e;
	int users = 0;
	DIR *d;

	*running = 0;
	mine = realpath(rootfs, NULL);
	d = opendir(containers_dir(0));
	while (mine != NULL && d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    read_key(container_file(path, e->d_name, "state"),
			     state_keys, "image", image, sizeof(image)) == -1)
			continue;
		theirs = resolve_rootfs(image);
		if (theirs != NULL && strcmp(theirs, mine) == 0) {
			users++;
			*running += strcmp(container_status(e->d_name, NULL,
							    NULL, 0),
					   "running") == 0;
		}
		free(theirs);
	}
	if (d != NULL)
		closedir(d);
	free(mine);
	return users;
}

void stop_container(const char *id, int seconds)
{
	/* tenths of a second: the first second, or none with -t 0 */
	if (signal_container(id, SIGTERM, seconds > 0 ? 10 : 0) == 0)
		return;
	if (seconds > 1) {
		warnx("container %s: its PID 1 did not end on SIGTERM (one with "
		      "no handler for it never sees it): SIGKILL in %d s; "
		      "--init would have passed it on",
		      id, seconds - 1);
		if (wait_stopped(id, (seconds - 1) * 10) == 0)
			return;
	}
	signal_container(id, SIGKILL, -1);
}

int kill_verb(int argc, char **argv)
{
	char id[ID_LEN + 1];
	int opt, sig = SIGKILL, i;

	opterr = 0;
	while ((opt = getopt(argc, argv, "+:s:")) != -1)
		if (opt != 's')
			die_option(opt, argv);
		else if ((sig = parse_signal(optarg)) == -1)
			diex("-s `%s`: not a signal (a number, or a name such "
			     "as TERM, HUP, SIGKILL)",
			     optarg);
	if (optind == argc)
		diex("usage: %s kill [-s SIGNAL] ID...",
		     program_invocation_short_name);
	for (i = optind; i < argc; i++) {
		find_container(argv[i], id);
		if (strcmp(container_status(id, NULL, NULL, 0), "running") != 0)
			diex("container `%s` is not running", argv[i]);
		signal_container(id, sig, 0);
		printf("%s\n", argv[i]);
	}
	return 0;
}

int wait_stopped(const char *id, int tenths)
{
	char path[PATH_MAX];
	int fd, ret;

	fd = open(container_file(path, id, "lock"), O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return 0;
	while ((ret = flock(fd, LOCK_SH | (tenths < 0 ? 0 : LOCK_NB))) == -1 &&
	       (errno == EINTR || (tenths-- > 0 && usleep(100000) == 0)))
		;
	close(fd);
	return ret;
}

/* logs' options: -f, --tail N (a number of lines, or "all"). The index
 * of ID. */
static int logs_options(int argc, char **argv, int *follow, long long *tail)
{
	static const struct option options[] = {
		{"follow", no_argument, NULL, 'f'},
		{"tail", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:fn:", options, NULL)) != -1)
		if (opt == 'f')
			*follow = 1;
		else if (opt != 'n')
			die_option(opt, argv);
		else if (strcmp(optarg, "all") == 0)
			*tail = -1;
		else if (parse_count(optarg, tail) == -1 || *tail < 0)
			diex("--tail `%s`: expected a number of lines, or all",
			     optarg);
	if (argc - optind != 1)
		diex("usage: %s logs [-f] [--tail N] ID",
		     program_invocation_short_name);
	return optind;
}

/* Where the last lines of the file fd begin, for --tail: 0 for all. */
static off_t tail_start(int fd, long long lines)
{
	char buf[4096];
	off_t end = lseek(fd, 0, SEEK_END), at = end;
	ssize_t n, i;

	if (lines < 0 || end == -1)
		return 0;
	if (lines == 0)
		return end;
	while (at > 0) {
		n = at < (off_t)sizeof(buf) ? at : (off_t)sizeof(buf);
		at -= n;
		if (pread(fd, buf, n, at) != n)
			return 0;
		for (i = n - 1; i >= 0; i--)
			/* the newline ending the file ends no line before it */
			if (buf[i] == '\n' && at + i != end - 1 && --lines == 0)
				return at + i + 1;
	}
	return 0;
}

int logs(int argc, char **argv)
{
	char id[ID_LEN + 1], path[PATH_MAX], buf[65536];
	long long tail = -1;
	int fd, follow = 0, ended = 0;
	ssize_t n;

	argv += logs_options(argc, argv, &follow, &tail);
	find_container(argv[0], id);
	fd = open(container_file(path, id, "log"), O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		diex("container `%s` was not run with -d: its output went to "
		     "its terminal",
		     argv[0]);
	if (fd == -1 || lseek(fd, tail_start(fd, tail), SEEK_SET) == -1)
		die("open `%s`", path);
	/* -f: on until the container has ended, and its last words read */
	do {
		ended = !follow || strcmp(container_status(id, NULL, NULL, 0),
					  "running") != 0;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (fwrite(buf, 1, n, stdout) != (size_t)n ||
			    fflush(stdout) == EOF)
				die("write the log");
		if (n == -1)
			die("read `%s`", path);
	} while (!ended && poll(NULL, 0, 100) == 0);
	close(fd);
	return 0;
}

void remove_container(const char *arg, int force, leftovers_fn *leftovers)
{
	char id[ID_LEN + 1], path[PATH_MAX], status[16];

	find_container(arg, id);
	snprintf(status, sizeof(status), "%s",
		 container_status(id, NULL, NULL, 0));
	if (strcmp(status, "running") == 0 && !force)
		diex("container `%s` is running: stop it first, or use rm -f",
		     arg);
	signal_container(id, SIGKILL, -1);
	if (strcmp(status, "unknown") == 0 && wait_stopped(id, 0) == -1)
		diex("container `%s`: its runtime still runs, and its state "
		     "file cannot be read",
		     arg);
	if (strcmp(status, "dead") == 0)
		leftovers(id);
	if (pathf(path, "%s/%s", containers_dir(0), id) == -1 ||
	    remove_tree_last(path, "state") == -1)
		die("remove `%s`", path);
}

/* container_key() into value (PATH_MAX bytes): 1, or 0 if the state has
 * no such key (a step that does not write it). */
static int state_value(const char *id, const char *key, char *value)
{
	return container_key(id, key, value, PATH_MAX) == 0;
}

/* The Security object, of what 10's state records of the hardening. */
static void inspect_security(struct json *j, const char *id)
{
	char v[PATH_MAX];

	if (!state_value(id, "caps", v))
		return;
	json_object(j, "Security");
	json_string(j, "Capabilities", v);
	json_bool(j, "NoNewPrivileges",
		  state_value(id, "no_new_privs", v) && atoi(v));
	json_bool(j, "Seccomp", state_value(id, "seccomp", v) && atoi(v));
	json_bool(j, "UserNamespace", state_value(id, "userns", v) && atoi(v));
	json_end(j);
	if (state_value(id, "cgroup", v))
		json_string(j, "Cgroup", v);
}

/* One container's object. */
static void inspect_one(struct json *j, const char *id)
{
	char v[PATH_MAX], when[32];
	const char *status = container_status(id, NULL, NULL, 0);
	time_t created;

	json_object(j, NULL);
	json_string(j, "Id", id);
	json_string(j, "Name", state_value(id, "name", v) ? v : NULL);
	json_string(j, "Image", state_value(id, "image", v) ? v : NULL);
	json_string(j, "Command", state_value(id, "command", v) ? v : NULL);
	created = state_value(id, "created", v) ? atoll(v) : 0;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&created));
	json_string(j, "Created", when);
	json_object(j, "State");
	json_string(j, "Status", status);
	json_bool(j, "Running", strcmp(status, "running") == 0);
	json_number(j, "Pid", state_value(id, "pid", v) ? atoll(v) : 0);
	json_number(j, "Monitor", state_value(id, "monitor", v) ? atoll(v) : 0);
	json_number(j, "ExitCode",
		    state_value(id, "exit_code", v) ? atoll(v) : 0);
	json_end(j);
	json_object(j, "Network");
	json_string(j, "Mode", state_value(id, "network", v) ? v : NULL);
	json_string(j, "IPAddress", state_value(id, "address", v) ? v : NULL);
	json_end(j);
	inspect_security(j, id);
	json_end(j);
}

int inspect(int argc, char **argv)
{
	char id[ID_LEN + 1];
	struct json j;
	int i;

	if (argc < 2)
		diex("usage: %s inspect ID...", program_invocation_short_name);
	for (i = 1; i < argc; i++) /* all known, or none printed */
		find_container(argv[i], id);
	json_start(&j, stdout);
	json_array(&j, NULL);
	for (i = 1; i < argc; i++) {
		find_container(argv[i], id);
		inspect_one(&j, id);
	}
	json_end(&j);
	if (fflush(stdout) == EOF || ferror(stdout))
		die("write the JSON");
	return 0;
}
