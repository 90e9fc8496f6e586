/*
 * import.h - the images: the verbs images, which lists images/ and the
 * disk space each image takes, and import TARBALL NAME, which makes an
 * image of a root filesystem tarball such as `docker export` writes. An
 * import is checked before it is unpacked (no member may land outside the
 * image) and is root's alone once unpacked. Both report their failures
 * and return their exit status, as the store's verbs do.
 */
#ifndef NUTSHELL_IMPORT_H
#define NUTSHELL_IMPORT_H

int images(int argc, char **argv);

/* import [--change INSTRUCTION]... TARBALL NAME. An instruction is one
 * of docker's: CMD and ENTRYPOINT, in the exec form (["sh", "-c", "x"])
 * or the shell form (run by /bin/sh -c), ENV K=V (or K V), WORKDIR
 * /dir, USER UID[:GID]; kept with the image, in images/.config/NAME. */
int import(int argc, char **argv);

/* What starts in an image, docker's way. In: the image as run names it,
 * the command line's arguments after it (NULL-ended, maybe none), and
 * --entrypoint (NULL: none). Out: the command, the image's ENTRYPOINT
 * (or --entrypoint) and then the arguments, or else its CMD (unless
 * --entrypoint was given), or else /bin/sh; and its ENV (K=V lines,
 * for defaults that -e overrides), WORKDIR and USER, or NULL. An image
 * named by a path has none of these. One line, 125, for a bad config. */
struct start {
	char **argv;
	char *env, *workdir, *user;
};
void image_start(const char *image, char **args, const char *entrypoint,
		 struct start *s);

/* rmi [-f] NAME...: remove images of images/, by name, as docker rmi
 * does: not one a running container uses (its lower layer), and not one
 * a stopped container uses, but with -f (it can never run again). */
int rmi(int argc, char **argv);

#endif
