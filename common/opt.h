/*
 * opt.h - options of docker's that a runtime reads as docker does: -e
 * (an environment variable, or the host's value of one) with the
 * defaults a command gets when -e did not say, and -v (a directory of the
 * host and where the container sees it). Each reports a value it cannot
 * take in one line, exit 125, naming the option, as a bad option must.
 */
#ifndef NUTSHELL_OPT_H
#define NUTSHELL_OPT_H

/* -e KEY=VALUE, or -e KEY for the host's value of KEY (left out when the
 * host has none, as docker does), copied into env[*n], which has room for
 * max variables; *n counts it. */
void add_env(char **env, int *n, int max, const char *arg);

/* NAME=VALUE into env[*n], unless env has NAME already or value is NULL:
 * a default that -e may override. env has room for it. */
void default_env(char **env, int *n, const char *name, const char *value);

/* -v HOSTDIR:PATH[:ro|:rw]: HOSTDIR must be a directory of the host (made
 * absolute, malloc'd, into *host); PATH absolute, not "/", without a ".."
 * component (into *path, pointing into a copy of arg); *ro set by :ro. */
void parse_volume(const char *arg, char **host, char **path, int *ro);

/* --security-opt no-new-privileges[=true|false] into *no_new_privs, or
 * seccomp=unconfined (*seccomp 0); one line, 125, for anything else. */
void parse_security_opt(const char *arg, int *no_new_privs, int *seccomp);

#endif
