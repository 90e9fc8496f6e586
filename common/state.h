/*
 * state.h - a container's record on disk: its random id, and its state
 * file of "key=value" lines, each key one of a set the caller names
 * (keys, NULL-ended) and given once. A value is any text, made safe by
 * escape_value() before it is written (state_put() escapes every value):
 * a backslash and every control byte (below 0x20, and 0x7f) become \\,
 * \n, \r, \t or \xHH, so no value can end its line or start a key of
 * its own.
 */
#ifndef NUTSHELL_STATE_H
#define NUTSHELL_STATE_H

#include <stddef.h>
#include <stdio.h>

/* Fill buf with n random hexadecimal digits from getrandom(2) and a NUL
 * (buf holds n + 1 bytes; n at most 120): container ids. 0 or -1. */
int random_hex(char *buf, size_t n);

/* The escaped copy of s, malloc'd; NULL if out of memory. */
char *escape_value(const char *s);

/* A state file being written a key at a time: state_open(), a
 * state_put() for each key, whose value is formatted, then escaped; then
 * state_save() replaces the file at path with it, whole (file.h's
 * replace_file(), mode 0600). Each returns 0, or -1 with errno set; a
 * failed state_put() makes state_save() fail. */
struct state_file {
	FILE *f; /* an open_memstream(3) of text */
	char *text;
	size_t size;
	int err; /* the first put's failure, or 0 */
};
int state_open(struct state_file *s);
__attribute__((format(printf, 3, 4))) void
state_put(struct state_file *s, const char *key, const char *fmt, ...);
int state_save(struct state_file *s, const char *path);

/* state_put() of words (NULL-ended: a command and its arguments) joined
 * by spaces, their first most bytes. */
void state_put_words(struct state_file *s, const char *key, char *const words[],
		     size_t most);

/* The value of key, unescaped, into value (size bytes). The whole file is
 * read, and accepted only if every line is "key=value" with a key of
 * keys, none twice, a well escaped value and a newline at the end: else
 * -1 with errno EBADMSG. Also -1 with ENODATA (no such key), ERANGE (too
 * long for value), or the errno of fopen(3). */
int read_key(const char *path, const char *const keys[], const char *key,
	     char *value, size_t size);

#endif
