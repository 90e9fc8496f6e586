/* import.c - the plumbing declared in import.h; see there. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "err.h"
#include "file.h"
#include "image.h"
#include "import.h"
#include "parse.h"
#include "proc.h"
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
	printf("%-20s  %s\n", "IMAGE", "SIZE");
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		image_bytes = 0;
		if (pathf(path, "%s/%s", dir, e->d_name) == -1 ||
		    nftw(path, add_size, 16, FTW_PHYS | FTW_MOUNT) == -1)
			die("size of `%s`", path);
		printf("%-20s  %.1f MB\n", e->d_name, image_bytes / 1e6);
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
int import(int argc, char **argv)
{
	char *images = repo_path("images"), *tarball, dest[PATH_MAX],
	     gate[PATH_MAX], tmp[PATH_MAX], bad[PATH_MAX];
	const char *tar[] = {"tar", "-xf", NULL, "-C", tmp, "--numeric-owner",
			     NULL};

	if (argc != 3)
		diex("usage: %s import TARBALL NAME",
		     program_invocation_short_name);
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
	    pathf(tmp, "%s/rootfs", gate) == -1)
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
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_NOREPLACE) == -1) {
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
	char *path;
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
	if (remove_tree(path) == -1)
		die("remove `%s`", path);
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
