/* ACPI tables for a guest without firmware: RSDP -> XSDT -> FADT (with
 * a DSDT that holds the PCI root bridge and its windows) and MADT. The stock kernel has no MP-table
 * parser, so the MADT is how it finds more than one CPU and the IOAPIC. */
#ifndef ISOVM_ACPI_H
#define ISOVM_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Tables go in the BIOS area (e820-reserved), where the RSDP is also
 * found by the kernel's legacy scan (ACPI 6.4, 5.2.5.1: 16-byte aligned
 * in 0xe0000..0xfffff). */
#define ACPI_TABLES_ADDR  0xe0000ull
#define ACPI_TABLES_BYTES 0x10000u

/* Write the tables for `cpus` CPUs (APIC ids 0..cpus-1) into `buf`, which
 * the guest sees at `gpa`. Stores the RSDP's guest address. -ENOSPC when
 * `cap` is too small. */
int acpi_build(uint8_t *buf, size_t cap, uint64_t gpa, unsigned int cpus, uint64_t *rsdp_gpa,
	       struct iso_err *err);

/* Sum of `len` bytes mod 256 (a valid table sums to 0). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif
