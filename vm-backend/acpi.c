/* ACPI table builder (ACPI 6.4 chapter 5.2): RSDP, XSDT, FADT for a
 * hardware-reduced platform, a DSDT with the PCI root bridge, and the
 * MADT. */
#include "acpi.h"

#include <errno.h>
#include <string.h>

#include "bzimage.h"
#include "pci.h"
#include "vm.h"

#define ACPI_HDR_BYTES	36u
#define ACPI_RSDP_BYTES 36u
#define ACPI_FADT_BYTES 276u /* FADT revision 6 (ACPI 6.x), Table 5.9 */
#define ACPI_FADT_REV	6u
#define ACPI_ALIGN16(x) (((x) + 15u) & ~(size_t)15u)
#define ACPI_OEM_ID	"ISOVM "
#define ACPI_OEM_TABLE	"ISOVMACP"

/* FADT field offsets (ACPI 6.4 Table 5.9). */
#define FADT_DSDT	    40u
#define FADT_IAPC_BOOT_ARCH 109u
#define FADT_FLAGS	    112u
#define FADT_MINOR	    131u
#define FADT_X_DSDT	    140u
#define FADT_HV_VENDOR	    268u

/* IAPC_BOOT_ARCH (Table 5.11): no VGA (bit 2), no CMOS RTC (bit 5); the
 * 8042 bit (1) stays clear so the kernel does not probe a keyboard
 * controller, LEGACY_DEVICES (0) clear so no ISA PnP probing. */
#define FADT_BOOT_NO_VGA 0x0004u
#define FADT_BOOT_NO_RTC 0x0020u
/* Flags (Table 5.10): HW_REDUCED_ACPI (bit 20): no PM1/GPE blocks, no
 * SCI, no SMI command port for the kernel to look for. */
#define FADT_FLAG_HW_REDUCED (1u << 20)

/* MADT (5.2.12): local APIC address, PCAT_COMPAT (dual 8259s present:
 * KVM's irqchip has them, the kernel masks them). */
#define MADT_FLAG_PCAT_COMPAT 1u
#define MADT_TYPE_LAPIC	      0u
#define MADT_TYPE_IOAPIC      1u
#define MADT_LAPIC_BYTES      8u
#define MADT_IOAPIC_BYTES     12u
#define MADT_LAPIC_ENABLED    1u

/* Little-endian bytes of a constant, for AML and resource descriptors. */
#define LE16(v) (uint8_t)((v)&0xff), (uint8_t)(((v) >> 8) & 0xff)
#define LE32(v) LE16((v)&0xffff), LE16(((v) >> 16) & 0xffff)

/* Resource descriptors (ACPI 6.4 6.4): Word/DWord Address Space (large
 * items 0x88/0x87, 6.4.3.5.3/6.4.3.5.2), I/O Port (small item 0x47,
 * 6.4.2.5), End Tag (0x79, checksum 0 = "valid", 6.4.2.9). General flags
 * 0x0c: max and min fixed, positive decode, producer (the bridge forwards
 * the range). Type-specific flags: I/O 3 = ISA and non-ISA ranges, memory
 * 1 = read/write, non-cacheable. */
#define ACPI_RES_WORD	     0x88
#define ACPI_RES_DWORD	     0x87
#define ACPI_RES_IO	     0x47
#define ACPI_RES_END	     0x79
#define ACPI_RES_WORD_LEN    13u
#define ACPI_RES_DWORD_LEN   23u
#define ACPI_RES_TYPE_MEM    0u
#define ACPI_RES_TYPE_IO     1u
#define ACPI_RES_TYPE_BUS    2u
#define ACPI_RES_PRODUCER    0x0cu
#define ACPI_RES_IO_ENTIRE   3u
#define ACPI_RES_MEM_RW_NC   1u
#define ACPI_RES_IO_DECODE16 1u

/* AML (ACPI 6.4 chapter 20) for
 *   Scope (\_SB) {
 *     Device (PCI0) {
 *       Name (_HID, EisaId ("PNP0A03"))
 *       Name (_UID, Zero)
 *       Name (_CRS, ResourceTemplate () {
 *         WordBusNumber (...)   bus 0 to 0
 *         IO (Decode16, ...)    the configuration ports 0xcf8..0xcff
 *         WordIO (...)          I/O window 0xc000..0xffff
 *         DWordMemory (...)     memory window 0xc0000000..0xfbffffff
 *       })
 *     }
 *   }
 * The windows are where pci.c puts BARs, so the kernel keeps their
 * addresses. No _PRT: devices use MSI-X, or the ISA IRQ in their
 * interrupt line register. PkgLengths (20.2.4) of two bytes: 0x40 | low
 * nibble, then the rest: Scope 109, Device 100, the _CRS buffer 72 (two
 * length bytes, BufferSize 0x0a 68, 68 descriptor bytes). */
/* clang-format off */
static const uint8_t acpi_dsdt_aml[] = {
	0x10, 0x4d, 0x06, '\\', '_', 'S', 'B', '_',		/* ScopeOp, PkgLength 109, \_SB_ */
	0x5b, 0x82, 0x44, 0x06, 'P', 'C', 'I', '0',		/* DeviceOp, PkgLength 100, PCI0 */
	0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03,	/* _HID DWord PNP0A03 */
	0x08, '_', 'U', 'I', 'D', 0x00,				/* _UID Zero */
	0x08, '_', 'C', 'R', 'S', 0x11, 0x48, 0x04, 0x0a, 68,	/* _CRS BufferOp, PkgLength 72 */
	/* granularity, min, max, translation offset, length */
	ACPI_RES_WORD, LE16(ACPI_RES_WORD_LEN), ACPI_RES_TYPE_BUS, ACPI_RES_PRODUCER, 0,
		LE16(0), LE16(0), LE16(0), LE16(0), LE16(1),
	/* min, max, alignment, length */
	ACPI_RES_IO, ACPI_RES_IO_DECODE16,
		LE16(PCI_CONFIG_ADDRESS_PORT), LE16(PCI_CONFIG_ADDRESS_PORT), 1, PCI_CONFIG_PORTS,
	ACPI_RES_WORD, LE16(ACPI_RES_WORD_LEN), ACPI_RES_TYPE_IO, ACPI_RES_PRODUCER,
		ACPI_RES_IO_ENTIRE, LE16(0), LE16(PCI_IO_WINDOW_START), LE16(PCI_IO_WINDOW_END - 1),
		LE16(0), LE16(PCI_IO_WINDOW_END - PCI_IO_WINDOW_START),
	ACPI_RES_DWORD, LE16(ACPI_RES_DWORD_LEN), ACPI_RES_TYPE_MEM, ACPI_RES_PRODUCER,
		ACPI_RES_MEM_RW_NC, LE32(0), LE32(VM_MMIO_START), LE32(VM_MMIO_END), LE32(0),
		LE32(VM_MMIO_END - VM_MMIO_START + 1),
	ACPI_RES_END, 0,
};
/* clang-format on */
_Static_assert(sizeof(acpi_dsdt_aml) == 1 + 109, "DSDT PkgLengths");

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

static void acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	bzimage_put(t, 4, 4, len);
	t[8] = rev;
	memcpy(t + 10, ACPI_OEM_ID, 6);
	memcpy(t + 16, ACPI_OEM_TABLE, 8);
	bzimage_put(t, 24, 4, 1);  /* OEM revision */
	memcpy(t + 28, "ISOV", 4); /* creator id */
	bzimage_put(t, 32, 4, 1);  /* creator revision */
}

static void acpi_seal(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = (uint8_t)(0x100 - acpi_checksum(t, len));
}

int acpi_build(uint8_t *buf, size_t cap, uint64_t gpa, unsigned int cpus, uint64_t *rsdp_gpa,
	       struct iso_err *err)
{
	/* Layout: RSDP, XSDT (2 entries), FADT, DSDT, MADT, one after the
	 * other, each 16-byte aligned. */
	const uint32_t xsdt_len = ACPI_HDR_BYTES + 2 * 8;
	const uint32_t dsdt_len = ACPI_HDR_BYTES + sizeof(acpi_dsdt_aml);
	const uint32_t madt_len = ACPI_HDR_BYTES + 8 + cpus * MADT_LAPIC_BYTES + MADT_IOAPIC_BYTES;
	const size_t rsdp = 0, xsdt = ACPI_ALIGN16(rsdp + ACPI_RSDP_BYTES),
		     fadt = ACPI_ALIGN16(xsdt + xsdt_len),
		     dsdt = ACPI_ALIGN16(fadt + ACPI_FADT_BYTES),
		     madt = ACPI_ALIGN16(dsdt + dsdt_len);
	uint8_t *p;

	if (cpus == 0 || cpus > 255 || madt + madt_len > cap)
		return iso_err_input(err, -ENOSPC, "acpi: no room for tables for %u CPUs", cpus);
	memset(buf, 0, madt + madt_len);

	/* RSDP (5.2.5.3), revision 2: XSDT only. */
	p = buf + rsdp;
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, ACPI_OEM_ID, 6);
	p[15] = 2;
	bzimage_put(p, 20, 4, ACPI_RSDP_BYTES);
	bzimage_put(p, 24, 8, gpa + xsdt);
	p[8] = (uint8_t)(0x100 - acpi_checksum(p, 20));		      /* first 20 bytes */
	p[32] = (uint8_t)(0x100 - acpi_checksum(p, ACPI_RSDP_BYTES)); /* whole */

	p = buf + xsdt;
	acpi_header(p, "XSDT", xsdt_len, 1);
	bzimage_put(p, ACPI_HDR_BYTES, 8, gpa + fadt);
	bzimage_put(p, ACPI_HDR_BYTES + 8, 8, gpa + madt);
	acpi_seal(p, xsdt_len);

	p = buf + fadt;
	acpi_header(p, "FACP", ACPI_FADT_BYTES, ACPI_FADT_REV);
	bzimage_put(p, FADT_DSDT, 4, gpa + dsdt);
	bzimage_put(p, FADT_X_DSDT, 8, gpa + dsdt);
	bzimage_put(p, FADT_IAPC_BOOT_ARCH, 2, FADT_BOOT_NO_VGA | FADT_BOOT_NO_RTC);
	bzimage_put(p, FADT_FLAGS, 4, FADT_FLAG_HW_REDUCED);
	p[FADT_MINOR] = 0;
	memcpy(p + FADT_HV_VENDOR, "ISOVM\0\0\0", 8);
	acpi_seal(p, ACPI_FADT_BYTES);

	/* The DSDT describes one device, the PCI root bridge, so that the
	 * kernel scans bus 0 through ports 0xcf8/0xcfc (it does not probe PCI
	 * by itself when ACPI is on, and pci=noacpi would also turn the local
	 * APIC off: the kernel has no MP-table code). */
	p = buf + dsdt;
	acpi_header(p, "DSDT", dsdt_len, 2);
	memcpy(p + ACPI_HDR_BYTES, acpi_dsdt_aml, sizeof(acpi_dsdt_aml));
	acpi_seal(p, dsdt_len);

	p = buf + madt;
	acpi_header(p, "APIC", madt_len, 5);
	bzimage_put(p, ACPI_HDR_BYTES, 4, VM_LAPIC_ADDR);
	bzimage_put(p, ACPI_HDR_BYTES + 4, 4, MADT_FLAG_PCAT_COMPAT);
	for (unsigned int i = 0; i < cpus; i++) {
		uint8_t *e = p + ACPI_HDR_BYTES + 8 + i * MADT_LAPIC_BYTES;

		e[0] = MADT_TYPE_LAPIC;
		e[1] = MADT_LAPIC_BYTES;
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)i; /* APIC id, as cpuid.c sets it */
		bzimage_put(e, 4, 4, MADT_LAPIC_ENABLED);
	}
	{
		uint8_t *e = p + ACPI_HDR_BYTES + 8 + cpus * MADT_LAPIC_BYTES;

		/* KVM's IOAPIC: id 0, GSIs 0..23, ISA IRQs identity-mapped (KVM's
		 * default routing), so no interrupt source overrides. */
		e[0] = MADT_TYPE_IOAPIC;
		e[1] = MADT_IOAPIC_BYTES;
		e[2] = 0;
		bzimage_put(e, 4, 4, VM_IOAPIC_ADDR);
		bzimage_put(e, 8, 4, 0);
	}
	acpi_seal(p, madt_len);

	*rsdp_gpa = gpa + rsdp;
	return 0;
}
