/*
 * parse.h - reading what a user typed: numbers, sizes and decimals as
 * docker's options take them, an IPv4 network, a port mapping, a
 * hostname; a setting from the environment; and the one-line error for an
 * option getopt_long(3) did not accept. Parsers return 0, or -1 with errno
 * EINVAL (not well formed) or ERANGE (too large), and never print.
 */
#ifndef NUTSHELL_PARSE_H
#define NUTSHELL_PARSE_H

#include <netinet/in.h>

/* Parse a size as docker reads -m: a whole number of bytes with an
 * optional unit k, m or g (powers of 1024), optionally followed by b
 * ("64m", "1g", "512kb", "1048576"). 0 or -1 with errno EINVAL (not a
 * size) or ERANGE (does not fit in a long long). */
int parse_size(const char *s, long long *bytes);

/* Parse a whole number, optionally negative ("20", "-1"). 0 or -1 with
 * errno EINVAL or ERANGE. */
int parse_count(const char *s, long long *n);

/* Parse a decimal number that is not negative ("1.5", "0.25", "2") and
 * return it multiplied by scale, rounded to the nearest whole number:
 * parse_decimal("0.5", 100000, &v) gives 50000, with no floating point
 * rounding on the way. 0 or -1 with errno EINVAL or ERANGE. */
int parse_decimal(const char *s, long long scale, long long *value);

/* Parse an IPv4 network, "10.219.0.0/16": its first address and the
 * length of its prefix, from 8 to 30; the bits after the prefix must be
 * 0. 0 or -1 with errno EINVAL. */
int parse_cidr(const char *s, struct in_addr *network, int *prefix);

/* Parse a port mapping as docker's -p reads it, "8080:80" or "53:53/udp":
 * two ports from 1 to 65535 and a protocol, tcp (the default) or udp,
 * copied to proto (4 bytes). 0 or -1 with errno EINVAL. */
int parse_ports(const char *s, unsigned int *host, unsigned int *port,
		char *proto);

/* 1 if name is a hostname in RFC 1123's form, which resolvers and
 * /etc/hosts expect: labels of letters, digits and "-", split by dots,
 * none empty, none longer than 63 characters or starting or ending with
 * "-"; 64 characters in all, the kernel's HOST_NAME_MAX. 0 if not: a
 * newline, say, which would add a line to /etc/hosts. */
int valid_hostname(const char *name);

/* getenv(name), or fallback when it is unset or empty. */
const char *getenv_or(const char *name, const char *fallback);

/* Call when getopt_long() returned '?' or ':' (with opterr = 0 and a ':'
 * first in the option string, after any '+'): one line naming the option
 * and what is wrong with it, then exit(EXIT_RUNTIME). */
__attribute__((noreturn)) void die_option(int opt, char **argv);

/* The index of arg in words (NULL-ended), as a closed set of option
 * values is read (--network bridge|none|host): -1 if it is none of them. */
int parse_word(const char *arg, const char *const words[]);

/* A signal as kill(1) and docker take it: a number, or a name with or
 * without SIG, in any case (TERM, SIGKILL, hup). Its number, or -1. */
int parse_signal(const char *s);

#endif
