/*
 * image.h - where images are and what may go into one: an image name
 * ("busybox") or a path as a ROOTFS argument, the repository a program
 * was built in, and the names in a tarball to import, which must stay
 * inside the directory they are unpacked in.
 */
#ifndef NUTSHELL_IMAGE_H
#define NUTSHELL_IMAGE_H

#include <stddef.h>

/* ROOTFS argument -> directory. A name without a slash is an image under
 * the repository's images/ directory ("busybox" -> <repo>/images/busybox),
 * found from /proc/self/exe so it works from any working directory; any
 * argument with a slash is a path and is used as it is. Returns a malloc'd
 * path to an existing directory, or NULL with errno set (ENOENT, ENOTDIR). */
char *resolve_rootfs(const char *arg);

/* Call after resolve_rootfs(arg) failed: one line on stderr that says what
 * was tried (for an image name, the path under images/, and the ./NAME to
 * type when NAME is a directory here), then exit(EXIT_RUNTIME). */
__attribute__((noreturn)) void die_rootfs(const char *arg);

/* <repo>/name, where <repo> is the parent of the directory that holds
 * this program (bin/NN-name -> bin/.. -> the repository). malloc'd, or
 * NULL with errno set. */
char *repo_path(const char *name);

/* 1 if a tar member's name stays inside the directory it is unpacked in:
 * not absolute, not empty, no ".." component. 0 if not. */
int safe_member(const char *name);

/* List the members of tarball with tar -tf: 0 if every one is safe; -1
 * with errno EINVAL and the first unsafe name in bad (size bytes), or EIO
 * and tar's failure in bad if tar could not read it. */
int check_tar(const char *tarball, char *bad, size_t size);

#endif
