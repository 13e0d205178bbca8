/* Network lab: namespaces, bridge, veth and TAP through libnl-route-3. */
#include "netlab.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "cleanup.h"
#include "clock.h"
#include "fsutil.h"
#include "nl_route.h"

/* The sink listens here inside its own namespace. */
#define NETLAB_SINK_PORT "7000"
#define NETLAB_SINK_HOST 1
#define NS_NAME_MAX	 64

struct netlab {
	char rid[RUNID_BUF];
	char sw[PATH_MAX], sink[PATH_MAX], rt[PATH_MAX]; /* rt: "" without NAT */
	char bridge[IFNAMSIZ];
	char sink_ip[32];
	char gw[32], nat_sink_ip[32]; /* router and sink upstream; "" without NAT */
	unsigned int net_octet;	      /* 10.NETLAB_OCTET.<net_octet>.0/24 */
	pid_t sink_pid;		      /* 0: no sink of ours (never signal a reaped pid) */
	uint64_t sink_start_ns;
	char sink_path[PATH_MAX], sink_log[PATH_MAX];
	int sink_cpu;
};

/* bench-sink always ends by itself (bench/sink/sink_args.h); ask for the
 * longest life it accepts, and restart it when a run outlives it. */
#define NETLAB_SINK_MAX_S 3600
/* A sink with less life left than this is replaced before an instance
 * starts: no network instance (bench_ctx timeout_s) may outlive it. */
#define NETLAB_SINK_MARGIN_S 600
/* How long a fresh sink may take to listen: an emulated machine under
 * load starts a program in seconds. Polled, so a quick start costs no
 * more. */
#define NETLAB_SINK_WAIT_MS 10000
/* TCP_LISTEN in the st column of /proc/net/tcp (include/net/tcp_states.h). */
#define TCP_STATE_LISTEN "0A"

/* 10.77.x.0/24: a private range (RFC 1918) used only inside the lab;
 * 10.78.x.0/24 the NAT variant's upstream link (router - sink). */
#define NETLAB_OCTET	   77
#define NETLAB_UP_OCTET	   78
#define NETLAB_ROUTER_HOST 254
#define NETLAB_NFT	   "/usr/sbin/nft"
/* The router's upstream leg, and the sink's end of it. */
#define NETLAB_UP_LINK	    "up0"
#define NETLAB_SINK_UP_LINK "eth1"
/* Masquerade what leaves the router upstream (nft(8): NAT STATEMENTS);
 * the counter shows that connections took the NAT path. */
#define NETLAB_NAT_RULES                                                                           \
	"table ip isobench {\n"                                                                    \
	"  chain postrouting {\n"                                                                  \
	"    type nat hook postrouting priority srcnat; policy accept;\n"                          \
	"    oifname \"" NETLAB_UP_LINK "\" counter masquerade\n"                                  \
	"  }\n"                                                                                    \
	"}\n"

static void ns_path(const struct netlab *lab, const char *role, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s%s-%s", NETLAB_NETNS_DIR, RUNID_NETNS_PREFIX, lab->rid, role);
}

/* Create a named network namespace the way `ip netns add` does: a file
 * under /run/netns with the namespace of a short-lived child bound on it. */
static int ns_create(const char *path, struct iso_err *err)
{
	int fd, status;
	pid_t pid;

	if (fsutil_mkdir_p(NETLAB_NETNS_DIR, 0755, err) < 0)
		return err->code;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0)
		return iso_err_set(err, -errno, "create %s", path);
	close(fd);
	pid = fork();
	if (pid < 0)
		return iso_err_set(err, -errno, "fork for %s", path);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0 ||
		    mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
			_exit(1);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		unlink(path);
		return iso_err_input(err, -EIO, "netns %s: unshare or bind mount failed", path);
	}
	return 0;
}

static void ns_delete(const char *path)
{
	if (!path[0])
		return;
	umount2(path, MNT_DETACH);
	unlink(path);
}

/* A netlink route socket bound to the namespace at `path`: sockets keep
 * the namespace they were created in, so enter it only to connect. */
static int nl_in(const char *path, struct nl_sock **out, struct iso_err *err)
{
	cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cleanup_close int target = open(path, O_RDONLY | O_CLOEXEC);
	struct nl_sock *sk;
	int r;

	if (self < 0 || target < 0)
		return iso_err_set(err, -errno, "open netns %s", path);
	sk = nl_socket_alloc();
	if (!sk)
		return iso_err_set(err, -ENOMEM, "netlink socket");
	if (setns(target, CLONE_NEWNET) < 0) {
		nl_socket_free(sk);
		return iso_err_set(err, -errno, "enter netns %s", path);
	}
	r = nl_connect(sk, NETLINK_ROUTE);
	if (setns(self, CLONE_NEWNET) < 0)
		abort(); /* cannot return to our own namespace: nothing is safe */
	if (r < 0) {
		nl_socket_free(sk);
		return iso_err_input(err, -EIO, "netlink connect in %s: %s", path, nl_geterror(r));
	}
	*out = sk;
	return 0;
}

static void nl_free(struct nl_sock **sk)
{
	if (*sk)
		nl_socket_free(*sk);
}
#define cleanup_nl __attribute__((cleanup(nl_free)))

static int link_ifindex(struct nl_sock *sk, const char *name, int *ifindex, struct iso_err *err)
{
	struct rtnl_link *link = NULL;
	int r = rtnl_link_get_kernel(sk, 0, name, &link);

	if (r < 0)
		return iso_err_input(err, -ENODEV, "link %s: %s", name, nl_geterror(r));
	*ifindex = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return 0;
}

/* Bring link `name` up, enslaved to the link with index `master` unless
 * that is 0. */
static int link_master_up(struct nl_sock *sk, const char *name, int master, struct iso_err *err)
{
	struct rtnl_link *link = NULL, *change;
	int r = rtnl_link_get_kernel(sk, 0, name, &link);

	if (r < 0)
		return iso_err_input(err, -ENODEV, "link %s: %s", name, nl_geterror(r));
	change = rtnl_link_alloc();
	if (master)
		rtnl_link_set_master(change, master);
	rtnl_link_set_flags(change, IFF_UP);
	r = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(link);
	if (r < 0)
		return iso_err_input(err, -EIO, "link %s up%s: %s", name,
				     master ? " on the bridge" : "", nl_geterror(r));
	return 0;
}

static int link_up(struct nl_sock *sk, const char *name, struct iso_err *err)
{
	return link_master_up(sk, name, 0, err);
}

static int addr_add(struct nl_sock *sk, const char *ifname, const char *cidr, struct iso_err *err)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int ifindex = 0, r;

	r = link_ifindex(sk, ifname, &ifindex, err);
	if (r < 0 || !addr) {
		rtnl_addr_put(addr);
		return r < 0 ? r : iso_err_set(err, -ENOMEM, "address");
	}
	r = nl_addr_parse(cidr, AF_INET, &local);
	if (r == 0) {
		rtnl_addr_set_ifindex(addr, ifindex);
		r = rtnl_addr_set_local(addr, local);
	}
	if (r == 0)
		r = rtnl_addr_add(sk, addr, 0);
	nl_addr_put(local);
	rtnl_addr_put(addr);
	if (r < 0)
		return iso_err_input(err, -EIO, "address %s on %s: %s", cidr, ifname,
				     nl_geterror(r));
	return 0;
}

/* A veth pair made through `sk`: `name` in sk's namespace, `peer_name`
 * placed directly in the namespace open at `peer_nsfd`. */
static int veth_pair(struct nl_sock *sk, const char *name, const char *peer_name, int peer_nsfd,
		     struct iso_err *err)
{
	struct rtnl_link *veth = rtnl_link_veth_alloc(), *peer;
	int r;

	if (!veth)
		return iso_err_set(err, -ENOMEM, "veth");
	peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(veth, name);
	rtnl_link_set_name(peer, peer_name);
	rtnl_link_set_ns_fd(peer, peer_nsfd);
	r = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(peer);
	rtnl_link_veth_release(veth);
	if (r < 0)
		return iso_err_input(err, -EIO, "veth %s: %s", name, nl_geterror(r));
	return 0;
}

/* Make namespace `ns_path` with eth0 = `cidr` (and a default route via
 * `gw` unless ""), its veth peer `outer` enslaved to the bridge in the
 * switch namespace. The pair is created in the switch namespace with the
 * peer placed directly in its target. */
static int veth_into(struct netlab *lab, const char *path, const char *outer, const char *cidr,
		     const char *gw, struct iso_err *err)
{
	cleanup_nl struct nl_sock *sw = NULL;
	cleanup_nl struct nl_sock *in = NULL;
	cleanup_close int nsfd = -1;
	int br = 0, r;

	r = ns_create(path, err);
	if (r == 0)
		r = nl_in(lab->sw, &sw, err);
	if (r == 0)
		r = link_ifindex(sw, lab->bridge, &br, err);
	if (r < 0)
		return r;
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return iso_err_set(err, -errno, "open %s", path);
	r = veth_pair(sw, outer, "eth0", nsfd, err);
	if (r == 0)
		r = link_master_up(sw, outer, br, err);
	if (r == 0)
		r = nl_in(path, &in, err);
	if (r == 0)
		r = link_up(in, "lo", err);
	if (r == 0)
		r = addr_add(in, "eth0", cidr, err);
	if (r == 0)
		r = link_up(in, "eth0", err);
	if (r == 0 && gw[0])
		r = nl_route_default(in, 0, gw, err);
	return r;
}

static int bridge_create(struct netlab *lab, struct iso_err *err)
{
	cleanup_nl struct nl_sock *sk = NULL;
	struct rtnl_link *br;
	int r = nl_in(lab->sw, &sk, err);

	if (r < 0)
		return r;
	br = rtnl_link_alloc();
	if (!br)
		return iso_err_set(err, -ENOMEM, "bridge");
	rtnl_link_set_name(br, lab->bridge);
	r = rtnl_link_set_type(br, "bridge");
	if (r == 0)
		r = rtnl_link_add(sk, br, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(br);
	if (r < 0)
		return iso_err_input(err, -EIO, "bridge %s: %s", lab->bridge, nl_geterror(r));
	r = link_up(sk, "lo", err);
	return r == 0 ? link_up(sk, lab->bridge, err) : r;
}

/* In a child inside the router namespace: turn on forwarding (the
 * namespace's own /proc/sys/net, as seen by a task inside it) and load
 * the masquerade rules with nft from a memfd. Its stderr comes back
 * through a pipe for the error message. */
static int router_rules(const struct netlab *lab, struct iso_err *err)
{
	cleanup_close int nsfd = open(lab->rt, O_RDONLY | O_CLOEXEC);
	cleanup_close int rules = memfd_create("isobench-nat", 0);
	int pipefd[2], status;
	char msg[256] = "";
	ssize_t n;
	pid_t pid;

	if (nsfd < 0 || rules < 0)
		return iso_err_set(err, -errno, "router: open %s or memfd", lab->rt);
	if (write(rules, NETLAB_NAT_RULES, strlen(NETLAB_NAT_RULES)) < 0)
		return iso_err_set(err, -errno, "router: nft rules");
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return iso_err_set(err, -errno, "router: pipe");
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return iso_err_set(err, -errno, "router: fork");
	}
	if (pid == 0) {
		char file[64];
		char *argv[] = {NETLAB_NFT, "-f", file, NULL};

		snprintf(file, sizeof(file), "/proc/self/fd/%d", rules);
		dup2(pipefd[1], 2);
		if (setns(nsfd, CLONE_NEWNET) < 0 ||
		    fsutil_write("/proc/sys/net/ipv4/ip_forward", "1", NULL) < 0) {
			dprintf(2, "enter %s and enable forwarding: %s", lab->rt, strerror(errno));
			_exit(1);
		}
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, sizeof(msg) - 1);
	close(pipefd[0]);
	msg[n > 0 ? n : 0] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return iso_err_input(err, -EIO, "router: %s", msg[0] ? msg : "nft failed");
	return 0;
}

/* The NAT variant: router namespace isob-<rid>-rt with eth0 on the bridge
 * (the instances' gateway) and an upstream veth to the sink namespace,
 * masquerading what it forwards there, like VMnet#0's NAT device. */
static int router_create(struct netlab *lab, struct iso_err *err)
{
	cleanup_nl struct nl_sock *rt = NULL;
	cleanup_nl struct nl_sock *sink = NULL;
	cleanup_close int sinkfd = open(lab->sink, O_RDONLY | O_CLOEXEC);
	char outer[IFNAMSIZ], cidr[48];
	int r;

	if (sinkfd < 0)
		return iso_err_set(err, -errno, "open %s", lab->sink);
	ns_path(lab, "rt", lab->rt, sizeof(lab->rt));
	snprintf(lab->gw, sizeof(lab->gw), "10.%d.%u.%d", NETLAB_OCTET, lab->net_octet,
		 NETLAB_ROUTER_HOST);
	snprintf(lab->nat_sink_ip, sizeof(lab->nat_sink_ip), "10.%d.%u.%d", NETLAB_UP_OCTET,
		 lab->net_octet, NETLAB_SINK_HOST);
	snprintf(outer, sizeof(outer), "%s%sr0", RUNID_LINK_PREFIX, lab->rid);
	snprintf(cidr, sizeof(cidr), "%s/%d", lab->gw, NETLAB_PREFIX);
	r = veth_into(lab, lab->rt, outer, cidr, "", err);
	if (r == 0)
		r = nl_in(lab->rt, &rt, err);
	if (r == 0)
		r = nl_in(lab->sink, &sink, err);
	if (r == 0)
		r = veth_pair(rt, NETLAB_UP_LINK, NETLAB_SINK_UP_LINK, sinkfd, err);
	snprintf(cidr, sizeof(cidr), "10.%d.%u.%d/%d", NETLAB_UP_OCTET, lab->net_octet,
		 NETLAB_SINK_HOST + 1, NETLAB_PREFIX);
	if (r == 0)
		r = addr_add(rt, NETLAB_UP_LINK, cidr, err);
	if (r == 0)
		r = link_up(rt, NETLAB_UP_LINK, err);
	snprintf(cidr, sizeof(cidr), "%s/%d", lab->nat_sink_ip, NETLAB_PREFIX);
	if (r == 0)
		r = addr_add(sink, NETLAB_SINK_UP_LINK, cidr, err);
	if (r == 0)
		r = link_up(sink, NETLAB_SINK_UP_LINK, err);
	if (r == 0)
		r = router_rules(lab, err);
	return r;
}

/* Is the sink listening on its port? Its /proc/<pid>/net/tcp shows the
 * sockets of its own namespace: local address "0100..:1B58" style, state
 * LISTEN. */
static int sink_listening(const struct netlab *lab)
{
	char path[64], text[16384], port[8];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/net/tcp", (int)lab->sink_pid);
	snprintf(port, sizeof(port), ":%04X", (unsigned int)atoi(NETLAB_SINK_PORT));
	n = fsutil_read(path, text, sizeof(text), NULL);
	if (n <= 0)
		return 0;
	for (char *line = strchr(text, '\n'); line; line = strchr(line + 1, '\n')) {
		char local[64], remote[64], st[8];

		if (sscanf(line, " %*d: %63s %63s %7s", local, remote, st) == 3 &&
		    strstr(local, port) && !strcmp(st, TCP_STATE_LISTEN))
			return 1;
	}
	return 0;
}

/* Is our sink still running? Reaps it when it has ended. */
static int sink_alive(struct netlab *lab)
{
	if (lab->sink_pid > 0 && waitpid(lab->sink_pid, NULL, WNOHANG) != 0)
		lab->sink_pid = 0; /* ended and reaped, or not our child */
	return lab->sink_pid > 0;
}

static void sink_stop(struct netlab *lab)
{
	if (!sink_alive(lab))
		return;
	kill(lab->sink_pid, SIGTERM);
	while (waitpid(lab->sink_pid, NULL, 0) < 0 && errno == EINTR)
		;
	lab->sink_pid = 0;
}

static int sink_start(struct netlab *lab, struct iso_err *err)
{
	cleanup_close int nsfd = open(lab->sink, O_RDONLY | O_CLOEXEC);
	int log;

	if (nsfd < 0)
		return iso_err_set(err, -errno, "open %s", lab->sink);
	if (access(lab->sink_path, X_OK) < 0)
		return iso_err_set(err, -errno, "sink %s", lab->sink_path);
	log = open(lab->sink_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log < 0)
		return iso_err_set(err, -errno, "open %s", lab->sink_log);
	lab->sink_pid = fork();
	if (lab->sink_pid < 0) {
		lab->sink_pid = 0;
		close(log);
		return iso_err_set(err, -errno, "fork sink");
	}
	if (lab->sink_pid == 0) {
		char listen[64], max_s[16];
		char *argv[] = {lab->sink_path, "--listen", listen, "--max-seconds", max_s, NULL};

		snprintf(max_s, sizeof(max_s), "%d", NETLAB_SINK_MAX_S);
		/* Every address of its namespace: the bridge leg and, with NAT,
		 * the upstream leg. */
		snprintf(listen, sizeof(listen), "0.0.0.0:%s", NETLAB_SINK_PORT);
		if (lab->sink_cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(lab->sink_cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		dup2(log, 1);
		dup2(log, 2);
		if (setns(nsfd, CLONE_NEWNET) == 0)
			execv(argv[0], argv);
		_exit(127);
	}
	close(log);
	lab->sink_start_ns = clock_mono_ns();
	for (int ms = 0; ms < NETLAB_SINK_WAIT_MS; ms += 10) {
		if (sink_listening(lab))
			return 0;
		if (!sink_alive(lab))
			return iso_err_input(err, -EIO, "sink exited at start (see %s)",
					     lab->sink_log);
		usleep(10000);
	}
	sink_stop(lab);
	return iso_err_input(err, -ETIMEDOUT, "sink not listening after %d ms",
			     NETLAB_SINK_WAIT_MS);
}

int netlab_sink_ensure(struct netlab *lab, struct iso_err *err)
{
	uint64_t age_ns = clock_mono_ns() - lab->sink_start_ns;
	uint64_t keep_ns = (NETLAB_SINK_MAX_S - NETLAB_SINK_MARGIN_S) * 1000000000ull;

	/* Running, listening, and with enough life left for one instance;
	 * otherwise (ended by itself or killed, stuck, or near its end) a new
	 * one. Nothing uses the sink between network instances. */
	if (sink_alive(lab) && sink_listening(lab) && age_ns < keep_ns)
		return 0;
	sink_stop(lab);
	return sink_start(lab, err) < 0 ? iso_err_wrap(err, "network lab") : 0;
}

int netlab_create(const struct netlab_config *cfg, struct netlab **out, struct iso_err *err)
{
	struct netlab *lab = calloc(1, sizeof(*lab));
	char outer[IFNAMSIZ], cidr[48];
	int r;

	if (!lab)
		return iso_err_set(err, -ENOMEM, "network lab");
	snprintf(lab->rid, sizeof(lab->rid), "%s", cfg->rid);
	snprintf(lab->sink_path, sizeof(lab->sink_path), "%s", cfg->sink_path);
	snprintf(lab->sink_log, sizeof(lab->sink_log), "%s", cfg->sink_log);
	lab->sink_cpu = cfg->sink_cpu;
	lab->net_octet = (unsigned int)strtoul(cfg->rid, NULL, 16) & 0xff;
	ns_path(lab, "sw", lab->sw, sizeof(lab->sw));
	snprintf(lab->bridge, sizeof(lab->bridge), "%s%sbr0", RUNID_LINK_PREFIX, lab->rid);
	snprintf(lab->sink_ip, sizeof(lab->sink_ip), "10.%d.%u.%d", NETLAB_OCTET, lab->net_octet,
		 NETLAB_SINK_HOST);
	snprintf(outer, sizeof(outer), "%s%ss0", RUNID_LINK_PREFIX, lab->rid);
	snprintf(cidr, sizeof(cidr), "%s/%d", lab->sink_ip, NETLAB_PREFIX);
	r = ns_create(lab->sw, err);
	if (r == 0)
		r = bridge_create(lab, err);
	if (r == 0) {
		ns_path(lab, "sink", lab->sink, sizeof(lab->sink));
		r = veth_into(lab, lab->sink, outer, cidr, "", err);
	}
	if (r == 0 && cfg->nat)
		r = router_create(lab, err);
	if (r == 0)
		r = sink_start(lab, err);
	if (r < 0) {
		netlab_destroy(lab);
		return iso_err_wrap(err, "network lab");
	}
	*out = lab;
	return 0;
}

void netlab_destroy(struct netlab *lab)
{
	if (!lab)
		return;
	sink_stop(lab);
	/* Deleting a namespace deletes the links in it, and a veth end with
	 * its peer; the bridge and TAPs go with the switch namespace. */
	ns_delete(lab->rt);
	ns_delete(lab->sink);
	ns_delete(lab->sw);
	free(lab);
}

const char *netlab_sink_ip(const struct netlab *lab)
{
	return lab->sink_ip;
}

const char *netlab_sink_port(const struct netlab *lab)
{
	(void)lab;
	return NETLAB_SINK_PORT;
}

const char *netlab_gateway(const struct netlab *lab)
{
	return lab->gw;
}

const char *netlab_nat_sink_ip(const struct netlab *lab)
{
	return lab->nat_sink_ip;
}

const char *netlab_switch_netns(const struct netlab *lab)
{
	return lab->sw;
}

const char *netlab_bridge(const struct netlab *lab)
{
	return lab->bridge;
}

int netlab_instance_ip(const struct netlab *lab, unsigned int n, char *ip, size_t cap,
		       struct iso_err *err)
{
	if (n >= NETLAB_HOSTS_MAX)
		return iso_err_input(err, -ENOSPC, "network lab: no address left for instance %u",
				     n);
	snprintf(ip, cap, "10.%d.%u.%u/%d", NETLAB_OCTET, lab->net_octet, NETLAB_HOST_FIRST + n,
		 NETLAB_PREFIX);
	return 0;
}

int netlab_attach_veth(struct netlab *lab, unsigned int n, const char *gw, char *netns, size_t cap,
		       struct iso_err *err)
{
	char role[16], outer[IFNAMSIZ], cidr[48];
	int r = netlab_instance_ip(lab, n, cidr, sizeof(cidr), err);

	if (r < 0)
		return r;
	snprintf(role, sizeof(role), "i%u", n);
	ns_path(lab, role, netns, cap);
	/* Role "n"; isoctr names its own veth ends ib<rid>c<n> (runid.h). */
	snprintf(outer, sizeof(outer), "%s%sn%u", RUNID_LINK_PREFIX, lab->rid, n);
	r = veth_into(lab, netns, outer, cidr, gw, err);
	if (r < 0) {
		ns_delete(netns);
		return iso_err_wrap(err, "network lab: instance %u", n);
	}
	return 0;
}

/* Persistent TAP in the calling thread's namespace (Documentation/
 * networking/tuntap.rst: TUNSETIFF then TUNSETPERSIST). */
static int tap_create(const char *name, struct iso_err *err)
{
	cleanup_close int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	struct ifreq ifr = {0};

	if (fd < 0)
		return iso_err_set(err, -errno, "open /dev/net/tun");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return iso_err_set(err, -errno, "TUNSETIFF %s", name);
	if (ioctl(fd, TUNSETPERSIST, 1) < 0)
		return iso_err_set(err, -errno, "TUNSETPERSIST %s", name);
	return 0;
}

int netlab_attach_tap(struct netlab *lab, unsigned int n, char *tap, size_t cap,
		      struct iso_err *err)
{
	cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cleanup_close int sw = open(lab->sw, O_RDONLY | O_CLOEXEC);
	cleanup_nl struct nl_sock *sk = NULL;
	int br = 0, r;

	snprintf(tap, cap, "%s%st%u", RUNID_LINK_PREFIX, lab->rid, n);
	if (self < 0 || sw < 0)
		return iso_err_set(err, -errno, "open netns %s", lab->sw);
	if (setns(sw, CLONE_NEWNET) < 0)
		return iso_err_set(err, -errno, "enter netns %s", lab->sw);
	r = tap_create(tap, err);
	if (setns(self, CLONE_NEWNET) < 0)
		abort(); /* cannot return to our own namespace: nothing is safe */
	if (r == 0)
		r = nl_in(lab->sw, &sk, err);
	if (r == 0)
		r = link_ifindex(sk, lab->bridge, &br, err);
	if (r == 0)
		r = link_master_up(sk, tap, br, err);
	if (r < 0) {
		netlab_detach(lab, n);
		return iso_err_wrap(err, "network lab: TAP %s", tap);
	}
	return 0;
}

void netlab_detach(struct netlab *lab, unsigned int n)
{
	cleanup_nl struct nl_sock *sk = NULL;
	char role[16], path[PATH_MAX], tap[IFNAMSIZ];
	struct rtnl_link *link = NULL;

	snprintf(role, sizeof(role), "i%u", n);
	ns_path(lab, role, path, sizeof(path));
	if (access(path, F_OK) == 0)
		ns_delete(path);
	snprintf(tap, sizeof(tap), "%s%st%u", RUNID_LINK_PREFIX, lab->rid, n);
	if (nl_in(lab->sw, &sk, NULL) == 0 && rtnl_link_get_kernel(sk, 0, tap, &link) == 0) {
		rtnl_link_delete(sk, link);
		rtnl_link_put(link);
	}
}
