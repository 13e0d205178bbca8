#include "netif.h"

#include <errno.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>

int netif_up(int sock, const char *name, struct iso_err *err)
{
	struct ifreq ifr = {0};

	strncpy(ifr.ifr_name, name, sizeof(ifr.ifr_name) - 1);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return iso_err_set(err, -errno, "%s: get flags", name);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return iso_err_set(err, -errno, "%s: set up", name);
	return 0;
}
