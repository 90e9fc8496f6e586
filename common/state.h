/*
 * state.h - a container's record on disk: its random id, and its state
 * file of "key=value" lines, each key one of a set the caller names
 * (keys, NULL-ended) and given once. A value is any text, made safe by
 * escape_value() before it is written: a backslash and every control byte
 * (below 0x20, and 0x7f) become \\, \n, \r, \t or \xHH, so no value can
 * end its line or start a key of its own.
 */
#ifndef NUTSHELL_STATE_H
#define NUTSHELL_STATE_H

#include <stddef.h>

/* Fill buf with n random hexadecimal digits from getrandom(2) and a NUL
 * (buf holds n + 1 bytes; n at most 120): container ids. 0 or -1. */
int random_hex(char *buf, size_t n);

/* The escaped copy of s, malloc'd; NULL if out of memory. */
char *escape_value(const char *s);

/* The value of key, unescaped, into value (size bytes). The whole file is
 * read, and accepted only if every line is "key=value" with a key of
 * keys, none twice, a well escaped value and a newline at the end: else
 * -1 with errno EBADMSG. Also -1 with ENODATA (no such key), ERANGE (too
 * long for value), or the errno of fopen(3). */
int read_key(const char *path, const char *const keys[], const char *key,
	     char *value, size_t size);

#endif
