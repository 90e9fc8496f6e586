/* state.c - the plumbing declared in state.h; see there. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "err.h"
#include "file.h"
#include "state.h"

int random_hex(char *buf, size_t n)
{
	unsigned char bytes[64];
	size_t i;

	if (n > 120) {
		errno = EINVAL;
		return -1;
	}
	if (getrandom(bytes, n / 2 + 1, 0) != (ssize_t)(n / 2 + 1))
		return -1;
	for (i = 0; i < n; i++)
		buf[i] = "0123456789abcdef"[(bytes[i / 2] >> (i % 2 * 4)) & 15];
	buf[n] = '\0';
	return 0;
}

char *escape_value(const char *s)
{
	return escape_text(s, 1);
}

/* Undo escape_value() in place. 0, or -1 for a value it cannot have
 * written: a raw control byte, an unknown escape, \x00. */
static int unescape(char *s)
{
	char *out = s;
	unsigned int c;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return -1;
		if (*s != '\\') {
			*out++ = *s;
			continue;
		}
		switch (*++s) {
		case '\\':
			*out++ = '\\';
			break;
		case 'n':
			*out++ = '\n';
			break;
		case 'r':
			*out++ = '\r';
			break;
		case 't':
			*out++ = '\t';
			break;
		case 'x':
			if (!isxdigit((unsigned char)s[1]) ||
			    !isxdigit((unsigned char)s[2]) ||
			    sscanf(s + 1, "%2x", &c) != 1 || c == 0)
				return -1;
			*out++ = c;
			s += 2;
			break;
		default:
			return -1;
		}
	}
	*out = '\0';
	return 0;
}

/* The index of the key that line starts with, followed by "=", or -1. */
static int find_key(const char *const keys[], const char *line)
{
	size_t len = strcspn(line, "=");
	int i;

	for (i = 0; line[len] == '=' && keys[i] != NULL; i++)
		if (strlen(keys[i]) == len && strncmp(line, keys[i], len) == 0)
			return i;
	return -1;
}

int read_key(const char *path, const char *const keys[], const char *key,
	     char *value, size_t size)
{
	unsigned long long seen = 0;
	size_t cap = 0;
	char *line = NULL;
	ssize_t n;
	int err = ENODATA, i;
	FILE *f;

	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	/* getline(3), not a buffer: a long line is one line, not several */
	while ((n = getline(&line, &cap, f)) != -1) {
		i = find_key(keys, line);
		if (i == -1 || i >= 64 || (seen >> i & 1) ||
		    line[n - 1] != '\n') {
			err = EBADMSG;
			break;
		}
		seen |= 1ULL << i;
		line[n - 1] = '\0';
		if (unescape(line + strlen(keys[i]) + 1) == -1) {
			err = EBADMSG;
			break;
		}
		if (strcmp(keys[i], key) != 0)
			continue;
		if (strlen(line + strlen(key) + 1) < size) {
			strcpy(value, line + strlen(key) + 1);
			err = 0;
		} else {
			err = ERANGE;
		}
	}
	if (ferror(f))
		err = EIO;
	free(line);
	fclose(f);
	errno = err;
	return err == 0 ? 0 : -1;
}

int state_open(struct state_file *s)
{
	s->text = NULL;
	s->err = 0;
	s->f = open_memstream(&s->text, &s->size);
	return s->f == NULL ? -1 : 0;
}

void state_put(struct state_file *s, const char *key, const char *fmt, ...)
{
	char *value, *escaped = NULL;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (len != -1) {
		escaped = escape_value(value);
		free(value);
	}
	if (escaped == NULL && s->err == 0)
		s->err = ENOMEM;
	else if (escaped != NULL &&
		 fprintf(s->f, "%s=%s\n", key, escaped) < 0 && s->err == 0)
		s->err = errno;
	free(escaped);
}

void state_put_words(struct state_file *s, const char *key, char *const words[],
		     size_t most)
{
	size_t i, n = 0;
	char *text;

	text = calloc(1, most + 1);
	if (text == NULL) {
		s->err = s->err ? s->err : ENOMEM;
		return;
	}
	for (i = 0; words[i] != NULL && n < most; i++)
		n += snprintf(text + n, most + 1 - n, "%s%s", i > 0 ? " " : "",
			      words[i]);
	state_put(s, key, "%s", text);
	free(text);
}

int state_save(struct state_file *s, const char *path)
{
	int ret = -1;

	if (fclose(s->f) == EOF && s->err == 0)
		s->err = errno;
	if (s->err == 0)
		ret = replace_file(path, 0600, "%s", s->text);
	else
		errno = s->err;
	free(s->text);
	return ret;
}
