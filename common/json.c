/* json.c - the plumbing declared in json.h; see there. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* Four hexadecimal digits at s: their value, or -1. */
static long hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			v = v * 16 + s[i] - '0';
		else if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')
			v = v * 16 + (s[i] | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/* Code point cp as UTF-8 at out; its length. */
static int put_utf8(char *out, long cp)
{
	if (cp < 0x80)
		return out[0] = cp, 1;
	if (cp < 0x800)
		return out[0] = 0xc0 | cp >> 6, out[1] = 0x80 | (cp & 0x3f), 2;
	if (cp < 0x10000)
		return out[0] = 0xe0 | cp >> 12,
		       out[1] = 0x80 | (cp >> 6 & 0x3f),
		       out[2] = 0x80 | (cp & 0x3f), 3;
	return out[0] = 0xf0 | cp >> 18, out[1] = 0x80 | (cp >> 12 & 0x3f),
	       out[2] = 0x80 | (cp >> 6 & 0x3f), out[3] = 0x80 | (cp & 0x3f), 4;
}

/* The escape after a backslash at *s, into out; its length there, or -1.
 * \uXXXX of a surrogate pair takes both halves. */
static int unescape_one(const char **s, char *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p = strchr(from, **s);
	long cp, low;

	if (**s != '\0' && **s != 'u' && p != NULL)
		return (*s)++, out[0] = to[p - from], 1;
	if (**s != 'u' || (cp = hex4(*s + 1)) == -1)
		return -1;
	*s += 5;
	if (cp >= 0xd800 && cp < 0xdc00) { /* a high surrogate: a low next */
		if ((*s)[0] != '\\' || (*s)[1] != 'u' ||
		    (low = hex4(*s + 2)) < 0xdc00 || low > 0xdfff)
			return -1;
		*s += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
	} else if (cp >= 0xdc00 && cp < 0xe000) {
		return -1;
	}
	return cp == 0 ? -1 : put_utf8(out, cp);
}

/* The string at *s (after its quote) into a new buffer: *s moves past
 * its closing quote. NULL if it is not a valid string. */
static char *read_string(const char **s)
{
	char *out = malloc(strlen(*s) + 1);
	size_t n = 0;
	int len;

	while (out != NULL && **s != '"') {
		if ((unsigned char)**s < 0x20) /* the end, or a raw control */
			len = -1;
		else if (**s == '\\')
			len = ((*s)++, unescape_one(s, out + n));
		else
			len = (out[n] = *(*s)++, 1);
		if (len == -1) {
			free(out);
			return NULL;
		}
		n += len;
	}
	if (out != NULL) {
		(*s)++;
		out[n] = '\0';
	}
	return out;
}

int json_strings(const char *text, char ***words)
{
	const char *s = skip_space(text);
	char **w = NULL, **more;
	int n = 0;

	if (*s++ != '[')
		goto invalid;
	s = skip_space(s);
	while (*s != ']') {
		if ((n > 0 && *s++ != ',') || *(s = skip_space(s)) != '"')
			goto invalid;
		s++;
		more = realloc(w, (n + 2) * sizeof(char *));
		if (more == NULL)
			goto invalid;
		w = more;
		w[n] = read_string(&s);
		if (w[n] == NULL)
			goto invalid;
		w[++n] = NULL;
		s = skip_space(s);
	}
	if (*skip_space(s + 1) != '\0')
		goto invalid;
	if (w == NULL && (w = calloc(1, sizeof(char *))) == NULL)
		goto invalid;
	*words = w;
	return n;
invalid:
	while (n > 0)
		free(w[--n]);
	free(w);
	errno = EINVAL;
	return -1;
}
