/*
 * preprint.c - an LD_PRELOAD library for the tests: before main() runs, it
 * prints one line to stdout without flushing it. When stdout is a pipe the
 * line sits in stdio's buffer; a runtime that forks without fflush(stdout)
 * hands a copy of that buffer to its child, and the line comes out twice if
 * the child calls exit() (a failed exec does). Built by build_test_program.
 */
#include <stdio.h>

__attribute__((constructor)) static void preprint(void)
{
	fputs("printed-before-fork\n", stdout);
}
