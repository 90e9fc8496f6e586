/* json.c - the plumbing declared in json.h; see there. */
#include <stdio.h>
#include <string.h>

#include "json.h"

void json_start(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 if none:
 * no overlong form, no surrogate, nothing above U+10FFFF. */
static int utf8_length(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (n == 0 || s[0] > 0xf4)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

static void put_string(FILE *f, const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	int n;

	putc('"', f);
	while (*s != '\0') {
		n = utf8_length(s);
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else if (*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\u%04x", *s);
		else if (n == 0)
			fputs("\\ufffd", f);
		else
			fwrite(s, 1, n, f);
		s += n > 0 ? n : 1;
	}
	putc('"', f);
}

/* The comma, the new line and the indentation before a value, and its
 * key, if it has one. */
static void before(struct json *j, const char *key)
{
	if (j->depth > 0)
		fprintf(j->f, "%s\n%*s", j->count[j->depth]++ ? "," : "",
			2 * j->depth, "");
	if (key != NULL) {
		put_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_value(struct json *j, const char *key, char c)
{
	before(j, key);
	putc(c, j->f);
	if (j->depth < JSON_DEPTH) {
		j->count[++j->depth] = 0;
		j->close[j->depth] = c == '{' ? '}' : ']';
	}
}

void json_object(struct json *j, const char *key)
{
	open_value(j, key, '{');
}

void json_array(struct json *j, const char *key)
{
	open_value(j, key, '[');
}

void json_end(struct json *j)
{
	char close = j->close[j->depth];
	int members = j->count[j->depth];

	if (j->depth == 0)
		return;
	j->depth--;
	if (members > 0)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	putc(close, j->f);
	if (j->depth == 0)
		putc('\n', j->f);
}

void json_string(struct json *j, const char *key, const char *value)
{
	before(j, key);
	if (value == NULL)
		fputs("null", j->f);
	else
		put_string(j->f, value);
}

void json_number(struct json *j, const char *key, long long value)
{
	before(j, key);
	fprintf(j->f, "%lld", value);
}

void json_bool(struct json *j, const char *key, int value)
{
	before(j, key);
	fputs(value ? "true" : "false", j->f);
}
