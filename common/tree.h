/*
 * tree.h - directory trees that are not the runtime's own: an image, a
 * container's upper layer, a volume. Paths in them are resolved inside
 * them while the host's "/" is still ours, so a symlink in the tree never
 * leads out of it, and a mount point is the very file opened there; and
 * a tree is removed at any depth, with a bounded number of descriptors,
 * never following a symlink or entering a mount.
 */
#ifndef NUTSHELL_TREE_H
#define NUTSHELL_TREE_H

#include <sys/types.h>

/* open_in_root() is openat(2) of path in the directory root as if root
 * were "/" (openat2(2) RESOLVE_IN_ROOT, Linux 5.6): absolute symlinks and
 * ".." stay inside, and no /proc magic link is followed. make_dirs_in() is
 * mkdir -p of path below root that follows no symlink at all (ELOOP if one
 * is on the way, ENOTDIR for another file), each missing directory made
 * with mode. Both return a descriptor (an O_PATH one from make_dirs_in()),
 * or -1 with errno set. */
int open_in_root(int root, const char *path, int flags, mode_t mode);
int make_dirs_in(int root, const char *path, mode_t mode);

/* rm -rf path, at any depth with at most three descriptors open (back up
 * by "..", checked to be the directory it came from: ESTALE if not), not
 * following symlinks and not entering anything mounted below it, bind
 * mounts included (then it fails, EBUSY, and removes the rest). 0 or -1,
 * with the errno of the first failure. */
int remove_tree(const char *path);

/* A mount point, path below root (no leading "/"): with dir a directory,
 * made if missing and reached through no symlink; else a regular file,
 * made empty if missing, symlinks resolved inside root. Opened O_PATH,
 * its descriptor returned, and "/proc/self/fd/N" in fd_path (32 bytes)
 * to mount on. Dies with one line, naming the image's path, on a symlink
 * on the way to a directory or on a file of another type. */
int mount_point(const char *root, const char *path, int dir, char *fd_path);

/* remove_tree() of the directory path, its entry last (a file) after every
 * other: a container's state file, so that an rm cut short leaves a
 * container that can be named and removed again. 0 or -1. */
int remove_tree_last(const char *path, const char *last);

#endif
