/* veth pair set-up across namespaces and container-side addressing. */
#include "ctr_net.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "cleanup.h"
#include "netif.h"
#include "nl_route.h"
#include "runid.h"

#define CTR_NETNS_DIR	 "/run/netns"
#define CTR_VETH_TRIES	 100 /* ib<rid>c0 .. ib<rid>c99 fit IFNAMSIZ */
#define CTR_INNER_IFNAME "eth0"
/* Loopback is registered first in every network namespace and gets
 * index 1 (LOOPBACK_IFINDEX, include/net/flow.h); the inner end asks for
 * index 2, free in a namespace that holds nothing else, so its address and
 * route need no lookup. */
#define CTR_INNER_IFINDEX 2

static int nl_fail(struct iso_err *err, int nlerr, const char *step)
{
	return iso_err_input(err, -EIO, "%s: %s", step, nl_geterror(nlerr));
}

/* A socket created while the thread is in a namespace stays bound to it,
 * so enter, create, and return to where we were. */
static int socket_in_ns(int ns_fd, struct nl_sock **out, struct iso_err *err)
{
	cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct nl_sock *sk;
	int r;

	if (self < 0)
		return iso_err_set(err, -errno, "net: open own netns");
	if (setns(ns_fd, CLONE_NEWNET) < 0)
		return iso_err_set(err, -errno, "net: enter bridge netns");
	sk = nl_socket_alloc();
	r = sk ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;
	if (setns(self, CLONE_NEWNET) < 0) {
		nl_socket_free(sk);
		return iso_err_set(err, -errno, "net: return to own netns");
	}
	if (r < 0) {
		nl_socket_free(sk);
		return nl_fail(err, r, "net: netlink socket");
	}
	*out = sk;
	return 0;
}

int ctr_net_open(struct ctr_net *n, const char *netns, const char *bridge, enum ctr_exit *cls,
		 struct iso_err *err)
{
	struct rtnl_link *link = NULL;
	char path[PATH_MAX];
	const char *type;
	int r;

	memset(n, 0, sizeof(*n));
	n->ns_fd = -1;
	if (strchr(netns, '/'))
		snprintf(path, sizeof(path), "%s", netns);
	else
		snprintf(path, sizeof(path), "%s/%s", CTR_NETNS_DIR, netns);
	n->ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (n->ns_fd < 0) {
		*cls = CTR_EXIT_NETNS;
		return iso_err_set(err, -errno, "net: network namespace %s", path);
	}
	*cls = CTR_EXIT_NET;
	if ((r = socket_in_ns(n->ns_fd, &n->sk, err)) < 0) {
		if (r == -EINVAL)
			*cls = CTR_EXIT_NETNS; /* the path is no namespace */
		return r;
	}
	r = rtnl_link_get_kernel(n->sk, 0, bridge, &link);
	if (r < 0)
		return iso_err_input(err, -ENODEV, "net: no bridge '%s' in netns %s: %s", bridge,
				     netns, nl_geterror(r));
	type = rtnl_link_get_type(link);
	n->bridge_ifindex = rtnl_link_get_ifindex(link);
	r = type && !strcmp(type, "bridge") ? 0 : -ENODEV;
	rtnl_link_put(link);
	if (r < 0)
		return iso_err_input(err, r, "net: '%s' in netns %s is not a bridge", bridge,
				     netns);
	return 0;
}

int ctr_net_add_veth(struct ctr_net *n, const char *rid, int ctr_netns_fd, struct iso_err *err)
{
	struct rtnl_link *veth = rtnl_link_veth_alloc(), *peer;
	int r = -NLE_NOMEM;

	if (!veth)
		return iso_err_set(err, -ENOMEM, "net: veth object");
	peer = rtnl_link_veth_get_peer(veth);
	/* The request is sent on a socket bound in the bridge's namespace,
	 * so the outer end is born there; IFLA_NET_NS_FD on the peer makes
	 * the inner end be born in the container's namespace; IFLA_MASTER
	 * and IFF_UP act on the outer end once both ends exist. The inner
	 * end cannot be opened in the same request (veth_open() fails with
	 * ENOTCONN while its peer is not registered yet): the container
	 * brings it up (ctr_net_configure). */
	rtnl_link_set_master(veth, n->bridge_ifindex);
	rtnl_link_set_flags(veth, IFF_UP);
	rtnl_link_set_name(peer, CTR_INNER_IFNAME);
	rtnl_link_set_ifindex(peer, CTR_INNER_IFINDEX);
	rtnl_link_set_ns_fd(peer, ctr_netns_fd);
	for (int k = 0; k < CTR_VETH_TRIES; k++) {
		snprintf(n->outer, sizeof(n->outer),
			 "%s%s"
			 "c%d",
			 RUNID_LINK_PREFIX, rid, k);
		rtnl_link_set_name(veth, n->outer);
		r = rtnl_link_add(n->sk, veth, NLM_F_CREATE | NLM_F_EXCL);
		if (r != -NLE_EXIST)
			break;
	}
	rtnl_link_put(peer);
	rtnl_link_veth_release(veth);
	if (r < 0)
		return nl_fail(err, r, "net: create veth");
	n->created = true;
	return 0;
}

void ctr_net_close(struct ctr_net *n)
{
	if (n->created) {
		struct rtnl_link *link = rtnl_link_alloc();
		if (link) {
			rtnl_link_set_name(link, n->outer);
			rtnl_link_delete(n->sk, link);
			rtnl_link_put(link);
		}
		n->created = false;
	}
	nl_socket_free(n->sk);
	n->sk = NULL;
	if (n->ns_fd >= 0)
		close(n->ns_fd);
	n->ns_fd = -1;
}

/* One RTM_NEWLINK on the index: no lookup round trip. */
static int add_address(struct nl_sock *sk, int ifindex, const char *cidr, struct iso_err *err)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int r;

	if (!addr)
		return iso_err_set(err, -ENOMEM, "net: address object");
	r = nl_addr_parse(cidr, AF_INET, &local);
	if (r == 0) {
		rtnl_addr_set_ifindex(addr, ifindex);
		rtnl_addr_set_local(addr, local);
		r = rtnl_addr_add(sk, addr, 0);
	}
	nl_addr_put(local);
	rtnl_addr_put(addr);
	return r < 0 ? nl_fail(err, r, "net: add address") : 0;
}

int ctr_net_new_ns(int *fd, struct iso_err *err)
{
	cleanup_close int sock = -1;

	if (unshare(CLONE_NEWNET) < 0)
		return iso_err_set(err, -errno, "net: new network namespace");
	/* Its descriptor from a socket made in it (SIOCGSKNS): no path walk
	 * through /proc/thread-self (~0.08 ms here, on the thread's path). */
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return iso_err_set(err, -errno, "net: socket");
	*fd = ioctl(sock, SIOCGSKNS);
	if (*fd < 0)
		return iso_err_set(err, -errno, "net: namespace descriptor");
	return 0;
}

int ctr_net_configure(const char *ip, const char *gw, struct iso_err *err)
{
	cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct nl_sock *sk;
	int r;

	if (sock < 0)
		return iso_err_set(err, -errno, "net: socket");
	/* Links come up by ioctl: for lo alone, the default network, that is
	 * all, with no netlink socket or libnl object (~0.1 ms less on the
	 * network thread's path here, 500 interleaved rounds). */
	if ((r = netif_up(sock, "lo", err)) < 0 || !ip || !ip[0] ||
	    (r = netif_up(sock, CTR_INNER_IFNAME, err)) < 0)
		return r < 0 ? iso_err_wrap(err, "net") : 0;
	if (!(sk = nl_socket_alloc()))
		return iso_err_set(err, -ENOMEM, "net: netlink socket");
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0)
		r = nl_fail(err, r, "net: netlink socket");
	else
		r = add_address(sk, CTR_INNER_IFINDEX, ip, err);
	if (r == 0 && gw && gw[0])
		r = nl_route_default(sk, CTR_INNER_IFINDEX, gw, err);
	nl_socket_free(sk);
	return r;
}
