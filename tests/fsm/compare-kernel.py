#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare 'apmig fsm path' with the kernel's own vfio_mig_get_next_state().

Reads the two tables of vfio_mig_get_next_state() (the next-arc table and
the flags each state needs) from drivers/vfio/vfio_main.c of a Linux source
tree, walks them as a driver's set_state loop does, and runs
'apmig fsm path FROM TO --flags F' for all 8 x 8 state pairs under the four
flag sets a migration driver can advertise. Every walk must be printed as
the last line of stdout with exit 0; every request the kernel refuses must
exit 1.

Usage: compare-kernel.py APMIG LINUX_SRC
Exit status: 0 all agree, 1 a difference (each is printed), 2 the source
cannot be read or parsed.
"""
import re
import subprocess
import sys

STATES = ["ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING",
          "RUNNING_P2P", "PRE_COPY", "PRE_COPY_P2P"]
FLAGS = {"STOP_COPY": 1, "P2P": 2, "PRE_COPY": 4}
FLAG_SETS = [["stop_copy"], ["stop_copy", "p2p"], ["stop_copy", "pre_copy"],
             ["stop_copy", "p2p", "pre_copy"]]


def function_body(src):
    start = src.find("int vfio_mig_get_next_state(")
    if start < 0:
        raise ValueError("vfio_mig_get_next_state() not found")
    depth, i = 0, src.index("{", start)
    for j in range(i, len(src)):
        if src[j] == "{":
            depth += 1
        elif src[j] == "}":
            depth -= 1
            if depth == 0:
                return src[i:j + 1]
    raise ValueError("unbalanced braces in vfio_mig_get_next_state()")


def parse_tables(body):
    """The next-arc table and the per-state flags, from the function body."""
    arc = {}
    rows = re.finditer(r"\[VFIO_DEVICE_STATE_(\w+)\]\s*=\s*\{([^}]*)\}", body)
    for row in rows:
        cells = dict(re.findall(
            r"\[VFIO_DEVICE_STATE_(\w+)\]\s*=\s*VFIO_DEVICE_STATE_(\w+)",
            row.group(2)))
        arc[row.group(1)] = cells
    flags_at = body.index("state_flags_table")
    flags_src = body[flags_at:body.index("};", flags_at)]
    needs = {}
    for name, expr in re.findall(r"\[VFIO_DEVICE_STATE_(\w+)\]\s*=\s*([^,\]]+),",
                                 flags_src):
        expr = expr.strip()
        if expr == "~0U":
            needs[name] = None      # never supported
        else:
            needs[name] = sum(FLAGS[f] for f in
                              re.findall(r"VFIO_MIGRATION_(\w+)", expr))
    for s in STATES:
        if s not in arc or s not in needs or \
           any(t not in arc[s] for t in STATES):
            raise ValueError(f"incomplete tables for state {s}")
    return arc, needs


def kernel_walk(arc, needs, flags, cur, new):
    """The states a driver walks, or None where the kernel says -EINVAL."""
    def supported(s):
        return needs[s] is not None and needs[s] & flags == needs[s]

    if not supported(cur):
        return None             # the kernel WARNs: no device is in cur
    path = [cur]
    while cur != new:
        if not supported(new):
            return None
        nxt = arc[cur][new]
        while nxt != "ERROR" and not supported(nxt):
            nxt = arc[nxt][new]
        if nxt == "ERROR":
            return None
        path.append(nxt)
        cur = nxt
    return path


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-4], file=sys.stderr)
        return 2
    apmig, linux = sys.argv[1], sys.argv[2]
    try:
        with open(f"{linux}/drivers/vfio/vfio_main.c", encoding="utf-8") as f:
            arc, needs = parse_tables(function_body(f.read()))
    except (OSError, ValueError) as e:
        print(f"compare-kernel: {e}", file=sys.stderr)
        return 2

    checked = bad = 0
    for names in FLAG_SETS:
        flags = sum(FLAGS[n.upper()] for n in names)
        for cur in STATES:
            for new in STATES:
                want = kernel_walk(arc, needs, flags, cur, new)
                run = subprocess.run([apmig, "fsm", "path", cur, new,
                                      "--flags", ",".join(names)],
                                     capture_output=True, text=True,
                                     check=False)
                lines = run.stdout.strip().splitlines()
                got = lines[-1].split(" -> ") if run.returncode == 0 \
                    and lines else None
                checked += 1
                ok = (want is None and run.returncode == 1) or \
                     (want is not None and run.returncode == 0 and got == want)
                if not ok:
                    bad += 1
                    print(f"flags {','.join(names)}: {cur} -> {new}: "
                          f"kernel {' -> '.join(want) if want else 'refused'}, "
                          f"apmig exit {run.returncode}: "
                          f"{(run.stdout + run.stderr).strip()}")
    print(f"compare-kernel: {checked} walks compared with "
          f"{linux}/drivers/vfio/vfio_main.c, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
