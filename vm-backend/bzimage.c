/* bzImage header parsing: validate the boot protocol header and extract
 * the placement fields (boot.rst, "The real-mode kernel header"). */
#include "bzimage.h"

#include <errno.h>

int bzimage_parse(const uint8_t *buf, size_t len, uint64_t file_size, struct bzimage_hdr *h,
		  struct iso_err *err)
{
	uint32_t sects;

	if (len < BZIMAGE_HDR_BYTES || file_size < BZIMAGE_HDR_BYTES)
		return iso_err_input(err, -ENOEXEC, "not a bzImage: %llu bytes is too short",
				     (unsigned long long)file_size);
	if (bzimage_get(buf, BZ_BOOT_FLAG, 2) != BZIMAGE_BOOT_FLAG)
		return iso_err_input(err, -ENOEXEC, "not a bzImage: no 0xAA55 boot flag at 0x1fe");
	if (bzimage_get(buf, BZ_HEADER, 4) != BZIMAGE_MAGIC)
		return iso_err_input(err, -ENOEXEC, "not a bzImage: no \"HdrS\" magic at 0x202");
	h->version = (uint16_t)bzimage_get(buf, BZ_VERSION, 2);
	if (h->version < BZIMAGE_MIN_VERSION)
		return iso_err_input(err, -EPROTONOSUPPORT,
				     "boot protocol %u.%02u is too old: isovm needs 2.12 or later "
				     "(64-bit entry point)",
				     h->version >> 8, h->version & 0xff);
	h->loadflags = (uint8_t)bzimage_get(buf, BZ_LOADFLAGS, 1);
	if (!(h->loadflags & BZIMAGE_LOADED_HIGH))
		return iso_err_input(err, -ENOEXEC, "not a bzImage: a zImage (not loaded high)");
	h->xloadflags = (uint16_t)bzimage_get(buf, BZ_XLOADFLAGS, 2);
	if (!(h->xloadflags & BZIMAGE_XLF_KERNEL_64))
		return iso_err_input(err, -EPROTONOSUPPORT,
				     "kernel has no 64-bit entry point (XLF_KERNEL_64 not set)");
	/* boot.rst: "If this field is 0, the real value is 4." */
	sects = bzimage_get(buf, BZ_SETUP_SECTS, 1);
	h->setup_sects = (uint8_t)(sects ? sects : 4);
	h->kernel_offset = ((uint64_t)h->setup_sects + 1) * 512;
	if (h->kernel_offset >= file_size)
		return iso_err_input(err, -ENOEXEC,
				     "not a bzImage: %u setup sectors but the file has %llu bytes",
				     h->setup_sects, (unsigned long long)file_size);
	h->kernel_size = file_size - h->kernel_offset;
	/* boot.rst: the header ends at 0x202 + the byte at 0x201; never copy
	 * past the end of boot_params' header area, whatever the file says. */
	h->header_end = BZ_JUMP + 2 + bzimage_get(buf, BZ_JUMP + 1, 1);
	if (h->header_end > BZIMAGE_HDR_BYTES)
		h->header_end = BZIMAGE_HDR_BYTES;
	h->relocatable = (uint8_t)bzimage_get(buf, BZ_RELOCATABLE, 1);
	h->initrd_addr_max = bzimage_get(buf, BZ_INITRD_ADDR_MAX, 4);
	h->kernel_alignment = bzimage_get(buf, BZ_KERNEL_ALIGNMENT, 4);
	h->cmdline_size = bzimage_get(buf, BZ_CMDLINE_SIZE, 4);
	h->pref_address = bzimage_get(buf, BZ_PREF_ADDRESS, 4) |
			  (uint64_t)bzimage_get(buf, BZ_PREF_ADDRESS + 4, 4) << 32;
	h->init_size = bzimage_get(buf, BZ_INIT_SIZE, 4);
	if (h->pref_address < 0x100000 || h->pref_address >= 0x100000000ull ||
	    (h->pref_address & 0xfff))
		return iso_err_input(err, -ENOEXEC, "not a bzImage: bad pref_address 0x%llx",
				     (unsigned long long)h->pref_address);
	if (h->init_size < h->kernel_size)
		h->init_size = (uint32_t)h->kernel_size;
	return 0;
}
