/* virtio-net device (virtio 1.x §5.1) over virtio-pci, with a net backend. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>

#include "device_table.h"
#include "net_backend.h"
#include "pci.h"
#include "tap.h"
#include "virtio_net_frame.h"
#include "virtio_pci.h"

#define VIRTIO_ID_NET	   1 /* §5 */
#define VIRTIO_NET_RXQ	   0 /* §5.1.2: receiveq1, transmitq1 */
#define VIRTIO_NET_TXQ	   1
#define VIRTIO_NET_QUEUES  2
#define VIRTIO_NET_QSIZE   256
#define VIRTIO_NET_IRQ_RUN 64 /* rx frames per interrupt check while draining */

/* The offer: MAC, both checksum offloads, TSO both ways, mergeable rx
 * buffers and event-index suppression (§5.1.3, §6). */
#define VIRTIO_NET_OFFERED                                                                         \
	(VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_CSUM) |                            \
	 VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |                \
	 VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) |                \
	 VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6) | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |                \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX))

/* struct virtio_net_config (§5.1.4): only mac is offered. */
struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
	uint16_t mtu;
};

struct virtio_net {
	struct vm *vm;
	struct virtio_pci *vp;
	struct net_backend *be;
	bool io_added;
	struct virtio_net_config config;

	/* Under the transport lock: */
	bool running;
	uint64_t features;
	size_t hdr_len;
	bool mergeable;
	size_t rx_len; /* a frame read from the backend, not yet delivered */
	uint8_t rx_frame[VIRTIO_NET_HDR_LEN + VIRTIO_NET_FRAME_MAX];
	struct virtq_chain rx_scratch[2];
	struct virtq_chain tx_chain;
	struct virtio_net_hdr tx_hdr;
	struct iovec tx_iov[VIRTQ_SIZE_MAX + 1];
};

static void net_config_read(void *dev, uint32_t off, void *data, uint32_t len)
{
	struct virtio_net *net = dev;

	memcpy(data, (uint8_t *)&net->config + off, len);
}

enum { NET_RING_DONE, NET_RING_AGAIN, NET_RING_GOT };

/* What a queue loop does after a ring operation that returned `r`: a
 * broken ring breaks the device (done); an empty one (0) re-enables the
 * driver's notifications and is looked at again if buffers arrived
 * meanwhile (again), else the loop waits for the next notification
 * (done); > 0: it got one. */
static int net_ring_next(struct virtio_net *net, struct virtq *q, int r, const struct iso_err *err)
{
	if (r < 0) {
		virtio_pci_fail(net->vp, err);
		return NET_RING_DONE;
	}
	if (r == 0)
		return virtq_enable_notify(q) ? NET_RING_AGAIN : NET_RING_DONE;
	return NET_RING_GOT;
}

/* Move backend frames into the rx queue until the backend is empty or the
 * driver runs out of buffers; the frame that did not fit waits for the
 * driver's next rx notification. The backend fd is edge-triggered, so
 * draining to -EAGAIN is what re-arms it. */
static void net_rx_drain(struct virtio_net *net)
{
	struct virtq *q = virtio_pci_queue(net->vp, VIRTIO_NET_RXQ);
	struct guest_mem *mem = vm_guest_mem(net->vm);
	struct iso_err err = {0};
	unsigned int delivered = 0;

	while (net->running) {
		int r;

		if (!net->rx_len) {
			ssize_t n = net->be->ops->rx(net->be, net->rx_frame, sizeof(net->rx_frame));

			if (n == -EAGAIN)
				break;
			if (n < 0) {
				vm_log(net->vm, "virtio-net: backend rx: %s", strerror((int)-n));
				break;
			}
			net->rx_len = (size_t)n;
		}
		r = virtio_net_frame_rx(q, mem, net->rx_frame, net->rx_len, net->hdr_len,
					net->mergeable, net->rx_scratch, &err);
		r = net_ring_next(net, q, r, &err);
		if (r == NET_RING_AGAIN)
			continue;
		if (r == NET_RING_DONE)
			break;
		net->rx_len = 0;
		if (++delivered % VIRTIO_NET_IRQ_RUN == 0)
			virtio_pci_queue_done(net->vp, VIRTIO_NET_RXQ);
	}
	virtio_pci_queue_done(net->vp, VIRTIO_NET_RXQ);
}

/* Send every chain the driver queued; a bad request is dropped, a broken
 * ring breaks the device. */
static void net_tx(struct virtio_net *net)
{
	struct virtq *q = virtio_pci_queue(net->vp, VIRTIO_NET_TXQ);
	struct guest_mem *mem = vm_guest_mem(net->vm);
	struct iso_err err = {0};

	for (;;) {
		int r = net_ring_next(net, q, virtq_pop(q, mem, &net->tx_chain, &err), &err);

		if (r == NET_RING_AGAIN)
			continue;
		if (r == NET_RING_DONE)
			break;
		r = virtio_net_frame_tx(&net->tx_chain, net->hdr_len, net->features, &net->tx_hdr,
					net->tx_iov, &err);
		if (r < 0)
			vm_log(net->vm, "virtio-net: tx dropped: %s", err.msg);
		else if ((r = (int)net->be->ops->tx(net->be, net->tx_iov, r)) < 0)
			vm_log(net->vm, "virtio-net: backend tx: %s", strerror(-r));
		virtq_push(q, net->tx_chain.head, 0);
	}
	virtio_pci_queue_done(net->vp, VIRTIO_NET_TXQ);
}

static int net_start(void *dev, uint64_t features, struct iso_err *err)
{
	struct virtio_net *net = dev;
	int r;

	net->features = features;
	net->hdr_len = virtio_net_frame_hdr_len(features);
	net->mergeable = features & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);
	net->rx_len = 0;
	r = net->be->ops->set_offloads(net->be, features, err);
	if (r < 0)
		return r;
	net->running = true;
	/* Whatever arrived, or was queued, before DRIVER_OK. */
	net_tx(net);
	net_rx_drain(net);
	return 0;
}

static void net_notify(void *dev, unsigned int q)
{
	struct virtio_net *net = dev;

	if (!net->running)
		return;
	if (q == VIRTIO_NET_TXQ)
		net_tx(net);
	else if (q == VIRTIO_NET_RXQ)
		net_rx_drain(net);
}

static void net_reset(void *dev)
{
	struct virtio_net *net = dev;
	struct iso_err err = {0};

	net->running = false;
	net->rx_len = 0;
	if (net->features && net->be->ops->set_offloads(net->be, 0, &err) < 0)
		vm_log(net->vm, "virtio-net: %s", err.msg);
	net->features = 0;
}

static const struct virtio_dev_ops virtio_net_ops = {
	.config_read = net_config_read,
	.start = net_start,
	.notify = net_notify,
	.reset = net_reset,
};

/* Main I/O loop: the backend has frames. */
static void net_backend_ready(void *opaque, uint32_t events)
{
	struct virtio_net *net = opaque;

	(void)events;
	virtio_pci_lock(net->vp);
	net_rx_drain(net);
	virtio_pci_unlock(net->vp);
}

static int net_pick_mac(const struct vm_config *cfg, uint8_t mac[6], struct iso_err *err)
{
	if (cfg->has_mac) {
		memcpy(mac, cfg->mac, 6);
		return 0;
	}
	/* Locally administered unicast (IEEE 802 U/L bit set, I/G clear). */
	if (getrandom(mac, 6, 0) != 6)
		return iso_err_set(err, -errno, "virtio-net: random MAC");
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
	return 0;
}

int virtio_net_setup(struct vm *vm, void **priv, struct iso_err *err)
{
	const struct vm_config *cfg = vm_config(vm);
	struct virtio_pci_config pcfg = {
		.name = "virtio-net",
		.device_type = VIRTIO_ID_NET,
		.class_code = PCI_CLASS_NETWORK_ETHER,
		.features = VIRTIO_NET_OFFERED,
		.num_queues = VIRTIO_NET_QUEUES,
		.queue_size = VIRTIO_NET_QSIZE,
		.config_len = sizeof(struct virtio_net_config),
		.ops = &virtio_net_ops,
		.legacy_only = cfg->virtio_legacy,
	};
	struct virtio_net *net;
	int r;

	if (!cfg->tap_name && cfg->tap_fd < 0)
		return 0;
	net = calloc(1, sizeof(*net));
	if (!net)
		return iso_err_set(err, -ENOMEM, "virtio-net: allocate");
	*priv = net;
	net->vm = vm;
	r = net_pick_mac(cfg, net->config.mac, err);
	if (r < 0)
		return r;
	r = tap_open(cfg->tap_name, cfg->netns, cfg->tap_fd, &net->be, err);
	if (r < 0)
		return iso_err_wrap(err, "virtio-net");
	pcfg.dev = net;
	r = virtio_pci_create(vm, &pcfg, &net->vp, err);
	if (r < 0)
		return r;
	r = vm_io_add_fd(vm, net->be->fd, EPOLLIN | EPOLLET, net_backend_ready, net, err);
	if (r < 0)
		return iso_err_wrap(err, "virtio-net");
	net->io_added = true;
	return 0;
}

void virtio_net_teardown(struct vm *vm, void *priv)
{
	struct virtio_net *net = priv;

	if (!net)
		return;
	if (net->io_added)
		vm_io_del_fd(vm, net->be->fd);
	virtio_pci_destroy(net->vp);
	if (net->be)
		net->be->ops->destroy(net->be);
	free(net);
}
