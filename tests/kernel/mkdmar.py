#!/usr/bin/env python3
# Adapted from the project harness (shared/harness/qemu-x86/mkdmar.py).
"""mkdmar.py IN_HEX OUT_AML RMRR...

Take the DMAR table QEMU generated for intel-iommu (hex dump printed by the
guest as "ACPI table=DMAR hex=..."), append RMRR structures and write a table
the kernel's ACPI table-upgrade (CONFIG_ACPI_TABLE_UPGRADE, initrd
kernel/firmware/acpi/*.aml) will load in place of QEMU's.

RMRR spec: BASE:LIMIT:BUS:DEV.FN  (LIMIT inclusive, e.g. 0x40000000:0x40ffffff:0:16.0)
Each RMRR becomes an IOMMU_RESV_DIRECT region for that device (or
DIRECT_RELAXABLE for USB / graphics class devices).
"""
import struct
import sys


def rmrr(base, limit, bus, dev, fn):
    scope = struct.pack('<BBHBB', 1, 8, 0, 0, bus) + bytes([dev, fn])  # PCI endpoint
    body = struct.pack('<HHHHQQ', 1, 24 + len(scope), 0, 0, base, limit)
    return body + scope


def main():
    src, out, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
    text = open(src).read()
    hexs = text.split('hex=', 1)[1].split()[0] if 'hex=' in text else text.strip()
    t = bytearray(bytes.fromhex(hexs))
    assert t[:4] == b'DMAR', 'not a DMAR table'
    for s in specs:
        base, limit, bus, devfn = s.split(':')
        dev, fn = devfn.split('.')
        t += rmrr(int(base, 0), int(limit, 0), int(bus, 0), int(dev, 16), int(fn, 0))
    struct.pack_into('<I', t, 4, len(t))
    # the kernel only overrides a table whose OEM revision is higher
    struct.pack_into('<I', t, 24, struct.unpack_from('<I', t, 24)[0] + 1)
    t[9] = 0
    t[9] = (-sum(t)) & 0xff
    open(out, 'wb').write(t)


if __name__ == '__main__':
    main()
