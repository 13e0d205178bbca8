/* bzImage header parsing (Linux Documentation/arch/x86/boot.rst, "The
 * real-mode kernel header"): just what a 64-bit direct boot needs. */
#ifndef ISOVM_BZIMAGE_H
#define ISOVM_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Bytes of the file parse needs (the setup header ends before 0x290). */
#define BZIMAGE_HDR_BYTES 0x290u
/* Oldest accepted protocol: 2.12 is the first with xloadflags, which is
 * how a kernel says it has the 64-bit entry point (XLF_KERNEL_64); 2.10
 * brought pref_address and init_size, which placement needs too. */
#define BZIMAGE_MIN_VERSION 0x020cu
/* The 64-bit entry (startup_64) is 0x200 past the load address (boot.rst,
 * "64-bit Boot Protocol"). */
#define BZIMAGE_ENTRY64_OFFSET 0x200u

/* Setup header field offsets inside the file and inside boot_params
 * (boot.rst: the header is copied to the zero page at the same offset). */
enum bzimage_off {
	BZ_SETUP_SECTS = 0x1f1,
	BZ_VID_MODE = 0x1fa,
	BZ_BOOT_FLAG = 0x1fe,
	BZ_JUMP = 0x200,
	BZ_HEADER = 0x202,
	BZ_VERSION = 0x206,
	BZ_TYPE_OF_LOADER = 0x210,
	BZ_LOADFLAGS = 0x211,
	BZ_RAMDISK_IMAGE = 0x218,
	BZ_RAMDISK_SIZE = 0x21c,
	BZ_HEAP_END_PTR = 0x224,
	BZ_CMD_LINE_PTR = 0x228,
	BZ_INITRD_ADDR_MAX = 0x22c,
	BZ_KERNEL_ALIGNMENT = 0x230,
	BZ_RELOCATABLE = 0x234,
	BZ_XLOADFLAGS = 0x236,
	BZ_CMDLINE_SIZE = 0x238,
	BZ_PREF_ADDRESS = 0x258,
	BZ_INIT_SIZE = 0x260,
};

#define BZIMAGE_MAGIC	      0x53726448u /* "HdrS" little-endian */
#define BZIMAGE_BOOT_FLAG     0xaa55u
#define BZIMAGE_LOADED_HIGH   0x01u /* loadflags bit 0: protected-mode code at 1 MiB+ */
#define BZIMAGE_XLF_KERNEL_64 0x01u /* xloadflags bit 0: has startup_64 at +0x200 */

struct bzimage_hdr {
	uint16_t version; /* 0x020f = 2.15 */
	uint8_t setup_sects;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t initrd_addr_max; /* highest address the initrd may end at (inclusive) */
	uint32_t kernel_alignment;
	uint32_t cmdline_size;	/* longest command line, NUL excluded */
	uint64_t pref_address;	/* load address of the protected-mode kernel */
	uint32_t init_size;	/* memory the kernel needs from pref_address on */
	uint32_t header_end;	/* end of the setup header (0x202 + jump offset) */
	uint64_t kernel_offset; /* file offset of the protected-mode kernel */
	uint64_t kernel_size;	/* its length in the file */
};

/* Parse the first `len` bytes of a kernel file of `file_size` bytes.
 * Errors (message says which check failed):
 *   -ENOEXEC          not a bzImage (short, no boot flag, no "HdrS",
 *                     not loaded high, setup larger than the file)
 *   -EPROTONOSUPPORT  protocol older than 2.12 or no 64-bit entry point */
int bzimage_parse(const uint8_t *buf, size_t len, uint64_t file_size, struct bzimage_hdr *h,
		  struct iso_err *err);

/* Little-endian field access shared with the zero page code. */
static inline uint32_t bzimage_get(const uint8_t *p, size_t off, size_t width)
{
	uint32_t v = 0;

	for (size_t i = 0; i < width; i++)
		v |= (uint32_t)p[off + i] << (8 * i);
	return v;
}

static inline void bzimage_put(uint8_t *p, size_t off, size_t width, uint64_t v)
{
	for (size_t i = 0; i < width; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

#endif
