/*
 * file.h - small files, written whole: a value to a /proc or cgroup file
 * in one write(2), a new file (or one only the first writer makes), a
 * file replaced atomically; small files read whole; paths built into
 * PATH_MAX buffers; directories that may exist already; and locks, files
 * held with flock(2), taken at once or waited for.
 */
#ifndef NUTSHELL_FILE_H
#define NUTSHELL_FILE_H

#include <sys/types.h>

/* Write a formatted string to an existing file (a /proc or cgroup file),
 * in a single write(2). 0 or -1 with errno set (EIO: a short write). */
__attribute__((format(printf, 2, 3))) int write_file(const char *path,
						     const char *fmt, ...);

/* Create (or truncate) a file with mode and write a formatted string to
 * it in a single write(2). 0 or -1 with errno set. */
__attribute__((format(printf, 3, 4))) int
create_file(const char *path, mode_t mode, const char *fmt, ...);

/* Create path with mode and write text to it, only if it does not exist
 * (O_EXCL): of many writers, the first one wins. 0, or -1 with errno set
 * (EEXIST: another was first). */
int new_file(const char *path, mode_t mode, const char *text);

/* Read a small file (a /proc or cgroup file) into buf, which holds size
 * bytes, and end it with a NUL. Returns its length, or -1 with errno set
 * (EFBIG: it does not fit). */
ssize_t read_file(const char *path, char *buf, size_t size);

/* Replace path with a file of mode holding a formatted text, atomically:
 * the text goes to a temporary file beside it, which rename(2) puts in
 * its place. A reader sees the old file or the new one, never half of
 * one, however long the text. 0 or -1. */
__attribute__((format(printf, 3, 4))) int
replace_file(const char *path, mode_t mode, const char *fmt, ...);

/* Format a path into buf, which holds PATH_MAX bytes. 0, or -1 with
 * errno ENAMETOOLONG if it does not fit. */
__attribute__((format(printf, 2, 3))) int pathf(char *buf, const char *fmt,
						...);

/* mkdir(2) that treats an existing directory as success. 0 or -1. */
int ensure_dir(const char *path, mode_t mode);

/* Open path, made if missing (mode 0600), and lock it with flock(2), without
 * waiting. Returns the descriptor (close-on-exec; closing it unlocks), or -1
 * with errno EWOULDBLOCK if another holds the lock, or ESTALE if the file was
 * removed or replaced as we locked it: a lock no one else will look at. */
int lock_file(const char *path);

/* The same, but wait for the lock as long as another holds it: for a lock
 * that guards a short step (making a bridge, naming a container), never
 * removed. The descriptor, or -1 with errno set. */
int lock_wait(const char *path);

#endif
