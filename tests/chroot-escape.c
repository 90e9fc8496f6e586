/*
 * chroot-escape.c - the classic climb out of a chroot(2), for the tests.
 *
 * chroot() changes the root directory but not the working directory. Run as
 * root inside a chroot, this program chroots again into a subdirectory
 * (/tmp) while its working directory stays where it was, now outside its
 * root. From there chdir("..") is never stopped by the root, so it climbs
 * to the real "/", and chroot(".") makes that the root again.
 *
 * usage: chroot-escape HOST-PATH
 * Exit 0 and print "escaped" if HOST-PATH can be seen after the climb,
 * 1 if it cannot, 2 if a call failed. Built statically by the tests.
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s HOST-PATH\n", argv[0]);
		return 2;
	}
	if (chdir("/") == -1 || chroot("/tmp") == -1) {
		perror("chdir / chroot /tmp");
		return 2;
	}
	/* The working directory is now outside the root: climb. */
	for (i = 0; i < 256; i++)
		if (chdir("..") == -1) {
			perror("chdir ..");
			return 2;
		}
	if (chroot(".") == -1) {
		perror("chroot .");
		return 2;
	}
	if (access(argv[1], F_OK) == 0) {
		puts("escaped");
		return 0;
	}
	puts("contained");
	return 1;
}
