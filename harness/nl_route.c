/* IPv4 routes over rtnetlink. */
#include "nl_route.h"

#include <errno.h>
#include <sys/socket.h>

#include <netlink/route/route.h>

int nl_route_default(struct nl_sock *sk, int ifindex, const char *gw, struct iso_err *err)
{
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = NULL, *via = NULL;
	int r;

	if (!route || !nh) {
		rtnl_route_put(route);
		if (nh) /* rtnl_route_nh_free() does not take NULL */
			rtnl_route_nh_free(nh);
		return iso_err_set(err, -ENOMEM, "default route: route object");
	}
	r = nl_addr_parse("0.0.0.0/0", AF_INET, &dst);
	if (r == 0)
		r = nl_addr_parse(gw, AF_INET, &via);
	if (r == 0) {
		rtnl_route_set_family(route, AF_INET);
		rtnl_route_set_dst(route, dst);
		rtnl_route_nh_set_gateway(nh, via);
		if (ifindex > 0)
			rtnl_route_nh_set_ifindex(nh, ifindex);
		rtnl_route_add_nexthop(route, nh); /* the route owns nh now */
		nh = NULL;
		r = rtnl_route_add(sk, route, NLM_F_CREATE);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	nl_addr_put(via);
	rtnl_route_put(route);
	if (r < 0)
		return iso_err_input(err, -EIO, "default route via %s: %s", gw, nl_geterror(r));
	return 0;
}
