/* Direct 64-bit Linux boot: input checks, placement, command line, and
 * loading into guest memory (boot.rst, "64-bit Boot Protocol"). */
#include "boot_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acpi.h"
#include "cleanup.h"
#include "zero_page.h"

/* What isovm adds in front of the user's command line, and why:
 *   reboot=t        reboot by triple fault: KVM_EXIT_SHUTDOWN at once,
 *                   where the keyboard-controller reset polls port 0x64
 *   panic=-1        a panicking kernel reboots at once, so isovm exits
 *                   (guest stopped without EXIT) instead of hanging
 *   io_delay=none   no port-0x80 writes after legacy I/O: each would be
 *                   a VM exit, and there is no ISA bus to slow down for
 *   8250.nr_uarts=1 only COM1 exists; no probing of COM2..4
 *   no_timer_check  skip the IOAPIC timer-IRQ test (it waits for ticks);
 *                   KVM's in-kernel PIT/IOAPIC routing is known good
 * Never pci=noacpi or acpi=noirq: without MP-table code the kernel then
 * turns the local APIC off (acpi_mps_check); acpi.c describes the PCI
 * root bridge instead. */
#define BOOT_ISOVM_PARAMS "reboot=t panic=-1 io_delay=none 8250.nr_uarts=1 no_timer_check"

/* Page-table entry bits (SDM vol. 3A 4.5): present, writable, 2 MiB page. */
#define PTE_P	0x1ull
#define PTE_RW	0x2ull
#define PTE_PS	0x80ull
#define PAGE_2M (1ull << 21)

/* Open `path` (the `what` input) read-only; it must be a regular file. */
static int open_regular(const char *what, const char *path, int *fd, uint64_t *size,
			struct iso_err *err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return iso_err_set(err, -errno, "%s %s", what, path);
	if (fstat(*fd, &st) < 0)
		return iso_err_set(err, -errno, "%s %s: fstat", what, path);
	if (!S_ISREG(st.st_mode))
		return iso_err_input(err, -EINVAL, "%s %s: not a regular file", what, path);
	*size = (uint64_t)st.st_size;
	return 0;
}

int boot_linux_open(struct boot_image *img, const char *kernel_path, const char *initrd_path,
		    struct iso_err *err)
{
	ssize_t n;
	int r;

	memset(img, 0, sizeof(*img));
	img->initrd_fd = -1;
	r = open_regular("kernel", kernel_path, &img->kernel_fd, &img->kernel_file_size, err);
	if (r < 0)
		return r;
	n = pread(img->kernel_fd, img->head, sizeof(img->head), 0);
	if (n < 0)
		return iso_err_set(err, -errno, "kernel %s: read header", kernel_path);
	if (bzimage_parse(img->head, (size_t)n, img->kernel_file_size, &img->hdr, err) < 0)
		return iso_err_wrap(err, "kernel %s", kernel_path);
	if (!initrd_path)
		return 0;
	return open_regular("initrd", initrd_path, &img->initrd_fd, &img->initrd_size, err);
}

void boot_linux_close(struct boot_image *img)
{
	if (img->kernel_fd >= 0)
		close(img->kernel_fd);
	if (img->initrd_fd >= 0)
		close(img->initrd_fd);
	img->kernel_fd = img->initrd_fd = -1;
}

int boot_linux_plan(const struct bzimage_hdr *h, uint64_t mem_size, uint64_t initrd_size,
		    size_t cmdline_len, struct boot_plan *plan, struct iso_err *err)
{
	uint64_t top;

	memset(plan, 0, sizeof(*plan));
	plan->mem_size = mem_size;
	plan->kernel_addr = h->pref_address;
	plan->kernel_end = h->pref_address + h->init_size;
	if (plan->kernel_end > mem_size)
		return iso_err_input(err, -ENOSPC,
				     "memory too small: the kernel needs %llu MiB (%u MiB from "
				     "%llu MiB on), --mem gives %llu MiB",
				     (unsigned long long)((plan->kernel_end + (1 << 20) - 1) >> 20),
				     h->init_size >> 20,
				     (unsigned long long)(h->pref_address >> 20),
				     (unsigned long long)(mem_size >> 20));
	if (cmdline_len > h->cmdline_size || cmdline_len >= BOOT_CMDLINE_MAX)
		return iso_err_input(err, -E2BIG,
				     "command line of %zu bytes exceeds the kernel's limit of %u",
				     cmdline_len, h->cmdline_size);
	plan->cmdline_addr = BOOT_CMDLINE_ADDR;
	plan->cmdline_len = cmdline_len;
	if (!initrd_size)
		return 0;
	/* initrd_addr_max is the highest address the initrd may occupy. */
	top = (uint64_t)h->initrd_addr_max + 1;
	if (top > mem_size)
		top = mem_size;
	if (initrd_size > top || ((top - initrd_size) & ~0xfffull) < plan->kernel_end)
		return iso_err_input(err, -EFBIG,
				     "initramfs of %llu MiB does not fit between the kernel's end "
				     "(%llu MiB) and %llu MiB (memory or initrd_addr_max)",
				     (unsigned long long)((initrd_size + (1 << 20) - 1) >> 20),
				     (unsigned long long)((plan->kernel_end + (1 << 20) - 1) >> 20),
				     (unsigned long long)(top >> 20));
	plan->initrd_addr = (top - initrd_size) & ~0xfffull;
	plan->initrd_size = initrd_size;
	return 0;
}

/* Does the kernel part (before a lone "--") of `s` name a console? */
static int boot_linux_has_console(const char *s)
{
	const char *p = s;

	while (*p) {
		size_t len;

		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len == 2 && !strncmp(p, "--", 2))
			return 0;
		if (len > 8 && !strncmp(p, "console=", 8))
			return 1;
		p += len;
	}
	return 0;
}

int boot_linux_cmdline(const struct vm_config *cfg, char **out, struct iso_err *err)
{
	const char *user = cfg->cmdline ? cfg->cmdline : "";
	const char *console = "";

	if (strcmp(cfg->console, "none") != 0 && !boot_linux_has_console(user))
		console = " console=ttyS0";
	if (asprintf(out, "%s%s%s%s", BOOT_ISOVM_PARAMS, console, *user ? " " : "", user) < 0) {
		*out = NULL;
		return iso_err_set(err, -ENOMEM, "command line");
	}
	return 0;
}

/* pread exactly `len` bytes at `off` into `dst`. */
static int boot_linux_read(int fd, uint8_t *dst, uint64_t len, uint64_t off, const char *what,
			   struct iso_err *err)
{
	while (len) {
		ssize_t n = pread(fd, dst, len > (1u << 30) ? (1u << 30) : (size_t)len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return iso_err_set(err, -errno, "%s: read", what);
		if (n == 0)
			return iso_err_input(err, -EIO, "%s: file shrank while loading", what);
		dst += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* Identity-map the first 4 GiB with 2 MiB pages: covers the kernel, its
 * init_size, the zero page and the command line, as the protocol asks. */
static void boot_linux_page_tables(uint8_t *low)
{
	uint64_t *pml4 = (uint64_t *)(low + BOOT_PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(low + BOOT_PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(low + BOOT_PD_ADDR);

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT_ADDR | PTE_P | PTE_RW;
	for (unsigned int i = 0; i < BOOT_PD_PAGES; i++)
		pdpt[i] = (BOOT_PD_ADDR + i * 4096ull) | PTE_P | PTE_RW;
	for (unsigned int i = 0; i < BOOT_PD_PAGES * 512; i++)
		pd[i] = i * PAGE_2M | PTE_P | PTE_RW | PTE_PS;
}

/* Flat 4 GiB descriptors (SDM vol. 3A 3.4.5): null, null, code64 at
 * __BOOT_CS, data at __BOOT_DS, and a TSS descriptor KVM's VMX entry
 * checks want to see loaded in TR. */
static void boot_linux_gdt(uint8_t *low, struct vcpu_entry *e)
{
	static const uint64_t gdt[] = {
		0,
		0,
		0x00af9b000000ffffull, /* 0x10: code, L=1, P, DPL0, exec/read accessed */
		0x00cf93000000ffffull, /* 0x18: data, D/B=1, G, P, read/write accessed */
		0x00008b0000000067ull, /* 0x20: busy 64-bit TSS at 0, limit 0x67, */
		0,		       /* its upper half (base 63:32) */
	};

	memcpy(low + BOOT_GDT_ADDR, gdt, sizeof(gdt));
	e->gdt_base = BOOT_GDT_ADDR;
	e->gdt_limit = sizeof(gdt) - 1;
	e->code_sel = BOOT_CS_SEL;
	e->data_sel = BOOT_DS_SEL;
	e->tss_sel = BOOT_TSS_SEL;
}

int boot_linux_load(struct guest_mem *mem, const struct boot_image *img,
		    const struct boot_plan *plan, const char *cmdline, unsigned int cpus,
		    struct vcpu_entry *entry, struct iso_err *err)
{
	const struct bzimage_hdr *h = &img->hdr;
	struct zero_page_params zp = {
		.mem_size = plan->mem_size,
		.cmdline_addr = plan->cmdline_addr,
		.initrd_addr = plan->initrd_addr,
		.initrd_size = plan->initrd_size,
	};
	uint8_t *low = guest_mem_ptr(mem, 0, ZP_HIMEM_START);
	uint8_t *kernel = guest_mem_ptr(mem, plan->kernel_addr, h->kernel_size);
	uint8_t *initrd = guest_mem_ptr(mem, plan->initrd_addr, plan->initrd_size);
	int r;

	if (!low || !kernel || !initrd)
		return iso_err_input(err, -EFAULT, "boot: plan does not fit guest memory");
	r = boot_linux_read(img->kernel_fd, kernel, h->kernel_size, h->kernel_offset, "kernel",
			    err);
	if (r >= 0 && plan->initrd_size)
		r = boot_linux_read(img->initrd_fd, initrd, plan->initrd_size, 0, "initrd", err);
	if (r < 0)
		return r;
	memcpy(low + plan->cmdline_addr, cmdline, plan->cmdline_len);
	low[plan->cmdline_addr + plan->cmdline_len] = '\0';
	r = acpi_build(low + ACPI_TABLES_ADDR, ACPI_TABLES_BYTES, ACPI_TABLES_ADDR, cpus,
		       &zp.rsdp_addr, err);
	if (r >= 0)
		r = zero_page_build(low + BOOT_ZERO_PAGE_ADDR, img->head, sizeof(img->head), h, &zp,
				    err);
	if (r < 0)
		return iso_err_wrap(err, "boot");
	boot_linux_page_tables(low);
	boot_linux_gdt(low, entry);
	entry->rip = plan->kernel_addr + BZIMAGE_ENTRY64_OFFSET;
	entry->rsi = BOOT_ZERO_PAGE_ADDR;
	entry->rsp = BOOT_STACK_TOP;
	entry->cr3 = BOOT_PML4_ADDR;
	return 0;
}
