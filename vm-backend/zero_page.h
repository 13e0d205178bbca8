/* The zero page (struct boot_params, boot.rst and
 * arch/x86/include/uapi/asm/bootparam.h): setup header, e820 map, command
 * line and initrd pointers, RSDP. Pure functions over a 4 KiB buffer. */
#ifndef ISOVM_ZERO_PAGE_H
#define ISOVM_ZERO_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"
#include "err.h"

#define ZERO_PAGE_SIZE 4096u

/* boot_params offsets (bootparam.h). */
#define ZP_ACPI_RSDP_ADDR    0x070u /* u64, protocol 2.14+ */
#define ZP_EXT_RAMDISK_IMAGE 0x0c0u
#define ZP_EXT_RAMDISK_SIZE  0x0c4u
#define ZP_EXT_CMD_LINE_PTR  0x0c8u
#define ZP_E820_ENTRIES	     0x1e8u /* u8 */
#define ZP_E820_TABLE	     0x2d0u /* 20-byte entries */
#define ZP_E820_MAX	     128u
#define ZP_E820_ENTRY_BYTES  20u

/* e820 types (ACPI "Address Range Types"). */
#define E820_RAM      1u
#define E820_RESERVED 2u

/* The legacy PC holes Linux expects: RAM below the EBDA, the BIOS area
 * 0xe0000..1 MiB reserved (isovm's ACPI tables live there). */
#define ZP_LOWMEM_END  0x9fc00ull
#define ZP_BIOS_START  0xe0000ull
#define ZP_HIMEM_START 0x100000ull

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/* Fill `out` (capacity `max`) with the map of a guest with `mem_size`
 * bytes of RAM at 0. Returns the number of entries. */
size_t zero_page_e820(struct e820_entry *out, size_t max, uint64_t mem_size);

struct zero_page_params {
	uint64_t mem_size;
	uint64_t cmdline_addr;
	uint64_t initrd_addr; /* 0 with initrd_size 0: no initrd */
	uint64_t initrd_size;
	uint64_t rsdp_addr; /* 0: none */
};

/* Build boot_params in `zp` (ZERO_PAGE_SIZE bytes, zeroed here): the
 * kernel's own setup header (from `image`, its first `image_len` bytes)
 * with the loader fields filled in, and the e820 map. -EINVAL when an
 * address does not fit the 32-bit header fields. */
int zero_page_build(uint8_t *zp, const uint8_t *image, size_t image_len,
		    const struct bzimage_hdr *h, const struct zero_page_params *p,
		    struct iso_err *err);

#endif
