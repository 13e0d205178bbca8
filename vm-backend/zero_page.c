/* Zero page construction: the kernel's setup header copied in, loader
 * fields set (boot.rst, "Details of header fields"), and the e820 map. */
#include "zero_page.h"

#include <errno.h>
#include <string.h>

size_t zero_page_e820(struct e820_entry *out, size_t max, uint64_t mem_size)
{
	size_t n = 0;

	if (max < 3)
		return 0;
	out[n++] = (struct e820_entry){0, mem_size < ZP_LOWMEM_END ? mem_size : ZP_LOWMEM_END,
				       E820_RAM};
	if (mem_size <= ZP_HIMEM_START)
		return n;
	out[n++] =
		(struct e820_entry){ZP_BIOS_START, ZP_HIMEM_START - ZP_BIOS_START, E820_RESERVED};
	out[n++] = (struct e820_entry){ZP_HIMEM_START, mem_size - ZP_HIMEM_START, E820_RAM};
	return n;
}

int zero_page_build(uint8_t *zp, const uint8_t *image, size_t image_len,
		    const struct bzimage_hdr *h, const struct zero_page_params *p,
		    struct iso_err *err)
{
	struct e820_entry map[ZP_E820_MAX];
	size_t n;

	if (image_len < h->header_end)
		return iso_err_input(err, -EINVAL, "zero page: header of %u bytes, %zu given",
				     h->header_end, image_len);
	if (p->cmdline_addr >= 0x100000000ull || p->initrd_addr + p->initrd_size > 0x100000000ull)
		return iso_err_input(err, -EINVAL, "zero page: command line or initrd above 4 GiB");
	memset(zp, 0, ZERO_PAGE_SIZE);
	memcpy(zp + BZ_SETUP_SECTS, image + BZ_SETUP_SECTS, h->header_end - BZ_SETUP_SECTS);

	/* 0xff: "undefined" boot loader (boot.rst, type_of_loader). */
	bzimage_put(zp, BZ_TYPE_OF_LOADER, 1, 0xff);
	/* 0xffff: "normal" video mode; no real-mode code runs anyway. */
	bzimage_put(zp, BZ_VID_MODE, 2, 0xffff);
	bzimage_put(zp, BZ_CMD_LINE_PTR, 4, p->cmdline_addr);
	bzimage_put(zp, BZ_RAMDISK_IMAGE, 4, p->initrd_addr);
	bzimage_put(zp, BZ_RAMDISK_SIZE, 4, p->initrd_size);
	/* acpi_rsdp_addr exists from protocol 2.14; older kernels scan the
	 * BIOS area, where the RSDP is too. */
	if (h->version >= 0x020e && p->rsdp_addr)
		bzimage_put(zp, ZP_ACPI_RSDP_ADDR, 8, p->rsdp_addr);

	n = zero_page_e820(map, ZP_E820_MAX, p->mem_size);
	bzimage_put(zp, ZP_E820_ENTRIES, 1, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = zp + ZP_E820_TABLE + i * ZP_E820_ENTRY_BYTES;

		bzimage_put(e, 0, 8, map[i].addr);
		bzimage_put(e, 8, 8, map[i].size);
		bzimage_put(e, 16, 4, map[i].type);
	}
	return 0;
}
