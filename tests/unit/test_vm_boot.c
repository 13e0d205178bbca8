/* isovm's boot path without KVM: bzImage header parsing (synthesized good
 * and bad images, and the real guest kernel when built), placement of
 * kernel, initrd and command line, the zero page (e820, pointers), the
 * kernel command line isovm builds, ACPI tables, CPUID topology, buses
 * and checked guest memory. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "acpi.h"
#include "cleanup.h"
#include "boot_linux.h"
#include "bus.h"
#include "bzimage.h"
#include "cpuid.h"
#include "guest_mem.h"
#include "pci.h"
#include "zero_page.h"

#define MIB	    (1ull << 20)
#define IMAGE_BYTES (64u * 1024u)
#define REAL_KERNEL "build/guest/vmlinuz"

/* A minimal image that passes every check: protocol 2.15, 64-bit entry,
 * loaded high, 16 MiB pref_address, 32 MiB init_size, 27 setup sectors. */
static uint8_t *image_new(void)
{
	uint8_t *img = calloc(1, IMAGE_BYTES);

	assert_non_null(img);
	bzimage_put(img, BZ_SETUP_SECTS, 1, 27);
	bzimage_put(img, BZ_BOOT_FLAG, 2, BZIMAGE_BOOT_FLAG);
	bzimage_put(img, BZ_JUMP, 1, 0xeb);
	bzimage_put(img, BZ_JUMP + 1, 1, 0x6a); /* header ends at 0x26c */
	bzimage_put(img, BZ_HEADER, 4, BZIMAGE_MAGIC);
	bzimage_put(img, BZ_VERSION, 2, 0x020f);
	bzimage_put(img, BZ_LOADFLAGS, 1, BZIMAGE_LOADED_HIGH);
	bzimage_put(img, BZ_XLOADFLAGS, 2, 0x7f);
	bzimage_put(img, BZ_INITRD_ADDR_MAX, 4, 0x7fffffff);
	bzimage_put(img, BZ_KERNEL_ALIGNMENT, 4, 0x200000);
	bzimage_put(img, BZ_RELOCATABLE, 1, 1);
	bzimage_put(img, BZ_CMDLINE_SIZE, 4, 2047);
	bzimage_put(img, BZ_PREF_ADDRESS, 4, 0x1000000);
	bzimage_put(img, BZ_INIT_SIZE, 4, 32 * MIB);
	return img;
}

static int parse(const uint8_t *img, uint64_t file_size, struct bzimage_hdr *h, struct iso_err *err)
{
	return bzimage_parse(img, BZIMAGE_HDR_BYTES, file_size, h, err);
}

static void test_bzimage_good(void **state)
{
	cleanup_free uint8_t *img = image_new();
	struct iso_err err = {0};
	struct bzimage_hdr h;

	(void)state;
	assert_int_equal(parse(img, IMAGE_BYTES, &h, &err), 0);
	assert_int_equal(h.version, 0x020f);
	assert_int_equal(h.setup_sects, 27);
	assert_int_equal(h.kernel_offset, 28 * 512);
	assert_int_equal(h.kernel_size, IMAGE_BYTES - 28 * 512);
	assert_int_equal(h.header_end, 0x26c);
	assert_int_equal(h.pref_address, 0x1000000);
	assert_int_equal(h.init_size, 32 * MIB);
	assert_int_equal(h.initrd_addr_max, 0x7fffffff);
	assert_int_equal(h.cmdline_size, 2047);
}

/* boot.rst: setup_sects 0 means 4. */
static void test_bzimage_zero_setup_sects(void **state)
{
	cleanup_free uint8_t *img = image_new();
	struct bzimage_hdr h;

	(void)state;
	bzimage_put(img, BZ_SETUP_SECTS, 1, 0);
	assert_int_equal(parse(img, IMAGE_BYTES, &h, NULL), 0);
	assert_int_equal(h.kernel_offset, 5 * 512);
}

static void expect_reject(uint8_t *img, uint64_t file_size, int code, const char *words)
{
	struct iso_err err = {0};
	struct bzimage_hdr h;

	assert_int_equal(parse(img, file_size, &h, &err), code);
	assert_int_equal(err.code, code);
	if (!strstr(err.msg, words))
		fail_msg("message '%s' lacks '%s'", err.msg, words);
}

static void test_bzimage_bad(void **state)
{
	/* One field at a time made bad in an otherwise good image: the
	 * error and the words its message must name. */
	static const struct {
		size_t off, width;
		uint32_t bad;
		int code;
		const char *words;
	} cases[] = {
		{BZ_HEADER, 4, 0x464c457f /* an ELF file's first bytes */, -ENOEXEC, "HdrS"},
		{BZ_BOOT_FLAG, 2, 0, -ENOEXEC, "boot flag"},
		{BZ_VERSION, 2, 0x020b, -EPROTONOSUPPORT, "2.11 is too old"},
		{BZ_XLOADFLAGS, 2, 0x7e, -EPROTONOSUPPORT, "64-bit entry"},
		{BZ_LOADFLAGS, 1, 0, -ENOEXEC, "zImage"},
		/* Setup code claims more sectors than the file has. */
		{BZ_SETUP_SECTS, 1, 200, -ENOEXEC, "setup sectors"},
		{BZ_PREF_ADDRESS, 4, 0x1000 /* below 1 MiB */, -ENOEXEC, "pref_address"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cleanup_free uint8_t *img = image_new();

		bzimage_put(img, cases[i].off, cases[i].width, cases[i].bad);
		expect_reject(img, IMAGE_BYTES, cases[i].code, cases[i].words);
	}
	{
		cleanup_free uint8_t *img = image_new();

		expect_reject(img, 0x200, -ENOEXEC, "too short");
	}
}

/* A hostile jump offset cannot make the header copy run past 0x290. */
static void test_bzimage_header_end_clamped(void **state)
{
	cleanup_free uint8_t *img = image_new();
	struct bzimage_hdr h;

	(void)state;
	bzimage_put(img, BZ_JUMP + 1, 1, 0xff);
	assert_int_equal(parse(img, IMAGE_BYTES, &h, NULL), 0);
	assert_int_equal(h.header_end, BZIMAGE_HDR_BYTES);
}

/* The real guest kernel, when scripts/guest-kernel has fetched it. */
static void test_bzimage_real_kernel(void **state)
{
	struct boot_image img;
	struct iso_err err = {0};

	(void)state;
	if (access(REAL_KERNEL, R_OK) != 0)
		skip();
	assert_int_equal(boot_linux_open(&img, REAL_KERNEL, NULL, &err), 0);
	assert_true(img.hdr.version >= BZIMAGE_MIN_VERSION);
	assert_true(img.hdr.xloadflags & BZIMAGE_XLF_KERNEL_64);
	assert_int_equal(img.hdr.pref_address % img.hdr.kernel_alignment, 0);
	assert_true(img.hdr.init_size >= img.hdr.kernel_size);
	assert_int_equal(img.hdr.kernel_offset + img.hdr.kernel_size, img.kernel_file_size);
	boot_linux_close(&img);
}

static struct bzimage_hdr hdr_good(void)
{
	cleanup_free uint8_t *img = image_new();
	struct bzimage_hdr h;

	assert_int_equal(parse(img, IMAGE_BYTES, &h, NULL), 0);
	return h;
}

static void test_plan_initrd_at_top(void **state)
{
	struct bzimage_hdr h = hdr_good();
	struct boot_plan p;

	(void)state;
	assert_int_equal(boot_linux_plan(&h, 128 * MIB, 5 * MIB + 123, 40, &p, NULL), 0);
	assert_int_equal(p.kernel_addr, 0x1000000);
	assert_int_equal(p.kernel_end, 0x1000000 + 32 * MIB);
	/* Page aligned, as high as possible, wholly inside RAM. */
	assert_int_equal(p.initrd_addr % 4096, 0);
	assert_true(p.initrd_addr + p.initrd_size <= 128 * MIB);
	assert_true(128 * MIB - (p.initrd_addr + p.initrd_size) < 4096);
	assert_true(p.initrd_addr >= p.kernel_end);
	assert_int_equal(p.cmdline_addr, BOOT_CMDLINE_ADDR);
	assert_int_equal(p.cmdline_len, 40);
}

/* initrd_addr_max below the top of RAM caps the placement. */
static void test_plan_initrd_addr_max(void **state)
{
	struct bzimage_hdr h = hdr_good();
	struct boot_plan p;

	(void)state;
	h.initrd_addr_max = 64 * MIB - 1;
	assert_int_equal(boot_linux_plan(&h, 1024 * MIB, 8 * MIB, 10, &p, NULL), 0);
	assert_int_equal(p.initrd_addr, 56 * MIB);
	assert_int_equal(p.initrd_addr + p.initrd_size, 64 * MIB);

	/* Under the cap there is room for 16 MiB only. */
	assert_int_equal(boot_linux_plan(&h, 1024 * MIB, 17 * MIB, 10, &p, NULL), -EFBIG);
}

static void test_plan_limits(void **state)
{
	struct bzimage_hdr h = hdr_good();
	struct iso_err err = {0};
	struct boot_plan p;

	(void)state;
	/* The kernel needs 16 + 32 MiB. */
	assert_int_equal(boot_linux_plan(&h, 47 * MIB, 0, 10, &p, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "memory too small"));
	assert_int_equal(boot_linux_plan(&h, 48 * MIB, 0, 10, &p, NULL), 0);
	assert_int_equal(p.initrd_addr, 0);
	assert_int_equal(p.initrd_size, 0);
	/* Exactly fits, then one byte too many. */
	assert_int_equal(boot_linux_plan(&h, 64 * MIB, 16 * MIB, 10, &p, NULL), 0);
	assert_int_equal(p.initrd_addr, 48 * MIB);
	assert_int_equal(boot_linux_plan(&h, 64 * MIB, 16 * MIB + 1, 10, &p, &err), -EFBIG);
	assert_non_null(strstr(err.msg, "does not fit"));
	/* Larger than all of memory (no wrap-around). */
	assert_int_equal(boot_linux_plan(&h, 64 * MIB, 1ull << 40, 10, &p, NULL), -EFBIG);
	/* Command line: cmdline_size is the longest accepted, NUL excluded. */
	assert_int_equal(boot_linux_plan(&h, 64 * MIB, 0, 2047, &p, NULL), 0);
	assert_int_equal(boot_linux_plan(&h, 64 * MIB, 0, 2048, &p, &err), -E2BIG);
}

static void test_e820(void **state)
{
	struct e820_entry e[8];

	(void)state;
	assert_int_equal(zero_page_e820(e, 8, 128 * MIB), 3);
	assert_int_equal(e[0].addr, 0);
	assert_int_equal(e[0].size, ZP_LOWMEM_END);
	assert_int_equal(e[0].type, E820_RAM);
	assert_int_equal(e[1].addr, ZP_BIOS_START);
	assert_int_equal(e[1].addr + e[1].size, ZP_HIMEM_START);
	assert_int_equal(e[1].type, E820_RESERVED);
	assert_int_equal(e[2].addr, ZP_HIMEM_START);
	assert_int_equal(e[2].addr + e[2].size, 128 * MIB);
	assert_int_equal(e[2].type, E820_RAM);
	/* The ACPI tables are inside the reserved range. */
	assert_true(ACPI_TABLES_ADDR >= e[1].addr &&
		    ACPI_TABLES_ADDR + ACPI_TABLES_BYTES <= e[1].addr + e[1].size);
	/* Below 1 MiB of RAM: one range, never past the RAM's end. */
	assert_int_equal(zero_page_e820(e, 8, 512 * 1024), 1);
	assert_int_equal(e[0].size, 512 * 1024);
	assert_int_equal(zero_page_e820(e, 2, 128 * MIB), 0);
}

static uint64_t get64(const uint8_t *p, size_t off)
{
	return bzimage_get(p, off, 4) | (uint64_t)bzimage_get(p, off + 4, 4) << 32;
}

static void test_zero_page(void **state)
{
	cleanup_free uint8_t *img = image_new();
	cleanup_free uint8_t *zp = malloc(ZERO_PAGE_SIZE);
	struct zero_page_params prm = {
		.mem_size = 256 * MIB,
		.cmdline_addr = BOOT_CMDLINE_ADDR,
		.initrd_addr = 200 * MIB,
		.initrd_size = 7 * MIB + 5,
		.rsdp_addr = ACPI_TABLES_ADDR,
	};
	struct bzimage_hdr h;
	struct e820_entry e[3];

	(void)state;
	assert_int_equal(parse(img, IMAGE_BYTES, &h, NULL), 0);
	memset(zp, 0xaa, ZERO_PAGE_SIZE);
	assert_int_equal(zero_page_build(zp, img, IMAGE_BYTES, &h, &prm, NULL), 0);
	/* The kernel's own header, copied to the same offsets. */
	assert_int_equal(bzimage_get(zp, BZ_HEADER, 4), BZIMAGE_MAGIC);
	assert_int_equal(bzimage_get(zp, BZ_INIT_SIZE, 4), 32 * MIB);
	/* Past the header and outside the fields isovm sets: zeroed. */
	assert_int_equal(zp[0x26c], 0);
	assert_int_equal(zp[0x100], 0);
	assert_int_equal(bzimage_get(zp, BZ_TYPE_OF_LOADER, 1), 0xff);
	assert_int_equal(bzimage_get(zp, BZ_CMD_LINE_PTR, 4), BOOT_CMDLINE_ADDR);
	assert_int_equal(bzimage_get(zp, BZ_RAMDISK_IMAGE, 4), 200 * MIB);
	assert_int_equal(bzimage_get(zp, BZ_RAMDISK_SIZE, 4), 7 * MIB + 5);
	assert_int_equal(get64(zp, ZP_ACPI_RSDP_ADDR), ACPI_TABLES_ADDR);
	/* e820 table: count byte and 20-byte entries, as zero_page_e820. */
	assert_int_equal(zero_page_e820(e, 3, 256 * MIB), 3);
	assert_int_equal(zp[ZP_E820_ENTRIES], 3);
	for (size_t i = 0; i < 3; i++) {
		const uint8_t *p = zp + ZP_E820_TABLE + i * ZP_E820_ENTRY_BYTES;

		assert_int_equal(get64(p, 0), e[i].addr);
		assert_int_equal(get64(p, 8), e[i].size);
		assert_int_equal(bzimage_get(p, 16, 4), e[i].type);
	}
	assert_int_equal(zp[ZP_E820_TABLE + 3 * ZP_E820_ENTRY_BYTES], 0);
}

/* acpi_rsdp_addr exists from protocol 2.14 on only. */
static void test_zero_page_old_protocol(void **state)
{
	cleanup_free uint8_t *img = image_new();
	cleanup_free uint8_t *zp = malloc(ZERO_PAGE_SIZE);
	struct zero_page_params prm = {.mem_size = 64 * MIB, .rsdp_addr = ACPI_TABLES_ADDR};
	struct bzimage_hdr h;

	(void)state;
	bzimage_put(img, BZ_VERSION, 2, 0x020d);
	assert_int_equal(parse(img, IMAGE_BYTES, &h, NULL), 0);
	assert_int_equal(zero_page_build(zp, img, IMAGE_BYTES, &h, &prm, NULL), 0);
	assert_int_equal(get64(zp, ZP_ACPI_RSDP_ADDR), 0);
	/* Addresses the 32-bit header fields cannot hold are refused. */
	prm.initrd_addr = 0xfffff000;
	prm.initrd_size = 0x2000;
	assert_int_equal(zero_page_build(zp, img, IMAGE_BYTES, &h, &prm, NULL), -EINVAL);
}

static char *cmdline(const char *user, const char *console)
{
	struct vm_config cfg = {.cmdline = user, .console = console};
	char *s = NULL;

	assert_int_equal(boot_linux_cmdline(&cfg, &s, NULL), 0);
	return s;
}

static void test_cmdline(void **state)
{
	char *s;

	(void)state;
	s = cmdline("quiet -- ready 3", "stdout");
	/* isovm's first, console added, user's last with init's arguments. */
	assert_non_null(strstr(s, "reboot=t"));
	assert_true(strstr(s, "console=ttyS0") < strstr(s, "quiet"));
	assert_string_equal(s + strlen(s) - strlen("quiet -- ready 3"), "quiet -- ready 3");
	free(s);
	s = cmdline("console=hvc0 -- ready", "stdout");
	assert_null(strstr(s, "ttyS0"));
	free(s);
	s = cmdline("-- echo console=x", "stdout"); /* init's argument, not a console */
	assert_non_null(strstr(s, " console=ttyS0 "));
	free(s);
	s = cmdline(NULL, "none");
	assert_null(strstr(s, "console="));
	assert_int_equal(s[strlen(s) - 1] != ' ', 1);
	free(s);
}

/* The root bridge's _CRS in the DSDT: walk its resource descriptors
 * (ACPI 6.4 6.4) to the End Tag, which must close the buffer exactly, and
 * check the bus range and the windows pci.c assigns BARs from. */
static void check_dsdt_crs(const uint8_t *dsdt, uint32_t len)
{
	const uint8_t *end = dsdt + len, *crs = NULL, *r;
	unsigned int seen = 0;
	uint32_t buf_len;

	for (const uint8_t *p = dsdt + 36; p + 4 <= end && !crs; p++)
		if (!memcmp(p, "_CRS", 4))
			crs = p + 4;
	assert_non_null(crs);
	/* BufferOp, two-byte PkgLength, BufferSize as a ByteConst. */
	assert_int_equal(crs[0], 0x11);
	assert_int_equal(crs[1] >> 6, 1);
	assert_int_equal(crs[3], 0x0a);
	buf_len = crs[4];
	r = crs + 5;
	assert_true(r + buf_len <= end);
	assert_int_equal(((crs[1] & 0xf) | (crs[2] << 4)), 2 + 2 + buf_len);
	while (r[0] != 0x79) {
		size_t n = r[0] & 0x80 ? 3u + bzimage_get(r, 1, 2) : 1u + (r[0] & 7);

		assert_true(r + n + 2 <= crs + 5 + buf_len);
		if (r[0] == 0x88 && r[3] == 2) { /* bus numbers 0..0 */
			assert_int_equal(bzimage_get(r, 8, 2), 0);
			assert_int_equal(bzimage_get(r, 10, 2), 0);
			seen |= 1;
		} else if (r[0] == 0x88 && r[3] == 1) { /* I/O window */
			assert_int_equal(bzimage_get(r, 8, 2), PCI_IO_WINDOW_START);
			assert_int_equal(bzimage_get(r, 10, 2), PCI_IO_WINDOW_END - 1);
			seen |= 2;
		} else if (r[0] == 0x87 && r[3] == 0) { /* memory window */
			assert_int_equal(bzimage_get(r, 10, 4), VM_MMIO_START);
			assert_int_equal(bzimage_get(r, 14, 4), VM_MMIO_END);
			seen |= 4;
		}
		r += n;
	}
	assert_ptr_equal(r + 2, crs + 5 + buf_len);
	assert_int_equal(seen, 7);
}

static void test_acpi(void **state)
{
	cleanup_free uint8_t *buf = calloc(1, ACPI_TABLES_BYTES);
	const uint64_t gpa = ACPI_TABLES_ADDR;
	uint64_t rsdp, xsdt, madt, dsdt;
	uint64_t start[4], len[4];
	uint8_t *m;

	(void)state;
	assert_int_equal(acpi_build(buf, ACPI_TABLES_BYTES, gpa, 4, &rsdp, NULL), 0);
	assert_int_equal(rsdp % 16, 0);
	assert_memory_equal(buf + (rsdp - gpa), "RSD PTR ", 8);
	assert_int_equal(acpi_checksum(buf + (rsdp - gpa), 20), 0);
	assert_int_equal(acpi_checksum(buf + (rsdp - gpa), 36), 0);
	xsdt = get64(buf + (rsdp - gpa), 24);
	assert_memory_equal(buf + (xsdt - gpa), "XSDT", 4);
	/* The XSDT, the two tables it lists and the DSDT the FADT points to:
	 * valid checksums, no two overlapping; find the MADT and the DSDT. */
	madt = dsdt = 0;
	start[0] = xsdt;
	for (unsigned int i = 0; i < 2; i++) {
		uint64_t t = get64(buf + (xsdt - gpa), 36 + 8 * i);
		const uint8_t *p = buf + (t - gpa);

		start[1 + i] = t;
		if (!memcmp(p, "APIC", 4))
			madt = t;
		if (!memcmp(p, "FACP", 4))
			dsdt = get64(p, 140); /* X_DSDT */
	}
	assert_int_not_equal(madt, 0);
	assert_int_not_equal(dsdt, 0);
	start[3] = dsdt;
	for (unsigned int i = 0; i < 4; i++) {
		const uint8_t *p = buf + (start[i] - gpa);

		len[i] = bzimage_get(p, 4, 4);
		assert_int_equal(acpi_checksum(p, len[i]), 0);
		assert_true(start[i] + len[i] <= gpa + ACPI_TABLES_BYTES);
		for (unsigned int j = 0; j < i; j++)
			assert_true(start[i] >= start[j] + len[j] || start[j] >= start[i] + len[i]);
	}
	assert_memory_equal(buf + (dsdt - gpa), "DSDT", 4);
	check_dsdt_crs(buf + (dsdt - gpa), (uint32_t)len[3]);
	m = buf + (madt - gpa);
	/* 4 enabled local APICs with ids 0..3, then the IOAPIC. */
	assert_int_equal(bzimage_get(m, 4, 4), 36 + 8 + 4 * 8 + 12);
	for (unsigned int i = 0; i < 4; i++) {
		const uint8_t *e = m + 44 + 8 * i;

		assert_int_equal(e[0], 0);
		assert_int_equal(e[3], i);
		assert_int_equal(bzimage_get(e, 4, 4), 1);
	}
	assert_int_equal(m[44 + 32], 1);
	assert_int_equal(acpi_build(buf, 0x100, gpa, 4, &rsdp, NULL), -ENOSPC);
}

static void test_cpuid_topology(void **state)
{
	cleanup_free struct kvm_cpuid2 *c =
		calloc(1, sizeof(*c) + 4 * sizeof(struct kvm_cpuid_entry2));

	(void)state;
	c->nent = 4;
	c->entries[0] = (struct kvm_cpuid_entry2){.function = 1, .ebx = 0x00010800};
	c->entries[1] = (struct kvm_cpuid_entry2){.function = 0xb, .index = 0};
	c->entries[2] = (struct kvm_cpuid_entry2){.function = 0xb, .index = 1};
	c->entries[3] = (struct kvm_cpuid_entry2){.function = 0xb, .index = 2};
	cpuid_set_topology(c, 5, 6);
	assert_int_equal(c->entries[0].ebx >> 24, 5);
	assert_int_equal((c->entries[0].ebx >> 16) & 0xff, 6);
	assert_int_equal(c->entries[0].ebx & 0xffff, 0x0800);
	assert_true(c->entries[0].edx & (1u << 28));
	assert_true(c->entries[0].ecx & (1u << 31));
	for (int i = 1; i < 4; i++)
		assert_int_equal(c->entries[i].edx, 5);
	assert_int_equal(c->entries[2].eax, 3); /* 6 CPUs need 3 id bits */
	assert_int_equal(c->entries[2].ebx, 6);
	assert_int_equal((c->entries[2].ecx >> 8) & 0xff, 2);
	assert_int_equal((c->entries[3].ecx >> 8) & 0xff, 0);
}

struct probe {
	uint64_t last_off;
	int writes;
};

static void probe_read(void *opaque, uint64_t off, void *data, uint32_t len)
{
	(void)opaque;
	memset(data, (int)off, len);
}

static void probe_write(void *opaque, uint64_t off, const void *data, uint32_t len)
{
	struct probe *p = opaque;

	(void)data;
	(void)len;
	p->last_off = off;
	p->writes++;
}

static const struct bus_ops probe_ops = {.read = probe_read, .write = probe_write};

static void test_bus(void **state)
{
	struct probe a = {0}, b = {0};
	struct iso_err err = {0};
	struct bus bus;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(bus_init(&bus, "pio", NULL), 0);
	assert_int_equal(bus_register(&bus, 0x3f8, 8, &probe_ops, &a, "com1", NULL), 0);
	assert_int_equal(bus_register(&bus, 0x3ff, 1, &probe_ops, &b, "b", &err), -EEXIST);
	assert_non_null(strstr(err.msg, "com1"));
	assert_int_equal(bus_register(&bus, 0x3f0, 9, &probe_ops, &b, "b", NULL), -EEXIST);
	assert_int_equal(bus_register(&bus, 0, 0, &probe_ops, &b, "b", NULL), -EINVAL);
	assert_int_equal(bus_register(&bus, UINT64_MAX, 2, &probe_ops, &b, "b", NULL), -EINVAL);
	assert_int_equal(bus_register(&bus, 0x3f0, 8, &probe_ops, &b, "b", NULL), 0);

	assert_true(bus_dispatch(&bus, 0x3fb, &v, 1, true));
	assert_int_equal(a.writes, 1);
	assert_int_equal(a.last_off, 3);
	assert_true(bus_dispatch(&bus, 0x3f2, &v, 2, false));
	assert_int_equal(v & 0xffff, 0x0202);
	assert_false(bus_dispatch(&bus, 0x80, &v, 4, false));
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(bus.unhandled, 1);

	/* Move b away (unmapped), then into a free range; never onto com1. */
	assert_int_equal(bus_move(&bus, 0x3f0, 0, &b, NULL), 0);
	assert_false(bus_dispatch(&bus, 0x3f2, &v, 1, true));
	assert_int_equal(bus_move(&bus, 0, 0x3fc, &b, NULL), -EEXIST);
	assert_int_equal(bus_move(&bus, 0, 0x1000, &a, NULL), -ENOENT);
	assert_int_equal(bus_move(&bus, 0, 0x1000, &b, NULL), 0);
	assert_true(bus_dispatch(&bus, 0x1007, &v, 1, true));
	assert_int_equal(b.last_off, 7);
	bus_destroy(&bus);
	bus_destroy(&bus);
}

static void test_guest_mem(void **state)
{
	struct guest_mem mem;

	(void)state;
	assert_int_equal(guest_mem_create(&mem, 2 * MIB, false, NULL), 0);
	assert_ptr_equal(guest_mem_ptr(&mem, 0, 2 * MIB), mem.host);
	assert_ptr_equal(guest_mem_ptr(&mem, 2 * MIB, 0), mem.host + 2 * MIB);
	assert_null(guest_mem_ptr(&mem, 2 * MIB - 1, 2));
	assert_null(guest_mem_ptr(&mem, 1, UINT64_MAX));
	assert_null(guest_mem_ptr(&mem, UINT64_MAX, 2));
	assert_null(guest_mem_ptr(&mem, 2 * MIB + 1, 0));
	guest_mem_destroy(&mem);
	guest_mem_destroy(&mem);
	assert_null(guest_mem_ptr(&mem, 0, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bzimage_good),
		cmocka_unit_test(test_bzimage_zero_setup_sects),
		cmocka_unit_test(test_bzimage_bad),
		cmocka_unit_test(test_bzimage_header_end_clamped),
		cmocka_unit_test(test_bzimage_real_kernel),
		cmocka_unit_test(test_plan_initrd_at_top),
		cmocka_unit_test(test_plan_initrd_addr_max),
		cmocka_unit_test(test_plan_limits),
		cmocka_unit_test(test_e820),
		cmocka_unit_test(test_zero_page),
		cmocka_unit_test(test_zero_page_old_protocol),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_acpi),
		cmocka_unit_test(test_cpuid_topology),
		cmocka_unit_test(test_bus),
		cmocka_unit_test(test_guest_mem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
