/* TAP backend: open a tun/tap device (optionally inside a netns) for virtio-net. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cleanup.h"
#include "tap.h"
#include "virtio_net_frame.h"

#define TAP_CLONE_DEV "/dev/net/tun"
#define TAP_NETNS_DIR "/run/netns/"

static ssize_t tap_tx(struct net_backend *be, const struct iovec *iov, int iovcnt)
{
	ssize_t n = writev(be->fd, iov, iovcnt);

	return n < 0 ? -errno : n;
}

static ssize_t tap_rx(struct net_backend *be, void *buf, size_t len)
{
	ssize_t n = read(be->fd, buf, len);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

static int tap_set_offloads(struct net_backend *be, uint64_t guest_features, struct iso_err *err)
{
	unsigned int flags = 0;

	/* The guest must take partial checksums before it can take GSO
	 * (§5.1.3.1: GUEST_TSO* requires GUEST_CSUM). */
	if (guest_features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM)) {
		flags |= TUN_F_CSUM;
		if (guest_features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4))
			flags |= TUN_F_TSO4;
		if (guest_features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6))
			flags |= TUN_F_TSO6;
		if (guest_features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_ECN))
			flags |= TUN_F_TSO_ECN;
	}
	if (ioctl(be->fd, TUNSETOFFLOAD, flags) < 0)
		return iso_err_set(err, -errno, "tap: TUNSETOFFLOAD %#x", flags);
	return 0;
}

static void tap_destroy(struct net_backend *be)
{
	if (!be)
		return;
	if (be->fd >= 0)
		close(be->fd);
	free(be);
}

static const struct net_backend_ops tap_ops = {
	.tx = tap_tx,
	.rx = tap_rx,
	.set_offloads = tap_set_offloads,
	.destroy = tap_destroy,
};

static int tap_attach(const char *name, struct iso_err *err)
{
	cleanup_close int fd = -1;
	struct ifreq ifr = {0};

	if (strlen(name) >= IFNAMSIZ)
		return iso_err_input(err, -ENAMETOOLONG, "tap: name '%s' longer than %d", name,
				     IFNAMSIZ - 1);
	fd = open(TAP_CLONE_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return iso_err_set(err, -errno, "tap: open %s", TAP_CLONE_DEV);
	strcpy(ifr.ifr_name, name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return iso_err_set(err, -errno, "tap: TUNSETIFF %s", name);
	return steal_fd(&fd);
}

/* Attach inside `netns`: this thread enters it for the open and returns. */
static int tap_attach_in(const char *name, const char *netns, struct iso_err *err)
{
	char path[PATH_MAX];
	cleanup_close int self = -1, target = -1;
	int fd, r;

	if (!netns)
		return tap_attach(name, err);
	if (strchr(netns, '/'))
		r = snprintf(path, sizeof(path), "%s", netns);
	else
		r = snprintf(path, sizeof(path), TAP_NETNS_DIR "%s", netns);
	if (r < 0 || (size_t)r >= sizeof(path))
		return iso_err_input(err, -ENAMETOOLONG, "tap: netns '%s' too long", netns);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return iso_err_set(err, -errno, "tap: open own netns");
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0)
		return iso_err_set(err, -errno, "tap: open netns %s", path);
	if (setns(target, CLONE_NEWNET) < 0)
		return iso_err_set(err, -errno, "tap: enter netns %s", path);
	fd = tap_attach(name, err);
	if (setns(self, CLONE_NEWNET) < 0) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return iso_err_set(err, r, "tap: return from netns %s", path);
	}
	return fd;
}

/* A descriptor from the caller must be a TAP with the virtio-net header. */
static int tap_adopt(int fd, struct iso_err *err)
{
	struct ifreq ifr = {0};
	int own, fl;

	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		return iso_err_set(err, -errno, "tap: fd %d is not a tun/tap device", fd);
	if (!(ifr.ifr_flags & IFF_TAP) || !(ifr.ifr_flags & IFF_VNET_HDR) ||
	    !(ifr.ifr_flags & IFF_NO_PI))
		return iso_err_input(err, -EINVAL,
				     "tap: fd %d needs IFF_TAP|IFF_NO_PI|IFF_VNET_HDR (flags %#x)",
				     fd, ifr.ifr_flags);
	own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (own < 0)
		return iso_err_set(err, -errno, "tap: dup fd %d", fd);
	fl = fcntl(own, F_GETFL);
	if (fl < 0 || fcntl(own, F_SETFL, fl | O_NONBLOCK) < 0) {
		int e = -errno;

		close(own);
		return iso_err_set(err, e, "tap: set fd %d non-blocking", fd);
	}
	return own;
}

int tap_open(const char *name, const char *netns, int fd, struct net_backend **out,
	     struct iso_err *err)
{
	/* §5.1.6: with VERSION_1 or MRG_RXBUF the header is always 12 bytes;
	 * the tap passes the same layout. */
	int hdr_len = VIRTIO_NET_HDR_LEN;
	struct net_backend *be;
	int tfd, r;

	*out = NULL;
	tfd = fd >= 0 ? tap_adopt(fd, err) : tap_attach_in(name, netns, err);
	if (tfd < 0)
		return tfd;
	be = calloc(1, sizeof(*be));
	if (!be) {
		close(tfd);
		return iso_err_set(err, -ENOMEM, "tap: allocate");
	}
	be->ops = &tap_ops;
	be->fd = tfd;
	if (ioctl(tfd, TUNSETVNETHDRSZ, &hdr_len) < 0) {
		r = iso_err_set(err, -errno, "tap: TUNSETVNETHDRSZ %d", hdr_len);
		tap_destroy(be);
		return r;
	}
	r = tap_set_offloads(be, 0, err);
	if (r < 0) {
		tap_destroy(be);
		return r;
	}
	*out = be;
	return 0;
}
