/*
 * json.h - a small JSON writer (RFC 8259), for inspect: objects and
 * arrays nested to JSON_DEPTH, members and elements with commas and a
 * two-space indentation, strings escaped (", \ and every control byte;
 * a byte that is not valid UTF-8 becomes U+FFFD, as Go's encoder, and so
 * docker's, writes it), whole numbers, booleans and null. It writes to a
 * stdio stream; the stream's error flag tells a failed write. And one
 * reader, strict, for the one JSON a user gives: an array of strings.
 */
#ifndef NUTSHELL_JSON_H
#define NUTSHELL_JSON_H

#include <stdio.h>

#define JSON_DEPTH 8

struct json {
	FILE *f;
	int depth; /* open objects and arrays */
	int count[JSON_DEPTH + 1]; /* members written at each depth */
	char close[JSON_DEPTH + 1]; /* '}' or ']' at each depth */
};

/* Start writing to f. */
void json_start(struct json *j, FILE *f);

/* Open an object or an array: a member named key of the object being
 * written, or (key NULL) an element of an array, or the top value. */
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);

/* Close the innermost object or array; at the top, end the line. */
void json_end(struct json *j);

/* Read text, a JSON array of strings and nothing else (docker's exec
 * form, ["sh", "-c", "echo hi"]), into a NULL-ended array, malloc'd, as
 * its strings are. The number of strings, or -1 with errno EINVAL for
 * anything else (or a string with a NUL in it), ENOMEM. */
int json_strings(const char *text, char ***words);

/* A string (NULL: null), a whole number, a boolean, as for json_object. */
void json_string(struct json *j, const char *key, const char *value);
void json_number(struct json *j, const char *key, long long value);
void json_bool(struct json *j, const char *key, int value);

#endif
