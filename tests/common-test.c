/*
 * common-test: call one helper of common/ with arguments from the command
 * line and print what it returned, for tests/common.bats to compare:
 * a value, or the errno name when it failed.
 *
 * usage: common-test size|count|decimal|stack|write|dir|lockwait|sync|wait|
 *        hex|replace|key|rmtree|member|tar|repo|... ARG...
 *        (the store's, in NUTSHELL_CONTAINERS: name|new|find|status ARG)
 *        lease DIR FIRST LAST RECORD | subid FILE NAME UID NEED
 *        env ARG... | volume ARG | newfile PATH TEXT | read PATH SIZE
 *        etc DIR HOSTNAME ADDRESS|- HOSTNET | wipe ARG... | delegated ROOT
 *        state PATH KEY VALUE... | words PATH MOST WORD...
 *        word ARG WORD... | netns STATE | forwarding DIR | signal S | duration
 * SECONDS pty CMD [ARG...] | pty-closed | json STRING...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "../common/err.h"
#include "../common/etc.h"
#include "../common/file.h"
#include "../common/image.h"
#include "../common/json.h"
#include "../common/lease.h"
#include "../common/netlink.h"
#include "../common/netns.h"
#include "../common/opt.h"
#include "../common/parse.h"
#include "../common/proc.h"
#include "../common/ps.h"
#include "../common/pty.h"
#include "../common/state.h"
#include "../common/store.h"
#include "../common/sync.h"
#include "../common/tree.h"
#include "../common/userns.h"

static int failed(void)
{
	printf("%s\n", strerrorname_np(errno));
	return 1;
}

/* lease_take's undo: say what it was handed. */
static void print_undo(const char *record, struct in_addr address)
{
	printf("undo %s: %s", inet_ntoa(address), record);
}

/* lease DIR FIRST LAST RECORD: take a lease, print its address (or
 * "none"), and hold it while SECONDS in the environment pass. */
static int lease_helper(char **argv)
{
	struct in_addr first, last;
	struct lease l;
	int ret;

	if (inet_pton(AF_INET, argv[3], &first) != 1 ||
	    inet_pton(AF_INET, argv[4], &last) != 1)
		diex("lease: FIRST and LAST are addresses");
	ret = lease_take(&l, argv[2], ntohl(first.s_addr), ntohl(last.s_addr),
			 argv[5], print_undo);
	if (ret == -1)
		return failed();
	printf("%s\n", ret == 0 ? "none" : inet_ntoa(l.address));
	return 0;
}

/* The store's helpers: valid_name, new_container (with a state file of a
 * name and a status, as a run writes it), find_container and
 * container_status. */
static int store_helper(const char *helper, const char *arg)
{
	static const char *const keys[] = {"id", "name", "status", NULL};
	char id[ID_LEN + 1], path[PATH_MAX];
	int lock;

	store_init(0, keys);
	if (strcmp(helper, "name") == 0) {
		printf("%d\n", valid_name(arg));
	} else if (strcmp(helper, "new") == 0) {
		lock = new_container(arg[0] != '\0' ? arg : NULL, id);
		if (create_file(container_file(path, id, "state"), 0600,
				"id=%s\nname=%s\nstatus=created\n", id,
				arg[0] != '\0' ? arg : id) == -1)
			return failed();
		close(lock);
		printf("%s\n", id);
	} else if (strcmp(helper, "find") == 0) {
		find_container(arg, id);
		printf("%s\n", id);
	} else {
		printf("%s\n", container_status(arg, NULL, NULL, 0));
	}
	return 0;
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
	if (strcmp(argv[1], "subid") == 0 && argc == 6) {
		/* subid FILE NAME UID NEED, at most 65536 */
		unsigned long first, count;

		if (subid_range(argv[2], argv[3], atol(argv[4]), atol(argv[5]),
				65536, &first, &count) == -1)
			printf("none\n");
		else
			printf("%lu %lu\n", first, count);
		return 0;
	}
	if (strcmp(argv[1], "env") == 0) {
		/* env ARG...: -e ARG each, at most 3, then PATH by default */
		char *env[8] = {NULL};
		int n = 0, i;

		for (i = 2; i < argc; i++)
			add_env(env, &n, 3, argv[i]);
		default_env(env, &n, "PATH", "/bin");
		for (i = 0; i < n; i++)
			printf("%s\n", env[i]);
		return 0;
	}
	if (strcmp(argv[1], "volume") == 0) {
		char *host, *path;
		int ro;

		parse_volume(argv[2], &host, &path, &ro);
		printf("%s %s %d\n", host, path, ro);
		return 0;
	}
	if (strcmp(argv[1], "lease") == 0 && argc == 6)
		return lease_helper(argv);
	if (strcmp(argv[1], "name") == 0 || strcmp(argv[1], "new") == 0 ||
	    strcmp(argv[1], "find") == 0 || strcmp(argv[1], "status") == 0)
		return store_helper(argv[1], argv[2]);
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
	} else if (strcmp(argv[1], "lockwait") == 0) {
		if (lock_wait(argv[2]) == -1)
			return failed();
		v = 0;
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
	} else if (strcmp(argv[1], "cidr") == 0) {
		struct in_addr net;
		int prefix;

		if (parse_cidr(argv[2], &net, &prefix) == -1)
			return failed();
		printf("%s %d\n", inet_ntoa(net), prefix);
		return 0;
	} else if (strcmp(argv[1], "ports") == 0) {
		unsigned int host, port;
		char proto[4];

		if (parse_ports(argv[2], &host, &port, proto) == -1)
			return failed();
		printf("%u %u %s\n", host, port, proto);
		return 0;
	} else if (strcmp(argv[1], "getenv") == 0 && argc == 4) {
		printf("%s\n", getenv_or(argv[2], argv[3]));
		return 0;
	} else if (strcmp(argv[1], "create") == 0 && argc == 4) {
		if (create_file(argv[2], 0600, "%s", argv[3]) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "path") == 0) {
		char buf[PATH_MAX];

		if (pathf(buf, "%s/%s", argv[2], argv[2]) == -1)
			return failed();
		printf("%s\n", buf);
		return 0;
	} else if (strcmp(argv[1], "lock") == 0 && argc == 4) {
		/* lock FILE, then run the command in argv[3] and report */
		const char *sh[] = {"sh", "-c", argv[3], NULL};
		int fd = lock_file(argv[2]);

		if (fd == -1)
			return failed();
		v = runv(sh, 0);
	} else if (strcmp(argv[1], "runv") == 0) {
		v = runv((const char *const *)&argv[2], 0);
		if (v == -1)
			return failed();
	} else if (strcmp(argv[1], "link-up") == 0) {
		/* nl_*: `ip link set INDEX up` by index, as the steps do */
		struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC,
					.ifi_index = atoi(argv[2]),
					.ifi_flags = IFF_UP,
					.ifi_change = IFF_UP};
		struct nl_request req;
		int nl = nl_open();

		if (nl == -1)
			return failed();
		nl_init(&req, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
		nl_add_str(&req, IFLA_IFNAME, argc > 3 ? argv[3] : "");
		if (argc > 3 && nl_send(nl, &req) == -1)
			return failed();
		if (argc == 3) {
			/* a request too large for its buffer: E2BIG */
			char big[4096] = {0};

			nl_add(&req, IFLA_IFALIAS, big, sizeof(big));
			if (nl_send(nl, &req) == -1)
				return failed();
		}
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
	} else if (strcmp(argv[1], "hex") == 0) {
		char buf[PATH_MAX];

		if (random_hex(buf, atoll(argv[2])) == -1)
			return failed();
		printf("%s\n", buf);
		return 0;
	} else if (strcmp(argv[1], "replace") == 0 && argc == 4) {
		if (replace_file(argv[2], 0600, "%s", argv[3]) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "key") == 0 && (argc == 4 || argc == 5)) {
		/* key KEY FILE [SIZE]: SIZE bytes for the value, of a file
		 * whose keys are these */
		static const char *const keys[] = {"id",    "idx",   "opts",
						   "empty", "last",  "big",
						   "note",  "value", NULL};
		char value[8192];
		size_t size = argc == 5 ? (size_t)atoll(argv[4]) : PATH_MAX;

		if (size > sizeof(value))
			diex("size %zu: at most %zu", size, sizeof(value));
		if (read_key(argv[3], keys, argv[2], value, size) == -1)
			return failed();
		printf("%s\n", value);
		return 0;
	} else if (strcmp(argv[1], "escape") == 0) {
		char *escaped = escape_value(argv[2]);

		if (escaped == NULL)
			return failed();
		printf("%s\n", escaped);
		return 0;
	} else if (strcmp(argv[1], "hostname") == 0) {
		v = valid_hostname(argv[2]);
	} else if ((strcmp(argv[1], "inroot") == 0 ||
		    strcmp(argv[1], "mkdirs") == 0) &&
		   argc == 4) {
		/* inroot|mkdirs PATH ROOT: where it landed, below ROOT */
		char fd_path[32], where[PATH_MAX];
		int root = open(argv[3], O_PATH | O_DIRECTORY), fd;
		ssize_t n;

		if (root == -1)
			return failed();
		fd = argv[1][0] == 'i' ? open_in_root(root, argv[2], O_PATH, 0)
				       : make_dirs_in(root, argv[2], 0755);
		if (fd == -1)
			return failed();
		snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", fd);
		n = readlink(fd_path, where, sizeof(where) - 1);
		if (n == -1)
			return failed();
		where[n] = '\0';
		printf("%s\n", strncmp(where, argv[3], strlen(argv[3])) == 0
				       ? where + strlen(argv[3])
				       : where);
		return 0;
	} else if (strcmp(argv[1], "rmlast") == 0 && argc == 4) {
		if (remove_tree_last(argv[3], argv[2]) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "rmtree") == 0) {
		if (remove_tree(argv[2]) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "member") == 0) {
		v = safe_member(argv[2]);
	} else if (strcmp(argv[1], "tar") == 0) {
		/* the errno name, then the name check_tar gave */
		char bad[PATH_MAX] = "";

		if (check_tar(argv[2], bad, sizeof(bad)) == -1) {
			failed();
			printf("%s\n", bad);
			return 1;
		}
		v = 0;
	} else if (strcmp(argv[1], "repo") == 0) {
		char *path = repo_path(argv[2]);

		if (path == NULL)
			return failed();
		printf("%s\n", path);
		free(path);
		return 0;
	} else if (strcmp(argv[1], "newfile") == 0 && argc == 4) {
		if (new_file(argv[2], 0600, argv[3]) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "read") == 0 && argc == 4) {
		/* the length, then the text between brackets */
		char buf[256];
		ssize_t n;

		if ((size_t)atoll(argv[3]) > sizeof(buf))
			diex("size: at most %zu", sizeof(buf));
		n = read_file(argv[2], buf, atoll(argv[3]));
		if (n == -1)
			return failed();
		printf("%zd [%s]\n", n, buf);
		return 0;
	} else if (strcmp(argv[1], "etc") == 0 && argc == 6) {
		struct in_addr address;

		if (strcmp(argv[4], "-") != 0 &&
		    inet_pton(AF_INET, argv[4], &address) != 1)
			diex("address `%s`", argv[4]);
		if (write_etc_files(argv[2], argv[3],
				    strcmp(argv[4], "-") ? &address : NULL,
				    atoi(argv[5])) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "wipe") == 0) {
		/* the copy of our arguments; then what /proc/self/cmdline and
		 * /proc/self/environ still hold, NULs left out */
		char **copy = wipe_args(argv + 2, argv), buf[8192];
		const char *files[] = {"/proc/self/cmdline",
				       "/proc/self/environ"};
		ssize_t n, i;
		size_t f;
		int fd;

		if (copy == NULL)
			return failed();
		for (i = 0; copy[i] != NULL; i++)
			printf("%s%s", i ? " " : "", copy[i]);
		for (f = 0; f < ARRAY_SIZE(files); f++) {
			fd = open(files[f], O_RDONLY);
			n = fd == -1 ? -1 : read(fd, buf, sizeof(buf));
			if (n == -1)
				return failed();
			printf("\n%s:", files[f]);
			for (i = 0; i < n; i++)
				if (buf[i] != '\0')
					putchar(buf[i]);
			close(fd);
		}
		printf("\n");
		return 0;
	} else if (strcmp(argv[1], "delegated") == 0 && argc == 3) {
		char owned[PATH_MAX], controllers[64];

		if (delegated_cgroup(argv[2], owned, sizeof(owned), controllers,
				     sizeof(controllers)) == -1)
			return failed();
		printf("[%s] [%s]\n", owned, controllers);
		return 0;
	} else if ((strcmp(argv[1], "state") == 0 && argc >= 3 && argc % 2) ||
		   (strcmp(argv[1], "words") == 0 && argc >= 4)) {
		struct state_file s;
		int i;

		if (state_open(&s) == -1)
			return failed();
		if (strcmp(argv[1], "words") == 0)
			state_put_words(&s, "value", argv + 4, atoi(argv[3]));
		for (i = 3; strcmp(argv[1], "state") == 0 && i < argc; i += 2)
			state_put(&s, argv[i], "%s", argv[i + 1]);
		if (state_save(&s, argv[2]) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "json") == 0) {
		/* {"strings": [ARG...], "n": 42, "yes": true, "none": null,
		 * "empty": {}} */
		struct json j;
		int i;

		json_start(&j, stdout);
		json_object(&j, NULL);
		json_array(&j, "strings");
		for (i = 2; i < argc; i++)
			json_string(&j, NULL, argv[i]);
		json_end(&j);
		json_number(&j, "n", -42);
		json_bool(&j, "yes", 1);
		json_string(&j, "none", NULL);
		json_object(&j, "empty");
		json_end(&j);
		json_end(&j);
		return 0;
	} else if (strcmp(argv[1], "duration") == 0) {
		char buf[64];

		printf("%s\n",
		       human_duration(atoll(argv[2]), buf, sizeof(buf)));
		return 0;
	} else if (strcmp(argv[1], "strings") == 0) {
		/* the strings of a JSON array, a line each, between < > */
		char **w;
		int n = json_strings(argv[2], &w), i;

		if (n == -1)
			return failed();
		for (i = 0; i < n; i++)
			printf("<%s>", w[i]);
		printf("\n");
		return 0;
	} else if (strcmp(argv[1], "signal") == 0) {
		v = parse_signal(argv[2]);
	} else if (strcmp(argv[1], "word") == 0 && argc >= 3) {
		v = parse_word(argv[2], (const char *const *)argv + 3);
	} else if (strcmp(argv[1], "netns") == 0 && argc == 3) {
		char dir[PATH_MAX];

		if (netns_dir(dir, argv[2]) == -1)
			return failed();
		printf("%s\n", dir);
		return 0;
	} else if (strcmp(argv[1], "forwarding") == 0 && argc == 3) {
		if (save_forwarding(argv[2]) == -1)
			return failed();
		v = 0;
	} else if (strcmp(argv[1], "pty") == 0 && argc >= 3) {
		/* CMD on a pty of its own, relayed to our stdout */
		int sv[2], master;
		pid_t pid;

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) ==
			    -1 ||
		    (pid = fork()) == -1)
			return failed();
		if (pid == 0) {
			if (pty_make(sv[1]) == -1)
				die("pty_make");
			execvp(argv[2], argv + 2);
			die_exec(argv[2]);
		}
		close(sv[1]);
		master = pty_receive(sv[0]);
		if (master == -1 || pty_relay(master, -1, 1, -1) == -1)
			return failed();
		v = wait_child(pid);
		return v;
	} else if (strcmp(argv[1], "pty-closed") == 0) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
			return failed();
		close(sv[1]);
		if (pty_receive(sv[0]) == -1)
			return failed();
		v = 0;
	} else {
		diex("unknown helper or arguments: %s", argv[1]);
	}
	printf("%lld\n", v);
	return 0;
}
