/* pty.c - the plumbing declared in pty.h; see there. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include "pty.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41) /* Linux 4.13 */
#endif

int pty_make(int sock)
{
	char byte = 0;
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control = {0};
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	int master, slave, fd;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master == -1 || unlockpt(master) == -1)
		return -1;
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave == -1 || setsid() == -1 || ioctl(slave, TIOCSCTTY, 0) == -1)
		return -1;
	for (fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) == -1)
			return -1;
	if (slave > 2)
		close(slave);
	control.hdr.cmsg_level = SOL_SOCKET;
	control.hdr.cmsg_type = SCM_RIGHTS;
	control.hdr.cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(&control.hdr), &master, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
		return -1;
	close(master);
	return 0;
}

int pty_receive(int sock)
{
	char byte;
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (n == 0 || c == NULL || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = EPIPE;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static struct termios saved; /* the user's terminal as it was */
static int saved_fd = -1;

void pty_restore(void)
{
	if (saved_fd != -1)
		tcsetattr(saved_fd, TCSADRAIN, &saved);
}

int pty_raw(int fd)
{
	struct termios raw;

	if (tcgetattr(fd, &saved) == -1)
		return -1;
	raw = saved;
	cfmakeraw(&raw);
	saved_fd = fd;
	if (atexit(pty_restore) != 0 || tcsetattr(fd, TCSADRAIN, &raw) == -1)
		return -1;
	return 0;
}

/* Write all of buf to fd, however many writes it takes. */
static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* The size of the terminal from to the pty master to; the kernel then
 * sends SIGWINCH to the container's foreground processes. */
static void pass_size(int from, int to)
{
	struct winsize ws;

	if (from != -1 && ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* One turn of the relay: copy what fd has ready to to. 1 if it gave
 * bytes, 0 at its end (EOF; EIO from a master whose slave is gone),
 * -1 with errno set. */
static int copy(int fd, int to)
{
	char buf[4096];
	ssize_t n;

	n = read(fd, buf, sizeof(buf));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n == 0 || (n == -1 && errno == EIO))
		return 0;
	if (n == -1 || write_all(to, buf, n) == -1)
		return -1;
	return 1;
}

int pty_relay(int master, int in, int out, int size_fd)
{
	struct signalfd_siginfo info;
	struct pollfd p[3];
	sigset_t winch, old;
	int ret = 0, n;

	if (sigemptyset(&winch) == -1 || sigaddset(&winch, SIGWINCH) == -1 ||
	    sigprocmask(SIG_BLOCK, &winch, &old) == -1)
		return -1;
	p[0] = (struct pollfd){.fd = master, .events = POLLIN};
	p[1] = (struct pollfd){.fd = in, .events = POLLIN};
	p[2] = (struct pollfd){.fd = signalfd(-1, &winch, SFD_CLOEXEC),
			       .events = POLLIN};
	if (p[2].fd == -1)
		return -1;
	pass_size(size_fd, master);
	while (ret == 0) {
		n = poll(p, 3, -1);
		if (n == -1 && errno != EINTR)
			ret = -1;
		if (n <= 0)
			continue;
		if (p[2].revents & POLLIN &&
		    read(p[2].fd, &info, sizeof(info)) == sizeof(info))
			pass_size(size_fd, master);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) &&
		    copy(in, master) <= 0)
			p[1].fd = -1; /* our input ended: the output goes on */
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR) &&
		    (n = copy(master, out)) <= 0)
			ret = n == 0 ? 1 : -1;
	}
	close(p[2].fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret == 1 ? 0 : -1;
}

int pty_serve(int sock, int interactive, int out)
{
	int master = pty_receive(sock), size_fd = -1, ret;

	close(sock);
	if (master == -1)
		return 1;
	signal(SIGPIPE, SIG_IGN); /* a reader of out gone: EPIPE, not death */
	if (interactive)
		pty_raw(0); /* else it relays a line at a time */
	if (isatty(0) || isatty(1)) /* whichever is our terminal */
		size_fd = isatty(0) ? 0 : 1;
	ret = pty_relay(master, interactive ? 0 : -1, out, size_fd);
	pty_restore();
	close(master);
	return ret;
}
