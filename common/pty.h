/*
 * pty.h - a container's terminal of its own. A pseudo-terminal is made
 * inside the container, from its own devpts instance, so that the slave
 * is one of its /dev/pts and nothing of the host's; it becomes the
 * controlling terminal and the standard streams of the process about to
 * exec the command (pty_make()), and the master goes out over a unix
 * socket (SCM_RIGHTS), as runc's --console-socket hands it to its
 * caller. Outside, the runtime relays the user's terminal to the master
 * and back (pty_relay()), passing the window size at the start and on
 * every SIGWINCH; with -i the user's terminal goes raw for as long, and
 * pty_restore() puts its mode back on every way out.
 */
#ifndef NUTSHELL_PTY_H
#define NUTSHELL_PTY_H

/* In the container, once its /dev/pts is mounted: a new pty from
 * /dev/ptmx, its slave opened from the master (TIOCGPTPEER, no path
 * looked up), made our controlling terminal in a session of our own
 * (setsid(2), TIOCSCTTY) and our stdin, stdout and stderr; the master
 * sent over sock, then closed here. 0, or -1 with errno set. */
int pty_make(int sock);

/* The master that pty_make() sent over sock: its descriptor (close-on-
 * exec), or -1 with errno set (EPIPE: the sender closed first). */
int pty_receive(int sock);

/* Make the terminal fd raw, as ssh and docker do for an interactive
 * session: keys go to the container as typed (Ctrl-C to its terminal,
 * not to us). Its mode is kept for pty_restore(), which an atexit(3)
 * handler also calls. 0, or -1 with errno set. */
int pty_raw(int fd);
void pty_restore(void);

/* Relay until the container's end of the pty is closed: what the master
 * gives to out, and what in gives (in: -1 for none) to the master. The
 * window size of the terminal size_fd (-1: none) goes to the master at
 * the start and again on every SIGWINCH, which is blocked and read from
 * a signalfd(2) meanwhile. 0, or -1 with errno set. */
int pty_relay(int master, int in, int out, int size_fd);

/* The runtime's side of -t, all of it: the master from sock (closed
 * then), our terminal raw with interactive, the relay from our stdin
 * (with interactive) and to out, at our terminal's window size, then its
 * mode back. 0; -1 with errno set, after a relay that stopped short; 1
 * if no master came (the child failed first: its status says how). */
int pty_serve(int sock, int interactive, int out);

#endif
