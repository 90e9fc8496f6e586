/*
 * netlink.h - the byte layout of rtnetlink(7) requests, how ip(8) talks
 * to the kernel and how the steps that set up a network do. A request is
 * a struct nlmsghdr, a family header (struct ifinfomsg, ifaddrmsg, rtmsg)
 * and attributes, some nested in others. Which message, header and
 * attributes to send is the lesson, in the step; this is only the
 * packing, the socket and the wait for the kernel's answer.
 */
#ifndef NUTSHELL_NETLINK_H
#define NUTSHELL_NETLINK_H

#include <stddef.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct nl_request {
	union {
		struct nlmsghdr hdr;
		char buf[2048];
	};
	int full; /* an attribute did not fit: nl_send() fails, E2BIG */
};

/* A NETLINK_ROUTE socket (close-on-exec) in the caller's network
 * namespace. The descriptor, or -1 with errno set. */
int nl_open(void);

/* Start a request: TYPE (RTM_NEWLINK...), FLAGS on top of NLM_F_REQUEST
 * and NLM_F_ACK, then the family header FAMILY of LEN bytes. */
void nl_init(struct nl_request *req, int type, int flags, const void *family,
	     size_t len);

/* Append an attribute: a string (with its NUL), a 32-bit number, bytes. */
void nl_add_str(struct nl_request *req, int type, const char *value);
void nl_add_u32(struct nl_request *req, int type, unsigned int value);
void nl_add(struct nl_request *req, int type, const void *data, size_t len);

/* Append bytes that are not an attribute: the family header that starts
 * the payload of some nested attributes (VETH_INFO_PEER). */
void nl_put(struct nl_request *req, const void *data, size_t len);

/* Open an attribute that holds attributes; nl_end() closes it. */
struct rtattr *nl_begin(struct nl_request *req, int type);
void nl_end(struct nl_request *req, struct rtattr *nest);

/* Send the request on a NETLINK_ROUTE socket and read the kernel's answer:
 * 0, or -1 with errno set to the error the kernel reported. */
int nl_send(int fd, struct nl_request *req);

#endif
