/* isovm: boot a Linux bzImage with an initramfs in a minimal KVM VM and
 * exit with the workload's status. Options, input checks, and the
 * construction order: open/plan -> vm_create -> load -> run -> destroy. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_linux.h"
#include "cleanup.h"
#include "vm.h"

/* Measured in the test machine with the Debian cloud kernel and the
 * project's image: 72 MiB is the least that boots `ready` (the kernel
 * alone needs 68: pref_address 16 MiB + init_size); 96 leaves room for
 * modules and workloads. Untouched guest RAM costs the host nothing. */
#define ISOVM_DEFAULT_MEM_MIB 96u
#define ISOVM_MIN_MEM_MIB     2u
#define ISOVM_TIMEOUT_MAX_S   (7u * 24 * 3600) /* a week */

/* `isovm --version`; bumped when the command line or the events change. */
#define ISOVM_VERSION "isovm 1.0"

static const char usage_text[] =
	"usage: isovm --kernel FILE [--initrd FILE] [--cmdline STR] [options]\n"
	"       isovm --help | --version\n"
	"\n"
	"Boot a Linux bzImage directly in 64-bit mode in a minimal KVM VM (serial\n"
	"console, bench port, optional virtio-net on a TAP) and exit with the\n"
	"workload's exit status, as sent by the guest's init on the bench port.\n"
	"Options take their value as --opt VALUE or --opt=VALUE.\n"
	"\n"
	"Guest:\n"
	"  --kernel FILE      bzImage to boot (boot protocol 2.12 or later)\n"
	"  --initrd FILE      initramfs (cpio), placed at the top of guest RAM\n"
	"  --cmdline STR      kernel command line; words after ' -- ' go to init.\n"
	"                     isovm prepends: reboot=t panic=-1 io_delay=none\n"
	"                     8250.nr_uarts=1 no_timer_check, and\n"
	"                     console=ttyS0 unless STR names a console or\n"
	"                     --console is none (later parameters win)\n"
	"  --mem MIB          guest RAM in MiB (default %u, %u..%u)\n"
	"  --cpus N           vCPUs, each on its own thread (default 1, max %u)\n"
	"  --hugepages        back guest RAM with transparent hugepages\n"
	"\n"
	"Network (virtio-net over PCI, only with --tap or --tap-fd):\n"
	"  --tap NAME         attach to TAP device NAME (created if absent, and\n"
	"                     then removed when isovm exits)\n"
	"  --tap-fd FD        ... or to this already open TAP descriptor\n"
	"  --netns NAME       open the TAP inside this network namespace (a name\n"
	"                     under /run/netns or a path)\n"
	"  --mac MAC          guest MAC address, unicast aa:bb:cc:dd:ee:ff\n"
	"                     (default: random, locally administered)\n"
	"  --virtio-legacy    offer only the legacy virtio-pci interface (no\n"
	"                     modern capabilities, no VIRTIO_F_VERSION_1)\n"
	"\n"
	"Run:\n"
	"  --console WHERE    serial console: stdout (default), none, or a file\n"
	"  --events-fd FD     write bench port events as lines '<t_ns> KIND ...':\n"
	"                     PHASE vm_created|kernel_loaded|vcpu_start, READY,\n"
	"                     REPORT, EXIT\n"
	"  --timeout S        stop a guest still running after S seconds (default:\n"
	"                     never)\n"
	"  --verbose          log ignored port/MMIO accesses, device and guest\n"
	"                     resets to stderr\n"
	"  --help             this text\n"
	"  --version          print the version and exit\n"
	"\n"
	"Exit status: the workload's (0..239) from the guest's EXIT message, or\n"
	"  240 bad command line            245 memory too small for the kernel\n"
	"  241 kernel/initrd unreadable    246 KVM, host or device failure\n"
	"  242 kernel is not a bzImage     247 guest stopped without EXIT\n"
	"  243 boot protocol too old           (reboot, power-off, panic)\n"
	"  244 initramfs does not fit      248 --timeout expired\n"
	"                                  249 stopped by SIGTERM/SIGINT\n"
	"\n"
	"Example:\n"
	"  isovm --kernel build/guest/vmlinuz --initrd build/image/initramfs.cpio \\\n"
	"        --cmdline 'console=ttyS0 -- ready 3'; echo $?    # prints 3\n";

static void usage(FILE *f)
{
	fprintf(f, usage_text, ISOVM_DEFAULT_MEM_MIB, ISOVM_MIN_MEM_MIB, VM_MEM_MAX_MIB,
		VM_CPUS_MAX);
}

enum {
	OPT_KERNEL = 256,
	OPT_INITRD,
	OPT_CMDLINE,
	OPT_MEM,
	OPT_CPUS,
	OPT_TAP,
	OPT_TAP_FD,
	OPT_NETNS,
	OPT_MAC,
	OPT_CONSOLE,
	OPT_EVENTS_FD,
	OPT_TIMEOUT,
	OPT_HUGEPAGES,
	OPT_VERBOSE,
	OPT_VIRTIO_LEGACY,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option options[] = {
	{"kernel", required_argument, NULL, OPT_KERNEL},
	{"initrd", required_argument, NULL, OPT_INITRD},
	{"cmdline", required_argument, NULL, OPT_CMDLINE},
	{"mem", required_argument, NULL, OPT_MEM},
	{"cpus", required_argument, NULL, OPT_CPUS},
	{"tap", required_argument, NULL, OPT_TAP},
	{"tap-fd", required_argument, NULL, OPT_TAP_FD},
	{"netns", required_argument, NULL, OPT_NETNS},
	{"mac", required_argument, NULL, OPT_MAC},
	{"console", required_argument, NULL, OPT_CONSOLE},
	{"events-fd", required_argument, NULL, OPT_EVENTS_FD},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"hugepages", no_argument, NULL, OPT_HUGEPAGES},
	{"verbose", no_argument, NULL, OPT_VERBOSE},
	{"virtio-legacy", no_argument, NULL, OPT_VIRTIO_LEGACY},
	{"help", no_argument, NULL, OPT_HELP},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

/* Option values: each parser takes getopt's `optarg` and the option's
 * index in options[], and on a bad value says which option wanted what. */
static int bad_value(int idx, const char *want, struct iso_err *err)
{
	return iso_err_input(err, -EINVAL, "--%s '%s': expected %s", options[idx].name, optarg,
			     want);
}

/* Decimal in [min, max], whole string. */
static bool uint_in(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int opt_uint(int idx, unsigned long min, unsigned long max, const char *unit,
		    unsigned long *out, struct iso_err *err)
{
	char want[64];

	if (uint_in(optarg, min, max, out))
		return 0;
	snprintf(want, sizeof(want), "%s%s%lu..%lu", unit, *unit ? " in " : "", min, max);
	return bad_value(idx, want, err);
}

static int opt_fd(int idx, int *fd, struct iso_err *err)
{
	unsigned long v;

	if (!uint_in(optarg, 0, INT_MAX, &v) || fcntl((int)v, F_GETFD) < 0)
		return bad_value(idx, "an open descriptor", err);
	*fd = (int)v;
	return 0;
}

static int opt_mac(int idx, uint8_t mac[6], struct iso_err *err)
{
	unsigned int b[6];
	char tail;

	if (sscanf(optarg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6 ||
	    (b[0] & 1)) /* a NIC address is unicast: I/G bit of the first octet clear */
		return bad_value(idx, "a unicast aa:bb:cc:dd:ee:ff", err);
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* Fill `cfg` from argv. Returns 0, OPT_HELP or OPT_VERSION, or -EINVAL
 * with `err`. */
static int parse_args(int argc, char **argv, struct vm_config *cfg, struct iso_err *err)
{
	unsigned long v = 0;
	int opt, idx = 0, r = 0;

	*cfg = (struct vm_config){
		.mem_mib = ISOVM_DEFAULT_MEM_MIB,
		.cpus = 1,
		.tap_fd = -1,
		.console = "stdout",
		.events_fd = -1,
	};
	opterr = 0;
	while (r == 0 && (opt = getopt_long(argc, argv, "", options, &idx)) != -1) {
		switch (opt) {
		case OPT_KERNEL:
			cfg->kernel_path = optarg;
			break;
		case OPT_INITRD:
			cfg->initrd_path = optarg;
			break;
		case OPT_CMDLINE:
			cfg->cmdline = optarg;
			break;
		case OPT_MEM:
			r = opt_uint(idx, ISOVM_MIN_MEM_MIB, VM_MEM_MAX_MIB, "MiB", &v, err);
			cfg->mem_mib = v;
			break;
		case OPT_CPUS:
			r = opt_uint(idx, 1, VM_CPUS_MAX, "", &v, err);
			cfg->cpus = (unsigned int)v;
			break;
		case OPT_TAP:
			cfg->tap_name = optarg;
			break;
		case OPT_TAP_FD:
			r = opt_fd(idx, &cfg->tap_fd, err);
			break;
		case OPT_NETNS:
			cfg->netns = optarg;
			break;
		case OPT_MAC:
			r = opt_mac(idx, cfg->mac, err);
			cfg->has_mac = true;
			break;
		case OPT_VIRTIO_LEGACY:
			cfg->virtio_legacy = true;
			break;
		case OPT_CONSOLE:
			if (!*optarg)
				r = bad_value(idx, "stdout, none or a file", err);
			cfg->console = optarg;
			break;
		case OPT_EVENTS_FD:
			r = opt_fd(idx, &cfg->events_fd, err);
			break;
		case OPT_TIMEOUT:
			r = opt_uint(idx, 1, ISOVM_TIMEOUT_MAX_S, "seconds", &v, err);
			cfg->timeout_s = (unsigned int)v;
			break;
		case OPT_HUGEPAGES:
			cfg->hugepages = true;
			break;
		case OPT_VERBOSE:
			cfg->verbose = true;
			break;
		case OPT_HELP:
		case OPT_VERSION:
			return opt;
		default:
			return iso_err_input(err, -EINVAL,
					     "unknown or incomplete option '%s' (see --help)",
					     argv[optind - 1]);
		}
	}
	if (r < 0)
		return r;
	if (optind < argc)
		return iso_err_input(err, -EINVAL, "unexpected argument '%s' (see --help)",
				     argv[optind]);
	if (!cfg->kernel_path)
		return iso_err_input(err, -EINVAL, "--kernel is required (see --help)");
	if (cfg->tap_name && cfg->tap_fd >= 0)
		return iso_err_input(err, -EINVAL, "--tap and --tap-fd are exclusive");
	if (cfg->netns && !cfg->tap_name)
		return iso_err_input(err, -EINVAL, "--netns needs --tap");
	if (cfg->virtio_legacy && !cfg->tap_name && cfg->tap_fd < 0)
		return iso_err_input(err, -EINVAL, "--virtio-legacy needs --tap or --tap-fd");
	return 0;
}

/* Exit code for a failed input check (boot_linux.h lists the errnos). */
static int input_exit_code(int code)
{
	switch (code) {
	case -ENOEXEC:
		return ISOVM_EXIT_NOT_BZIMAGE;
	case -EPROTONOSUPPORT:
		return ISOVM_EXIT_PROTOCOL;
	case -ENOSPC:
		return ISOVM_EXIT_MEM_SMALL;
	case -EFBIG:
		return ISOVM_EXIT_INITRD_FIT;
	case -E2BIG:
		return ISOVM_EXIT_USAGE;
	default:
		return ISOVM_EXIT_FILE;
	}
}

static int run(const struct vm_config *cfg, struct boot_image *img, struct iso_err *err)
{
	cleanup_free char *cmdline = NULL;
	struct vcpu_entry entry = {0};
	struct boot_plan plan;
	struct vm *vm = NULL;
	int status;

	if (boot_linux_open(img, cfg->kernel_path, cfg->initrd_path, err) < 0)
		return input_exit_code(err->code);
	if (boot_linux_cmdline(cfg, &cmdline, err) < 0)
		return ISOVM_EXIT_HOST;
	if (boot_linux_plan(&img->hdr, cfg->mem_mib << 20, img->initrd_size, strlen(cmdline), &plan,
			    err) < 0)
		return input_exit_code(err->code);
	if (vm_create(cfg, &vm, err) < 0)
		return ISOVM_EXIT_HOST;
	if (boot_linux_load(vm_guest_mem(vm), img, &plan, cmdline, cfg->cpus, &entry, err) < 0) {
		vm_destroy(vm);
		return ISOVM_EXIT_HOST;
	}
	vm_emit_phase(vm, "kernel_loaded");
	status = vm_run(vm, &entry, err);
	vm_destroy(vm);
	if (status < 0)
		return ISOVM_EXIT_HOST;
	switch (status) {
	case ISOVM_EXIT_NO_EXIT:
		iso_err_input(err, -ECANCELED,
			      "guest stopped (reboot, power-off or panic) without an EXIT message");
		break;
	case ISOVM_EXIT_TIMEOUT:
		iso_err_input(err, -ETIMEDOUT, "guest still running after %u s: stopped",
			      cfg->timeout_s);
		break;
	case ISOVM_EXIT_SIGNAL:
		iso_err_input(err, -EINTR, "stopped by signal");
		break;
	default:
		break;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct iso_err err = {0};
	struct boot_image img = {.kernel_fd = -1, .initrd_fd = -1};
	struct vm_config cfg;
	sigset_t stop_signals;
	int r;

	/* Blocked before any thread exists, so that every thread inherits the
	 * mask and SIGTERM/SIGINT arrive only through the I/O loop's signalfd. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_signals, NULL);

	r = parse_args(argc, argv, &cfg, &err);
	if (r == OPT_HELP) {
		usage(stdout);
		return 0;
	}
	if (r == OPT_VERSION) {
		puts(ISOVM_VERSION);
		return 0;
	}
	if (r < 0) {
		iso_err_print(&err, "isovm");
		return ISOVM_EXIT_USAGE;
	}
	r = run(&cfg, &img, &err);
	boot_linux_close(&img);
	if (err.code)
		iso_err_print(&err, "isovm");
	return r;
}
