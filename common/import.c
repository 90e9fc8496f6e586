/* import.c - the plumbing declared in import.h; see there. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include "err.h"
#include "file.h"
#include "image.h"
#include "import.h"
#include "json.h"
#include "parse.h"
#include "proc.h"
#include "state.h"
#include "store.h"
#include "tree.h"

/* images: each image and the disk space its files take. */
static long long image_bytes;

static int add_size(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)path;
	(void)type;
	(void)ftw;
	image_bytes += (long long)st->st_blocks * 512;
	return 0;
}

/* The keys of images/.config/NAME, each once. */
static const char *const config_keys[] = {"entrypoint", "cmd",	"env",
					  "workdir",	"user", NULL};

/* What an image runs by default, as images shows it: its ENTRYPOINT and
 * CMD as import was given them, into buf; "" if none. */
static const char *image_command(const char *dir, const char *name, char *buf,
				 size_t size)
{
	char path[PATH_MAX], entry[PATH_MAX] = "", cmd[PATH_MAX] = "", *s;

	if (pathf(path, "%s/.config/%s", dir, name) == 0) {
		read_key(path, config_keys, "entrypoint", entry, sizeof(entry));
		read_key(path, config_keys, "cmd", cmd, sizeof(cmd));
	}
	snprintf(buf, size, "%s%s%s", entry, entry[0] && cmd[0] ? " " : "",
		 cmd);
	s = escape_value(buf); /* one line */
	if (s == NULL)
		die("escape");
	snprintf(buf, size, "%s", s);
	free(s);
	return buf;
}

int images(int argc, char **argv)
{
	char *dir = repo_path("images"), path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (argc != 1)
		diex("usage: %s images", program_invocation_short_name);
	(void)argv;
	if (dir == NULL || (d = opendir(dir)) == NULL)
		die("opendir `%s`", dir ? dir : "images");
	printf("%-20s  %9s  %s\n", "IMAGE", "SIZE", "COMMAND");
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		image_bytes = 0;
		if (pathf(path, "%s/%s", dir, e->d_name) == -1 ||
		    nftw(path, add_size, 16, FTW_PHYS | FTW_MOUNT) == -1)
			die("size of `%s`", path);
		image_command(dir, e->d_name, path, sizeof(path));
		printf("%-20s  %6.1f MB%s%s\n", e->d_name, image_bytes / 1e6,
		       path[0] ? "  " : "", path);
	}
	closedir(d);
	return 0;
}

/*
 * import TARBALL NAME: a root filesystem tarball, such as `docker export`
 * writes, becomes images/NAME. First every member's name is checked: one
 * that is absolute or climbs out with ".." is refused, so that nothing
 * lands outside the new image (GNU tar strips such names too; we say so
 * rather than unpack something else). tar(1) runs as root and keeps what
 * the tarball says, as docker does: owners, modes, set-uid programs,
 * device nodes. In a container they are harmless (no_new_privs, nodev).
 * On the host they must be no one's to use: a set-uid root shell or a
 * disk's device node that every local user could reach under images/
 * would be a way to root. So tar unpacks into rootfs/ of a hidden
 * directory only root may enter, and the image's own top directory,
 * renamed into place when complete, is root's alone (0700), as docker
 * keeps its layers under /var/lib/docker. A container never sees that
 * mode: its "/" is its upper layer's.
 */
/* 1 if s is UID or UID:GID, numbers below 2^32. */
static int valid_user(const char *s)
{
	unsigned long id;
	char *end;

	id = strtoul(s, &end, 10);
	if (end == s || id > 0xffffffffUL || !(*end == '\0' || *end == ':'))
		return 0;
	if (*end == '\0')
		return 1;
	s = end + 1;
	id = strtoul(s, &end, 10);
	return end != s && *end == '\0' && id <= 0xffffffffUL;
}

/* One --change into the config being written; its ENV lines are kept in
 * env (PATH_MAX bytes) until the end. One line, 125, if it is not an
 * instruction this runtime takes. */
static void add_change(struct state_file *s, const char *change, char *env)
{
	size_t word = strcspn(change, " "), n = strlen(env), key;
	const char *arg = change + word + strspn(change + word, " ");
	char **words;

	key = strcspn(arg, "= ");
	if (*arg == '\0' || strchr(arg, '\n') != NULL)
		diex("--change `%s`: an instruction and its value, one line",
		     change);
	if (word == 3 && !strncasecmp(change, "CMD", 3) &&
	    (*arg != '[' || json_strings(arg, &words) != -1))
		state_put(s, "cmd", "%s", arg);
	else if (word == 10 && !strncasecmp(change, "ENTRYPOINT", 10) &&
		 (*arg != '[' || json_strings(arg, &words) != -1))
		state_put(s, "entrypoint", "%s", arg);
	else if (word == 3 && !strncasecmp(change, "ENV", 3) && key > 0 &&
		 arg[key] != '\0' && n + strlen(arg) + 2 < PATH_MAX)
		snprintf(env + n, PATH_MAX - n, "%s%.*s=%s", n ? "\n" : "",
			 (int)key, arg, arg + key + 1);
	else if (word == 7 && !strncasecmp(change, "WORKDIR", 7) && *arg == '/')
		state_put(s, "workdir", "%s", arg);
	else if (word == 4 && !strncasecmp(change, "USER", 4) &&
		 valid_user(arg))
		state_put(s, "user", "%s", arg);
	else
		diex("--change `%s`: expected CMD, ENTRYPOINT, ENV K=V, "
		     "WORKDIR /DIR or USER UID[:GID]",
		     change);
}

/* import's --change options into s, the image's config, to be saved
 * if *changes, their number, is not 0; the index of TARBALL. */
static int import_options(int argc, char **argv, struct state_file *s,
			  int *changes)
{
	static const struct option options[] = {
		{"change", required_argument, NULL, 'c'},
		{NULL, 0, NULL, 0},
	};
	char env[PATH_MAX] = "";
	int opt;

	if (state_open(s) == -1)
		die("config of the image");
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:c:", options, NULL)) != -1)
		if (opt == 'c') {
			add_change(s, optarg, env);
			(*changes)++;
		} else
			die_option(opt, argv);
	if (argc - optind != 2)
		diex("usage: %s import [--change INSTRUCTION]... TARBALL NAME",
		     program_invocation_short_name);
	if (env[0] != '\0')
		state_put(s, "env", "%s", env);
	return optind;
}

int import(int argc, char **argv)
{
	char *images = repo_path("images"), *tarball, dest[PATH_MAX],
	     gate[PATH_MAX], tmp[PATH_MAX], bad[PATH_MAX], config[PATH_MAX];
	const char *tar[] = {"tar", "-xf", NULL, "-C", tmp, "--numeric-owner",
			     NULL};
	struct state_file s;
	int changes = 0;

	argv += import_options(argc, argv, &s, &changes) - 1; /* TARBALL: [1] */
	if (!valid_name(argv[2]))
		diex("image name `%s`: 1 to %d letters, digits, _ . -, "
		     "starting with a letter or digit",
		     argv[2], NAME_LEN);
	tarball = realpath(argv[1], NULL);
	if (tarball == NULL)
		die("tarball `%s`", argv[1]);
	tar[2] = tarball;
	if (images == NULL || pathf(dest, "%s/%s", images, argv[2]) == -1 ||
	    pathf(gate, "%s/.%s.%d", images, argv[2], (int)getpid()) == -1 ||
	    pathf(tmp, "%s/rootfs", gate) == -1 ||
	    pathf(config, "%s/.config", images) == -1 ||
	    (mkdir(config, 0700) == -1 && errno != EEXIST) ||
	    pathf(config, "%s/.config/%s", images, argv[2]) == -1)
		die("path of image `%s`", argv[2]);
	if (access(dest, F_OK) == 0)
		diex("image `%s` exists: %s", argv[2], dest);
	if (check_tar(tarball, bad, sizeof(bad)) == -1)
		diex("`%s`: %s%s", argv[1],
		     errno == EINVAL ? "a member would land outside the image: "
				     : "",
		     errno == EINVAL || errno == EIO ? bad : strerror(errno));
	if (mkdir(gate, 0700) == -1)
		die("mkdir `%s`", gate);
	/* the config beside the image, as the image: root's alone */
	if (pathf(bad, "%s/config", gate) == -1 ||
	    (changes > 0 && state_save(&s, bad) == -1)) {
		remove_tree(gate);
		die("write the config of image `%s`", argv[2]);
	}
	if (mkdir(tmp, 0700) == -1) {
		remove_tree(gate);
		die("mkdir `%s`", tmp);
	}
	if (runv(tar, 0) != 0) {
		remove_tree(gate);
		diex("tar could not unpack `%s`", argv[1]);
	}
	/* the tarball's "./" may have given the top another owner, mode */
	if (chown(tmp, 0, 0) == -1 || chmod(tmp, 0700) == -1 ||
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_NOREPLACE) == -1 ||
	    (changes > 0 && rename(bad, config) == -1)) {
		remove_tree(gate);
		die("rename `%s` to `%s`", tmp, dest);
	}
	if (rmdir(gate) == -1)
		warn("rmdir `%s`", gate);
	printf("%s\n", argv[2]);
	return 0;
}

/* rmi of one image, NAME, under -f or not. */
static void remove_image(const char *name, int force)
{
	char *path, config[PATH_MAX];
	int users, running;

	if (!valid_name(name))
		diex("`%s`: rmi takes an image's name, as images lists it",
		     name);
	path = resolve_rootfs(name);
	if (path == NULL)
		die_rootfs(name);
	users = image_users(path, &running);
	if (running > 0)
		diex("image `%s`: %d running container(s) use it: stop them "
		     "first",
		     name, running);
	if (users > 0 && !force)
		diex("image `%s`: %d container(s) use it: rm them first, or "
		     "rmi -f",
		     name, users);
	/* and its config, if import wrote one, images/.config/NAME */
	if (pathf(config, "%.*s/.config/%s", (int)(strrchr(path, '/') - path),
		  path, name) == -1)
		die("path of the config of `%s`", name);
	if (remove_tree(path) == -1)
		die("remove `%s`", path);
	if (unlink(config) == -1 && errno != ENOENT)
		die("remove `%s`", config);
	free(path);
}

int rmi(int argc, char **argv)
{
	int opt, force = 0, i;

	opterr = 0;
	while ((opt = getopt(argc, argv, "+:f")) != -1)
		if (opt == 'f')
			force = 1;
		else
			die_option(opt, argv);
	if (optind == argc)
		diex("usage: %s rmi [-f] IMAGE...",
		     program_invocation_short_name);
	for (i = optind; i < argc; i++) {
		remove_image(argv[i], force);
		printf("%s\n", argv[i]);
	}
	return 0;
}

/* A command in the config: key's value read as CMD or ENTRYPOINT is
 * written, the exec form (JSON) or the shell form; NULL if none. */
static char **config_command(const char *path, const char *key)
{
	char value[PATH_MAX], **words;

	if (read_key(path, config_keys, key, value, sizeof(value)) == -1)
		return NULL;
	if (value[0] == '[') {
		if (json_strings(value, &words) == -1)
			diex("`%s`: %s is not a JSON array of strings", path,
			     key);
		return words;
	}
	words = calloc(4, sizeof(char *));
	if (words == NULL || (words[0] = strdup("/bin/sh")) == NULL ||
	    (words[1] = strdup("-c")) == NULL ||
	    (words[2] = strdup(value)) == NULL)
		die("config of `%s`", path);
	return words;
}

/* key's value in the config at path, malloc'd, or NULL if none. */
static char *config_value(const char *path, const char *key)
{
	char value[PATH_MAX];

	if (read_key(path, config_keys, key, value, sizeof(value)) == -1)
		return NULL;
	return strdup(value);
}

/* Words a then b, both NULL-ended (either NULL: none), in a new array. */
static char **join_words(char **a, char **b)
{
	size_t na = 0, nb = 0;
	char **all;

	while (a != NULL && a[na] != NULL)
		na++;
	while (b != NULL && b[nb] != NULL)
		nb++;
	all = calloc(na + nb + 1, sizeof(char *));
	if (all == NULL)
		die("the command");
	memcpy(all, a, na * sizeof(char *));
	memcpy(all + na, b, nb * sizeof(char *));
	return all;
}

void image_start(const char *image, char **args, const char *entrypoint,
		 struct start *s)
{
	static char *shell[] = {"/bin/sh", NULL};
	char *images = repo_path("images"), path[PATH_MAX] = "", **entry;
	char **cmd = NULL;

	memset(s, 0, sizeof(*s));
	/* a name, not a path: the config import wrote, if any */
	if (strchr(image, '/') == NULL && images != NULL &&
	    pathf(path, "%s/.config/%s", images, image) == 0 &&
	    access(path, F_OK) == 0) {
		cmd = config_command(path, "cmd");
		s->env = config_value(path, "env");
		s->workdir = config_value(path, "workdir");
		s->user = config_value(path, "user");
	}
	if (entrypoint != NULL) /* docker's --entrypoint drops the CMD */
		entry = join_words((char *[]){(char *)entrypoint, NULL}, NULL),
		cmd = NULL;
	else
		entry = path[0] ? config_command(path, "entrypoint") : NULL;
	if (args[0] != NULL)
		cmd = args;
	s->argv = join_words(entry, cmd);
	if (s->argv[0] == NULL)
		s->argv = shell;
	free(images);
}
