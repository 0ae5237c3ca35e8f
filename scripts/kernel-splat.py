#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the splats of a kernel log (kunit.py's test.log), one block each.

A splat is what the kernel prints when it catches a bug: lockdep reports,
BUG:, KASAN, debug-objects, UBSAN, hung tasks, oopses, panics, and a
WARNING from the code under test (drivers/s390/crypto, VFIO). A WARNING
elsewhere is printed too but marked "not gated" and does not count.
Exit 1 when the log has a gated splat (or cannot be read), else 0.
"""
import re
import sys

# Lines that start a splat, matched after the "[ time]" prefix.
SPLAT = re.compile(
    r"(WARNING: (possible|suspicious|inconsistent|bad unlock|lock held|"
    r"held lock|Nested lock|nested lock|at .* is still|.*locking)"
    r"|BUG: |BUG at |kernel BUG|KASAN|ODEBUG|UBSAN:|INFO: task .* blocked"
    r"|INFO: rcu_.* detected stall|Kernel panic|Oops|Unable to handle kernel"
    r"|refcount_t: |list_(add|del) corruption|general protection fault)")
WARNING = re.compile(r"WARNING: CPU: \d+ PID: \d+ at (\S+)")
OURS = re.compile(r"drivers/s390/crypto/|drivers/vfio/|vfio_ap")
PREFIX = re.compile(r"^\[\s*[\d.]+\]\s?")


def main():
    try:
        with open(sys.argv[1], errors="replace") as f:
            lines = [PREFIX.sub("", l.rstrip("\n")) for l in f]
    except OSError as e:
        print(f"cannot read the kernel log: {e}")
        return 1
    found = 0
    for i, line in enumerate(lines):
        gated = None
        m = WARNING.search(line)
        if m:
            gated = bool(OURS.search(m.group(1)))
        elif SPLAT.search(line):
            gated = True
        if gated is None:
            continue
        mark = "" if gated else " (not gated)"
        print(f"line {i + 1}{mark}: {line}")
        if gated:
            found = 1
            for follow in lines[i + 1:i + 12]:
                print(f"    {follow}")
    return found


if __name__ == "__main__":
    sys.exit(main())
