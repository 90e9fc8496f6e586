/* tree.c - the plumbing declared in tree.h; see there. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>

#include "err.h"
#include "file.h"
#include "tree.h"

int open_in_root(int root, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.mode = flags & O_CREAT ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, root, path, &how, sizeof(how));
}

int make_dirs_in(int root, const char *path, mode_t mode)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	char *copy = strdup(path), *name, *rest;
	int dir, next, err;

	if (copy == NULL)
		return -1;
	dir = syscall(SYS_openat2, root, ".", &how, sizeof(how));
	for (name = strtok_r(copy, "/", &rest); dir != -1 && name != NULL;
	     name = strtok_r(NULL, "/", &rest)) {
		if (strcmp(name, "..") == 0) {
			close(dir);
			errno = EINVAL;
			dir = -1;
			break;
		}
		/* a symlink fails with ELOOP (RESOLVE_NO_SYMLINKS) */
		next = syscall(SYS_openat2, dir, name, &how, sizeof(how));
		if (next == -1 && errno == ENOENT &&
		    (mkdirat(dir, name, mode) == 0 || errno == EEXIST))
			next = syscall(SYS_openat2, dir, name, &how,
				       sizeof(how));
		err = errno;
		close(dir);
		errno = err;
		dir = next;
	}
	free(copy);
	return dir;
}

/*
 * remove_tree() goes down one directory at a time and keeps, for each
 * directory on the way, its names (read whole when it enters), where it
 * is in them, and its device and inode: in memory, not as a descriptor.
 */
struct level {
	char **names;
	size_t n, next;
	dev_t dev;
	ino_t ino;
};

/* The names in the directory fd, but "." and "..", into l. 0 or -1. */
static int read_names(int fd, struct level *l)
{
	struct dirent *e;
	struct stat st;
	char **names;
	DIR *dir;
	int copy;

	l->names = NULL;
	l->n = l->next = 0;
	if (fstat(fd, &st) == -1)
		return -1;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (copy == -1)
		return -1;
	dir = fdopendir(copy);
	if (dir == NULL) {
		close(copy);
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		names = reallocarray(l->names, l->n + 1, sizeof(char *));
		if (names == NULL ||
		    (names[l->n] = strdup(e->d_name)) == NULL) {
			if (names != NULL)
				l->names = names;
			closedir(dir);
			return -1;
		}
		l->names = names;
		l->n++;
	}
	closedir(dir);
	return 0;
}

static void free_names(struct level *l)
{
	while (l->n > 0)
		free(l->names[--l->n]);
	free(l->names);
}

/* Is name in the directory fd a mount point (STATX_ATTR_MOUNT_ROOT,
 * statx(2), Linux 5.8: comparing st_dev misses a bind mount)? Its type
 * into *mode. -1 if it cannot be looked at. */
static int mount_root(int fd, const char *name, mode_t *mode)
{
	struct statx stx;

	if (statx(fd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) == -1)
		return -1;
	*mode = stx.stx_mode;
	return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

/* From the directory fd, whose entries are all tried, up to its parent,
 * which must be up's; it then removes fd's directory, name. The parent's
 * descriptor, or -1 (errno ESTALE: the tree changed under us). */
static int climb(int fd, const struct level *up, const char *name, int *err)
{
	struct stat st;
	int parent;

	parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(fd);
	if (parent == -1)
		return -1;
	if (fstat(parent, &st) == -1 || st.st_dev != up->dev ||
	    st.st_ino != up->ino) {
		close(parent);
		errno = ESTALE;
		return -1;
	}
	if (unlinkat(parent, name, AT_REMOVEDIR) == -1 && *err == 0)
		*err = errno;
	return parent;
}

/* Push a level for the directory fd, with its names. 0 or -1. */
static int enter(int fd, struct level **levels, size_t *depth)
{
	struct level *more;

	more = reallocarray(*levels, *depth + 1, sizeof(**levels));
	if (more == NULL)
		return -1;
	*levels = more;
	if (read_names(fd, &more[*depth]) == -1) {
		int err = errno;

		free_names(&more[*depth]);
		errno = err;
		return -1;
	}
	(*depth)++;
	return 0;
}

/*
 * One name in the directory fd: a file goes; a directory is entered, its
 * level pushed; a mount point is EBUSY. The first failure into *err. The
 * directory to go on in: fd, or the one entered (fd then closed).
 */
static int visit(int fd, const char *name, struct level **levels, size_t *depth,
		 int *err)
{
	int child, ret, saved;
	mode_t mode;

	ret = mount_root(fd, name, &mode);
	if (ret == 0 && !S_ISDIR(mode) && unlinkat(fd, name, 0) == 0)
		return fd;
	if (ret == 0 && S_ISDIR(mode)) {
		child = openat(fd, name,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child != -1 && enter(child, levels, depth) == 0) {
			close(fd);
			return child;
		}
		if (child != -1) {
			saved = errno;
			close(child);
			errno = saved;
		}
	}
	if (*err == 0)
		*err = ret == 1 ? EBUSY : errno;
	return fd;
}

int remove_tree(const char *path)
{
	struct level *levels = NULL, *l;
	size_t depth = 0;
	int fd, err = 0, ret;
	mode_t mode;

	ret = mount_root(AT_FDCWD, path, &mode);
	if (ret == 1)
		errno = EBUSY;
	if (ret != 0)
		return -1;
	if (!S_ISDIR(mode))
		return unlink(path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || enter(fd, &levels, &depth) == -1) {
		err = errno;
		if (fd != -1)
			close(fd);
		errno = err;
		return -1;
	}
	while (fd != -1) {
		l = &levels[depth - 1];
		if (l->next == l->n) { /* each name tried: up, and rmdir */
			if (depth == 1)
				break;
			free_names(l);
			depth--;
			l = &levels[depth - 1];
			fd = climb(fd, l, l->names[l->next - 1], &err);
			continue;
		}
		fd = visit(fd, l->names[l->next++], &levels, &depth, &err);
	}
	if (fd == -1 && err == 0)
		err = errno;
	if (fd != -1) {
		close(fd);
		if (rmdir(path) == -1 && err == 0)
			err = errno;
	}
	while (depth > 0)
		free_names(&levels[--depth]);
	free(levels);
	errno = err;
	return err == 0 ? 0 : -1;
}

int remove_tree_last(const char *path, const char *last)
{
	char entry[PATH_MAX];
	struct dirent *e;
	int err = 0;
	DIR *dir;

	dir = opendir(path);
	if (dir == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, last) == 0)
			continue;
		if ((pathf(entry, "%s/%s", path, e->d_name) == -1 ||
		     remove_tree(entry) == -1) &&
		    err == 0)
			err = errno;
	}
	closedir(dir);
	if (err == 0 && pathf(entry, "%s/%s", path, last) == 0 &&
	    unlink(entry) == -1 && errno != ENOENT)
		err = errno;
	if (err == 0 && rmdir(path) == -1)
		err = errno;
	errno = err;
	return err == 0 ? 0 : -1;
}

/*
 * Where the runtime mounts in the container's root before the pivot, "/"
 * is still the host's, and the image's own symlinks would resolve against
 * it: `/etc` linked to a host directory would have us make files there,
 * as root (the class of runc's CVE-2021-30465). So a mount point is opened
 * inside the root and mounted on by its descriptor, /proc/self/fd/N, the
 * very file opened, whatever its path names by then. A directory, made if
 * missing, is reached through no symlink at all (make_dirs_in()); a file,
 * such as /etc/resolv.conf, may be a symlink, resolved as if ROOT were
 * "/" (open_in_root(), RESOLVE_IN_ROOT). Opened with O_PATH, a FIFO there
 * is never waited on; anything but the expected type is refused.
 */
int mount_point(const char *root, const char *path, int dir, char *fd_path)
{
	struct stat st;
	int top, fd;

	top = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (top == -1)
		die("open `%s`", root);
	fd = dir ? make_dirs_in(top, path, 0755)
		 : open_in_root(top, path, O_PATH, 0);
	if (fd == -1 && !dir && errno == ENOENT)
		fd = open_in_root(top, path, O_WRONLY | O_CREAT | O_NONBLOCK,
				  0644);
	if (fd == -1 && dir && errno == ELOOP)
		diex("image: `/%s` is a symlink, or below one: the runtime "
		     "does not follow it to mount on",
		     path);
	if (fd == -1 || fstat(fd, &st) == -1)
		die("image: open `/%s` to mount on", path);
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		diex("image: `/%s` is not a %s, which the runtime mounts there",
		     path, dir ? "directory" : "regular file");
	close(top);
	snprintf(fd_path, 32, "/proc/self/fd/%d", fd);
	return fd;
}
