/* Guest NIC and loopback configuration through SIOC* ioctls (netdevice(7)). */
#include "init_net.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/route.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "netif.h"

static void sin_set(struct sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr = a};

	memcpy(sa, &sin, sizeof(sin));
}

static int addr_set(int s, const struct init_net_cfg *cfg, struct iso_err *err)
{
	struct in_addr mask = {.s_addr =
				       htonl(cfg->prefix ? 0xffffffffu << (32 - cfg->prefix) : 0)};
	struct ifreq ifr = {0};

	strncpy(ifr.ifr_name, cfg->ifname, sizeof(ifr.ifr_name) - 1);
	sin_set(&ifr.ifr_addr, cfg->addr);
	if (ioctl(s, SIOCSIFADDR, &ifr) < 0)
		return iso_err_set(err, -errno, "%s: set address", cfg->ifname);
	sin_set(&ifr.ifr_netmask, mask);
	if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0)
		return iso_err_set(err, -errno, "%s: set netmask /%d", cfg->ifname, cfg->prefix);
	return 0;
}

static int route_default(int s, const struct init_net_cfg *cfg, struct iso_err *err)
{
	struct in_addr any = {.s_addr = INADDR_ANY};
	char dev[IF_NAMESIZE];
	struct rtentry rt = {0};

	strcpy(dev, cfg->ifname);
	sin_set(&rt.rt_dst, any);
	sin_set(&rt.rt_genmask, any);
	sin_set(&rt.rt_gateway, cfg->gw);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = dev;
	if (ioctl(s, SIOCADDRT, &rt) < 0)
		return iso_err_set(err, -errno, "%s: add default route via %s", cfg->ifname,
				   inet_ntoa(cfg->gw));
	return 0;
}

int init_net_setup(const struct init_net_cfg *cfg, struct iso_err *err)
{
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return iso_err_set(err, -errno, "net: socket");
	/* Bringing lo up also gives it 127.0.0.1/8 (the kernel adds it). */
	if (netif_up(s, "lo", err) < 0)
		return iso_err_wrap(err, "net");
	if (!cfg->have_ip)
		return 0;
	if (addr_set(s, cfg, err) < 0 || netif_up(s, cfg->ifname, err) < 0)
		return iso_err_wrap(err, "net");
	if (cfg->have_gw && route_default(s, cfg, err) < 0)
		return iso_err_wrap(err, "net");
	return 0;
}
