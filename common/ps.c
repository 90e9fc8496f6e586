/* ps.c - the plumbing declared in ps.h; see there. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "parse.h"
#include "ps.h"
#include "state.h"
#include "store.h"

enum { ID, IMAGE, COMMAND, CREATED, STATUS, PORTS, NAMES, COLUMNS };
static const char *const headers[COLUMNS] = {"CONTAINER ID", "IMAGE",
					     "COMMAND",	     "CREATED",
					     "STATUS",	     "PORTS",
					     "NAMES"};

char *human_duration(long long s, char *buf, size_t size)
{
	long long m = s / 60, h = (s + 1800) / 3600; /* as go-units rounds */

	if (s < 1)
		snprintf(buf, size, "Less than a second");
	else if (s < 60)
		snprintf(buf, size, "%lld second%s", s, s == 1 ? "" : "s");
	else if (m == 1)
		snprintf(buf, size, "About a minute");
	else if (m < 60)
		snprintf(buf, size, "%lld minutes", m);
	else if (h == 1)
		snprintf(buf, size, "About an hour");
	else if (h < 48)
		snprintf(buf, size, "%lld hours", h);
	else if (h < 24 * 7 * 2)
		snprintf(buf, size, "%lld days", h / 24);
	else if (h < 24 * 30 * 2)
		snprintf(buf, size, "%lld weeks", h / 24 / 7);
	else if (h < 24 * 365 * 2)
		snprintf(buf, size, "%lld months", h / 24 / 30);
	else
		snprintf(buf, size, "%lld years", h / 24 / 365);
	return buf;
}

/* The STATUS cell: docker's, from the status, the exit code and when the
 * state was last written (its end, for one that exited). */
static void status_cell(const char *id, const char *status, long long now,
			char *cell, size_t size)
{
	char path[PATH_MAX], v[32], ago[64];
	struct stat st;

	if (strcmp(status, "running") == 0) {
		if (container_key(id, "created", v, sizeof(v)) == -1)
			strcpy(v, "0");
		snprintf(cell, size, "Up %s",
			 human_duration(now - atoll(v), ago, sizeof(ago)));
	} else if (strcmp(status, "exited") == 0) {
		if (container_key(id, "exit_code", v, sizeof(v)) == -1 ||
		    stat(container_file(path, id, "state"), &st) == -1)
			strcpy(v, "?");
		snprintf(cell, size, "Exited (%s) %s ago", v,
			 human_duration(now - st.st_mtime, ago, sizeof(ago)));
	} else {
		snprintf(cell, size, "%c%s", status[0] - 'a' + 'A', status + 1);
	}
}

/* One container's row, its cells malloc'd; NULL if it is not shown. */
static char **row(const char *id, int all, int trunc, long long now)
{
	static const char *const keys[COLUMNS] = {
		NULL, "image", "command", "created", NULL, "ports", "name"};
	char v[PATH_MAX], cell[PATH_MAX + 8];
	const char *status = container_status(id, NULL, NULL, 0);
	char **cells;
	int i;

	if (!all && strcmp(status, "running") != 0)
		return NULL;
	cells = calloc(COLUMNS, sizeof(char *));
	for (i = 0; cells != NULL && i < COLUMNS; i++) {
		if (keys[i] == NULL || container_key(id, keys[i], v, sizeof(v)))
			v[0] = '\0';
		if (i == ID)
			snprintf(cell, sizeof(cell), "%s", id);
		else if (i == COMMAND && trunc && strlen(v) > 20)
			snprintf(cell, sizeof(cell), "\"%.19s…\"", v);
		else if (i == COMMAND)
			snprintf(cell, sizeof(cell), "\"%s\"", v);
		else if (i == CREATED)
			snprintf(cell, sizeof(cell), "%s ago",
				 human_duration(now - atoll(v), v, sizeof(v)));
		else if (i == STATUS)
			status_cell(id, status, now, cell, sizeof(cell));
		else
			snprintf(cell, sizeof(cell), "%s", v);
		cells[i] = escape_value(cell);
		if (cells[i] == NULL)
			die("escape the state of %s", id);
	}
	if (cells == NULL)
		die("ps");
	return cells;
}

/* The width of s on a terminal: its characters, not its bytes. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += (*s & 0xc0) != 0x80;
	return n;
}

/* The rows under their headers, each column as wide as its widest cell
 * and three spaces apart, as docker's; then free them. */
static void print_rows(char ***rows, size_t n)
{
	size_t w[COLUMNS], r;
	int i;

	for (i = 0; i < COLUMNS; i++)
		for (w[i] = strlen(headers[i]), r = 0; r < n; r++)
			if (width(rows[r][i]) > w[i])
				w[i] = width(rows[r][i]);
	for (i = 0; i < COLUMNS; i++)
		printf("%s%*s", headers[i],
		       i + 1 < COLUMNS ? (int)(w[i] - strlen(headers[i]) + 3)
				       : 0,
		       "");
	printf("\n");
	for (r = 0; r < n; r++) {
		for (i = 0; i < COLUMNS; i++) {
			printf("%s%*s", rows[r][i],
			       i + 1 < COLUMNS
				       ? (int)(w[i] - width(rows[r][i]) + 3)
				       : 0,
			       "");
			free(rows[r][i]);
		}
		printf("\n");
		free(rows[r]);
	}
}

int ps(int argc, char **argv)
{
	static const struct option options[] = {
		{"all", no_argument, NULL, 'a'},
		{"quiet", no_argument, NULL, 'q'},
		{"no-trunc", no_argument, NULL, 'T'},
		{NULL, 0, NULL, 0},
	};
	int opt, all = 0, quiet = 0, trunc = 1;
	char ***rows = NULL, **cells;
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:aq", options, NULL)) != -1)
		if (opt == 'a')
			all = 1;
		else if (opt == 'q')
			quiet = 1;
		else if (opt == 'T')
			trunc = 0;
		else
			die_option(opt, argv);
	if (optind != argc)
		diex("usage: %s ps [-a] [-q] [--no-trunc]",
		     program_invocation_short_name);
	d = opendir(containers_dir(0));
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) != ID_LEN ||
		    (cells = row(e->d_name, all, trunc, time(NULL))) == NULL)
			continue;
		if (quiet) {
			printf("%s\n", cells[ID]);
			continue;
		}
		rows = reallocarray(rows, n + 1, sizeof(*rows));
		if (rows == NULL)
			die("ps");
		rows[n++] = cells;
	}
	if (d != NULL)
		closedir(d);
	if (!quiet)
		print_rows(rows, n);
	free(rows);
	return 0;
}
