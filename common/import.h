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
int import(int argc, char **argv);

/* rmi [-f] NAME...: remove images of images/, by name, as docker rmi
 * does: not one a running container uses (its lower layer), and not one
 * a stopped container uses, but with -f (it can never run again). */
int rmi(int argc, char **argv);

#endif
