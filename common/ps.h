/*
 * ps.h - the verb ps, docker's table of containers: CONTAINER ID, IMAGE,
 * COMMAND (quoted, cut at 20 characters with an ellipsis), CREATED and
 * STATUS in docker's words ("5 minutes ago", "Up 3 minutes", "Exited (0)
 * 2 minutes ago"), PORTS and NAMES, each column as wide as its widest
 * cell. A value a user typed is escaped (state.h), so a row is one line.
 */
#ifndef NUTSHELL_PS_H
#define NUTSHELL_PS_H

#include <stddef.h>
#include <time.h>

/* ps [-a] [-q] [--no-trunc]: the running containers (-a: all of them;
 * -q: their ids only; --no-trunc: commands whole). Its exit status. */
int ps(int argc, char **argv);

/* docker's words for a duration of seconds ("Less than a second",
 * "About a minute", "3 hours", "2 weeks"), into buf (size bytes). */
char *human_duration(long long seconds, char *buf, size_t size);

#endif
