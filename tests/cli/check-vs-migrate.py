#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`apmig check` (the tool path: sysfs trees, the kernel's rules) and
`apmig migrate` (the driver path: the unchanged driver on simulated hosts
built from the same trees, driven as QEMU drives it) must reach the same
verdict with the same problems, on every pair of fixture hosts and every
choice of destination mdev.

    check-vs-migrate.py APMIG TESTS_DIR

Run from anywhere; the hosts are read from TESTS_DIR/fixtures.
"""
import itertools
import json
import os
import subprocess
import sys

# source host -> mdevs whose guest configuration can be taken
SOURCES = {
    'hosts/src-a': ['8ab1a2c4-5d3e-4f60-9a7b-0c1d2e3f4a5b',
                    'c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b'],
    'hosts-cli/cli-src': ['11111111-2222-4333-8444-555555555555',
                          '66666666-7777-4888-9999-aaaaaaaaaaaa'],
}
# target host -> destination mdevs worth trying besides the source UUID
TARGETS = {
    'hosts/dst-ok': ['5f2e9a10-3b4c-4d5e-8f60-718293a4b5c6',
                     '2d3c4b5a-6978-4a1b-8c2d-3e4f5a6b7c8d'],
    'hosts/dst-bad': ['5f2e9a10-3b4c-4d5e-8f60-718293a4b5c6',
                      '9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4'],
    'hosts-cli/cli-dst-ok': ['bbbbbbbb-cccc-4ddd-8eee-ffffffffffff'],
    'hosts-cli/cli-dst-diff': ['0f0f0f0f-1e1e-4d2d-8c3c-4b4b4b4b4b4b'],
    'hosts-cli/cli-src': [],
}
PROBLEM_KEYS = ('apqn', 'control_domain', 'code', 'characteristic',
                'source', 'target', 'message')


def run(apmig, args):
    p = subprocess.run([apmig] + args, capture_output=True, text=True)
    try:
        out = json.loads(p.stdout) if p.stdout else None
    except ValueError:
        out = None
    return p.returncode, out, p.stderr


def problems(obj):
    return [tuple(p.get(k) for k in PROBLEM_KEYS) for p in obj['problems']]


def compare(apmig, fixtures, src, uuid, dst, dest):
    """Returns (verdict, complaints) for one pair and destination."""
    common = ['--source', os.path.join(fixtures, src),
              '--target', os.path.join(fixtures, dst), '--json']
    if dest:
        common += ['--target-uuid', dest]
    crc, cobj, cerr = run(apmig, ['check'] + common + [uuid])
    mrc, mobj, merr = run(apmig, ['migrate'] + common + [uuid])
    bad = []
    if crc not in (0, 1) or cobj is None:
        return 'error', ['check exit %d: %s' % (crc, cerr.strip())]
    if mrc not in (0, 1) or mobj is None:
        return 'error', ['migrate exit %d: %s' % (mrc, merr.strip())]
    if crc != mrc:
        bad.append('check exit %d, migrate exit %d' % (crc, mrc))
    want = {'compatible': 'migrated', 'incompatible': 'refused'}
    if want[cobj['verdict']] != mobj['verdict']:
        bad.append('check says %s, migrate says %s (%s)' %
                   (cobj['verdict'], mobj['verdict'], mobj.get('reason')))
    if problems(cobj) != problems(mobj):
        bad.append('problems differ:\n    check:   %s\n    migrate: %s' %
                   (problems(cobj), problems(mobj)))
    return cobj['verdict'], bad


def main():
    apmig, tests = sys.argv[1], sys.argv[2]
    fixtures = os.path.join(tests, 'fixtures')
    runs = failed = 0
    verdicts = {}
    for (src, uuids), (dst, dests) in itertools.product(SOURCES.items(),
                                                        TARGETS.items()):
        for uuid, dest in itertools.product(uuids, [None] + dests):
            if src == dst and dest is None:
                continue        # the guest's own mdev: nothing to migrate
            verdict, bad = compare(apmig, fixtures, src, uuid, dst, dest)
            runs += 1
            verdicts[verdict] = verdicts.get(verdict, 0) + 1
            name = '%s %s -> %s %s' % (src, uuid[:8], dst,
                                       dest[:8] if dest else '(same)')
            print('%s: %s%s' % (name, verdict, '' if not bad else ' FAIL'))
            for b in bad:
                print('  ' + b)
            failed += bool(bad)
    print('%d pairs: %s; %d disagree' % (
        runs, ', '.join('%d %s' % (n, v) for v, n in sorted(verdicts.items())),
        failed))
    # Both verdicts must occur, or the comparison proves little.
    sys.exit(1 if failed or len(verdicts) < 2 or 'error' in verdicts else 0)


if __name__ == '__main__':
    main()
