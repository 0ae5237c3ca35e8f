#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a migration stream past the 2 MiB limit (docs/migration-stream.md).

Usage: mkstream-big.py VECTORS OUT efbig|truncated

efbig:     two non-final records of exactly 1 MiB (one queue, padded by an
           optional section), 2 MiB in all, then an UNCHANGED record seq 2:
           its header crosses the limit (-EFBIG at offset 2097164).
truncated: the same, cut 10 bytes into the header of record seq 2
           (-ENODATA at offset 2097162, where the input really ends).
"""
import struct
import sys

MIB = 1 << 20


def crc32c(data):
    table = crc32c.table
    crc = 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


crc32c.table = _table()


def with_crc(rec):
    return rec + struct.pack('>I', crc32c(rec))


def padded(one, size, seq, flags):
    """one_queue's record, made @size bytes long by an optional section."""
    base = len(one) - 4
    hdr = bytearray(one[:base])
    struct.pack_into('>HIIH', hdr, 10, flags, size, seq, 3)
    pad = struct.pack('>HHI', 0x8001, 0, size - base - 12) + b'\x5a' * (size - base - 12)
    return with_crc(bytes(hdr) + pad)


def main():
    vectors, out, kind = sys.argv[1:4]
    with open(vectors + '/one_queue.bin', 'rb') as f:
        one = f.read()
    assert with_crc(one[:-4]) == one, 'one_queue.bin: CRC32C differs'
    rec2 = bytearray(one[:24])
    struct.pack_into('>HIIHH', rec2, 10, 0x0003, 28, 2, 0, 0)
    stream = padded(one, MIB, 0, 0) + padded(one, MIB, 1, 0) + with_crc(bytes(rec2))
    if kind == 'truncated':
        stream = stream[:2 * MIB + 10]
    with open(out, 'wb') as f:
        f.write(stream)


main()
