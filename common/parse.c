/* parse.c - the plumbing declared in parse.h; see there. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "err.h"
#include "parse.h"

/*
 * The number parsers share one scanner: one or more decimal digits at *p,
 * no sign, no spaces, moved past; -1 with errno set if there is no digit
 * (EINVAL) or the number does not fit (ERANGE).
 */
static int scan_digits(const char **p, long long *n)
{
	const char *s = *p;

	if (!isdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	for (*n = 0; isdigit((unsigned char)*s); s++) {
		if (*n > (LLONG_MAX - (*s - '0')) / 10) {
			errno = ERANGE;
			return -1;
		}
		*n = *n * 10 + (*s - '0');
	}
	*p = s;
	return 0;
}

static int at_end(const char *s)
{
	if (*s != '\0') {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

int parse_size(const char *s, long long *bytes)
{
	const char *units = "kmg", *unit;
	long long n;
	int shift = 0;

	if (scan_digits(&s, &n) == -1)
		return -1;
	if (*s != '\0' &&
	    (unit = strchr(units, tolower((unsigned char)*s))) != NULL) {
		shift = 10 * (unit - units + 1);
		s++;
	}
	if (tolower((unsigned char)*s) == 'b')
		s++;
	if (!at_end(s))
		return -1;
	if (n > (LLONG_MAX >> shift)) {
		errno = ERANGE;
		return -1;
	}
	*bytes = n << shift;
	return 0;
}

int parse_count(const char *s, long long *n)
{
	int negative = *s == '-';

	s += negative;
	if (scan_digits(&s, n) == -1 || !at_end(s))
		return -1;
	if (negative)
		*n = -*n;
	return 0;
}

int parse_decimal(const char *s, long long scale, long long *value)
{
	long long whole, frac = 0, den = 1;

	if (scan_digits(&s, &whole) == -1)
		return -1;
	if (*s == '.') {
		/* nine decimals are kept; later ones cannot matter here */
		for (s++; isdigit((unsigned char)*s); s++)
			if (den < 1000000000) {
				frac = frac * 10 + (*s - '0');
				den *= 10;
			}
		if (den == 1) { /* "1." has no decimals */
			errno = EINVAL;
			return -1;
		}
	}
	if (!at_end(s))
		return -1;
	if (scale <= 0 || scale > 1000000000 || whole > LLONG_MAX / scale - 1) {
		errno = ERANGE;
		return -1;
	}
	*value = whole * scale + (frac * scale + den / 2) / den;
	return 0;
}

/* The parsers' way to fail. */
static int invalid(void)
{
	errno = EINVAL;
	return -1;
}

int parse_cidr(const char *s, struct in_addr *network, int *prefix)
{
	char buf[32], *slash;
	long long bits;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return invalid();
	slash = strchr(buf, '/');
	if (slash == NULL)
		return invalid();
	*slash++ = '\0';
	if (inet_pton(AF_INET, buf, network) != 1 ||
	    parse_count(slash, &bits) == -1 || bits < 8 || bits > 30 ||
	    (ntohl(network->s_addr) & (0xffffffffu >> bits)) != 0)
		return invalid();
	*prefix = bits;
	return 0;
}

int parse_ports(const char *s, unsigned int *host, unsigned int *port,
		char *proto)
{
	char buf[32], *colon, *slash;
	long long from, to;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return invalid();
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	colon = strchr(buf, ':');
	if (colon == NULL)
		return invalid();
	*colon++ = '\0';
	if (parse_count(buf, &from) == -1 || parse_count(colon, &to) == -1 ||
	    from < 1 || from > 65535 || to < 1 || to > 65535)
		return invalid();
	if (slash != NULL && strcmp(slash, "tcp") != 0 &&
	    strcmp(slash, "udp") != 0)
		return invalid();
	*host = from;
	*port = to;
	strcpy(proto, slash != NULL ? slash : "tcp");
	return 0;
}

int valid_hostname(const char *name)
{
	size_t len;

	if (strlen(name) > HOST_NAME_MAX)
		return 0;
	for (;; name += len + 1) {
		len = strspn(name, "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
		if (len == 0 || len > 63 || name[0] == '-' ||
		    name[len - 1] == '-')
			return 0;
		if (name[len] != '.')
			return name[len] == '\0';
	}
}

const char *getenv_or(const char *name, const char *fallback)
{
	const char *value = getenv(name);

	return value != NULL && value[0] != '\0' ? value : fallback;
}

void die_option(int opt, char **argv)
{
	/* getopt has moved optind past the word the option was in */
	const char *word = argv[optind - 1];

	if (opt == ':')
		diex("option `%s` needs a value", word);
	/* optopt: the letter of a bad short option; for a long one, the
	 * option's value when it was given an argument it takes none of */
	if (strncmp(word, "--", 2) != 0)
		diex("unknown option `-%c` (see --help; docker's: docs/docker.md)",
		     optopt);
	if (optopt != 0)
		diex("option `%s` takes no value", word);
	diex("unknown option `%s` (see --help; docker's: docs/docker.md)",
	     word);
}

int parse_word(const char *arg, const char *const words[])
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(arg, words[i]) == 0)
			return i;
	return -1;
}

int parse_signal(const char *s)
{
	long long n;
	const char *name;
	int sig;

	if (parse_count(s, &n) == 0)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (sig = 1; sig < NSIG; sig++) {
		name = sigabbrev_np(sig);
		if (name != NULL && strcasecmp(s, name) == 0)
			return sig;
	}
	return -1;
}
