/*
 * err.h - how every step fails and reports: the exit statuses, die() and
 * warn() with one line per message (and a hint line for the failures
 * learners meet most), die_exec() after a failed exec, and ARRAY_SIZE.
 * Helpers elsewhere in common/ return -1 with errno set and never print,
 * so what is fatal stays visible in the step that calls them.
 */
#ifndef NUTSHELL_ERR_H
#define NUTSHELL_ERR_H

/* Exit statuses, as docker, env(1), chroot(1) and timeout(1) use them. */
#define EXIT_RUNTIME 125 /* the runtime itself failed (bad usage too) */
#define EXIT_CANNOT_EXEC 126 /* the command exists but cannot be run */
#define EXIT_NOT_FOUND 127 /* the command does not exist */

/* The number of elements of an array (not of a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "prog: message: strerror(errno)" on stderr, then exit(EXIT_RUNTIME). */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);

/* The same without strerror: for errors that are not a failed call. */
__attribute__((noreturn, format(printf, 1, 2))) void diex(const char *fmt, ...);

/* "prog: message: strerror(errno)" on stderr, and carry on: for cleanup
 * that failed, where the command's exit status matters more. */
__attribute__((format(printf, 1, 2))) void warn(const char *fmt, ...);

/* The same without strerror. */
__attribute__((format(printf, 1, 2))) void warnx(const char *fmt, ...);

/* Call after a failed execvp(3): report it and exit 127 if the command was
 * not found, 126 if it was found but could not be executed. */
__attribute__((noreturn)) void die_exec(const char *cmd);

/* The copy of s with each control byte (below 0x20, and 0x7f) written as
 * \n, \r, \t or \xHH, and each backslash as \\ when backslash is set: text
 * that stays on one line. malloc'd, or NULL if out of memory. The
 * messages above use it, so a newline a user typed starts no line. */
char *escape_text(const char *s, int backslash);

#endif
