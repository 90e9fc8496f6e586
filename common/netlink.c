/* netlink.c - the plumbing declared in netlink.h; see there. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "netlink.h"

int nl_open(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

void nl_init(struct nl_request *req, int type, int flags, const void *family,
	     size_t len)
{
	memset(req, 0, sizeof(*req));
	req->hdr.nlmsg_len = NLMSG_LENGTH(0);
	req->hdr.nlmsg_type = type;
	req->hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nl_put(req, family, len);
}

void nl_put(struct nl_request *req, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(req->hdr.nlmsg_len);

	if (at + NLMSG_ALIGN(len) > sizeof(req->buf)) {
		req->full = 1;
		return;
	}
	memcpy(req->buf + at, data, len);
	req->hdr.nlmsg_len = at + NLMSG_ALIGN(len);
}

void nl_add(struct nl_request *req, int type, const void *data, size_t len)
{
	struct rtattr *rta = nl_begin(req, type);

	if (rta == NULL)
		return;
	nl_put(req, data, len);
	nl_end(req, rta);
	/* the attribute's length counts its data, not the padding after it */
	rta->rta_len = RTA_LENGTH(len);
}

void nl_add_str(struct nl_request *req, int type, const char *value)
{
	nl_add(req, type, value, strlen(value) + 1);
}

void nl_add_u32(struct nl_request *req, int type, unsigned int value)
{
	nl_add(req, type, &value, sizeof(value));
}

struct rtattr *nl_begin(struct nl_request *req, int type)
{
	size_t at = NLMSG_ALIGN(req->hdr.nlmsg_len);
	struct rtattr *rta = (struct rtattr *)(req->buf + at);

	if (at + RTA_LENGTH(0) > sizeof(req->buf)) {
		req->full = 1;
		return NULL;
	}
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(0);
	req->hdr.nlmsg_len = at + RTA_LENGTH(0);
	return rta;
}

void nl_end(struct nl_request *req, struct rtattr *nest)
{
	if (nest != NULL)
		nest->rta_len = req->buf + req->hdr.nlmsg_len - (char *)nest;
}

int nl_send(int fd, struct nl_request *req)
{
	static unsigned int seq;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char answer[4096];
	struct nlmsghdr *msg;
	struct nlmsgerr *err;
	ssize_t n;

	if (req->full) {
		errno = E2BIG;
		return -1;
	}
	req->hdr.nlmsg_seq = ++seq;
	if (sendto(fd, req->buf, req->hdr.nlmsg_len, 0,
		   (struct sockaddr *)&kernel, sizeof(kernel)) == -1)
		return -1;
	for (;;) {
		n = recv(fd, answer, sizeof(answer), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		for (msg = (struct nlmsghdr *)answer; NLMSG_OK(msg, n);
		     msg = NLMSG_NEXT(msg, n)) {
			if (msg->nlmsg_seq != seq ||
			    msg->nlmsg_type != NLMSG_ERROR)
				continue;
			/* the acknowledgement: an "error" of 0 */
			err = NLMSG_DATA(msg);
			if (err->error == 0)
				return 0;
			errno = -err->error;
			return -1;
		}
	}
}
