/* Direct Linux boot (boot.rst, "64-bit Boot Protocol"): open and check the
 * inputs, plan where everything goes, build the command line, then load
 * kernel, initrd, command line, ACPI tables, zero page, page tables and
 * GDT into guest memory and say where the boot CPU starts.
 *
 * The errno values of boot_linux_open()/boot_linux_plan() carry meaning
 * (main.c maps them to exit codes):
 *   -ENOEXEC          the kernel is not a bzImage
 *   -EPROTONOSUPPORT  boot protocol too old / no 64-bit entry
 *   -ENOSPC           memory too small for the kernel
 *   -EFBIG            the initramfs does not fit
 *   -E2BIG            the command line is longer than the kernel accepts
 *   anything else     the file could not be opened or read */
#ifndef ISOVM_BOOT_LINUX_H
#define ISOVM_BOOT_LINUX_H

#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"
#include "vcpu.h"
#include "vm.h"

/* Boot area, low memory (all inside the first e820 RAM range, all read by
 * the kernel before it allocates anything there). */
#define BOOT_GDT_ADDR	    0x500ull
#define BOOT_ZERO_PAGE_ADDR 0x7000ull
#define BOOT_STACK_TOP	    0x8ff0ull
#define BOOT_PML4_ADDR	    0x9000ull
#define BOOT_PDPT_ADDR	    0xa000ull
#define BOOT_PD_ADDR	    0xb000ull /* 4 pages: 2 MiB pages up to 4 GiB */
#define BOOT_PD_PAGES	    4u
#define BOOT_CMDLINE_ADDR   0x20000ull
#define BOOT_CMDLINE_MAX    0x10000u /* bytes reserved at BOOT_CMDLINE_ADDR */

/* GDT selectors the protocol names: __BOOT_CS 0x10, __BOOT_DS 0x18. */
#define BOOT_CS_SEL  0x10u
#define BOOT_DS_SEL  0x18u
#define BOOT_TSS_SEL 0x20u

struct boot_image {
	int kernel_fd;
	uint64_t kernel_file_size;
	uint8_t head[BZIMAGE_HDR_BYTES]; /* the file's first bytes */
	struct bzimage_hdr hdr;
	int initrd_fd; /* -1: no initrd */
	uint64_t initrd_size;
};

struct boot_plan {
	uint64_t mem_size;
	uint64_t kernel_addr; /* protected-mode kernel load address */
	uint64_t kernel_end;  /* kernel_addr + init_size */
	uint64_t initrd_addr;
	uint64_t initrd_size;
	uint64_t cmdline_addr;
	size_t cmdline_len; /* NUL excluded */
};

/* Open the kernel (header parsed and checked) and the initrd (NULL: none). */
int boot_linux_open(struct boot_image *img, const char *kernel_path, const char *initrd_path,
		    struct iso_err *err);
/* Idempotent. */
void boot_linux_close(struct boot_image *img);

/* Place kernel, initrd and command line in `mem_size` bytes of RAM: the
 * kernel at its pref_address (it needs init_size bytes from there), the
 * initrd page-aligned as high as RAM and initrd_addr_max allow, above the
 * kernel. Pure. */
int boot_linux_plan(const struct bzimage_hdr *h, uint64_t mem_size, uint64_t initrd_size,
		    size_t cmdline_len, struct boot_plan *plan, struct iso_err *err);

/* The kernel command line: isovm's own parameters first (see the list in
 * boot_linux.c), then the user's, so that the user's win and everything
 * after the user's `--` (init's arguments) stays last. Adds
 * console=ttyS0 when the console is not "none" and the user named no
 * console. The caller frees *out. */
int boot_linux_cmdline(const struct vm_config *cfg, char **out, struct iso_err *err);

/* Load everything into `mem` and fill the boot CPU's entry state. */
int boot_linux_load(struct guest_mem *mem, const struct boot_image *img,
		    const struct boot_plan *plan, const char *cmdline, unsigned int cpus,
		    struct vcpu_entry *entry, struct iso_err *err);

#endif
