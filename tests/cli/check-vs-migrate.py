#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`apmig check` (the tool path: the library reads the sysfs trees and runs
the kernel's rules) and `apmig migrate` (the driver path: the unchanged
driver on simulated hosts built from the same trees, driven as QEMU drives
it) must agree on every pair of fixture hosts: every source mdev of every
fixture host, against every fixture host, with every destination mdev there
(by --target-uuid, and by default when it has the source's UUID). The
destination mdev is prepared by the administrator and the migration never
creates it, so a pair always names one the target has. They must agree on

  - the exit status (0 migrated/compatible, 1 refused/incompatible,
    2 a tree that cannot be read or a guest that cannot be snapshot),
  - the source guest's configuration (queues, adapters, domains, control
    domains: vfio_ap's shadow APCB, derived by the library in both paths),
  - the problems, one by one, and the guest-visible changes (a newer AP
    type, a class change: reported by the same rules, flagged, never
    counted), one by one, each in its own array ("problems", "changes").
    The tool's own problems (codes 100 and up: a vfio_ap without
    'migratable', a destination mdev a running guest holds, a Secure
    Execution source) come first and must be the same; when they stopped
    the simulated run before the kernel saw the stream, `check` still
    lists the rules' problems and `migrate` cannot: those are compared only
    when there is no such problem.

    check-vs-migrate.py APMIG TESTS_DIR

Run from anywhere; the hosts are read from TESTS_DIR/fixtures.
"""
import concurrent.futures
import json
import os
import subprocess
import sys

HOST_SETS = ('hosts', 'hosts-cli', 'hosts-bad')
PROBLEM_KEYS = ('apqn', 'control_domain', 'code', 'characteristic',
                'source', 'target', 'message')
GUEST_KEYS = ('queues', 'adapters', 'domains', 'control_domains')
VERDICT = {0: ('compatible', 'migrated'), 1: ('incompatible', 'refused')}


def hosts(fixtures):
    """Every fixture host directory (one with a bus/), sorted."""
    out = []
    for sub in HOST_SETS:
        d = os.path.join(fixtures, sub)
        for name in sorted(os.listdir(d)):
            if os.path.isdir(os.path.join(d, name, 'bus')):
                out.append(os.path.join(sub, name))
    return out


def mdevs(fixtures, host):
    """The mdev UUIDs of @host's vfio_ap matrix (none without vfio_ap)."""
    d = os.path.join(fixtures, host, 'devices', 'vfio_ap', 'matrix')
    if not os.path.isdir(d):
        return []
    return sorted(n for n in os.listdir(d) if n.count('-') == 4)


def run(apmig, args):
    p = subprocess.run([apmig] + args, capture_output=True, text=True)
    try:
        out = json.loads(p.stdout) if p.stdout else None
    except ValueError:
        out = None
    return p.returncode, out, p.stderr


TOOL_CODES = 100


def problems(obj, member='problems', tool=None):
    """The problems of @member; @tool True: the tool's only, False: the rules'."""
    return [tuple(p.get(k) for k in PROBLEM_KEYS) for p in obj.get(member, [])
            if tool is None or (p.get('code', 0) >= TOOL_CODES) == tool]


def compare(apmig, fixtures, src, uuid, dst, dest):
    """Returns (outcome, complaints) for one pair and destination."""
    common = ['--source', os.path.join(fixtures, src),
              '--target', os.path.join(fixtures, dst), '--json']
    if dest:
        common += ['--target-uuid', dest]
    crc, cobj, cerr = run(apmig, ['check'] + common + [uuid])
    mrc, mobj, merr = run(apmig, ['migrate'] + common + [uuid])
    if crc != mrc:
        return 'differ', ['check exit %d (%s), migrate exit %d (%s)' %
                          (crc, cerr.strip() or 'no message', mrc,
                           merr.strip() or 'no message')]
    if crc == 2:
        # nothing to compare but that both say why, the CLI's way
        bad = ['%s exit 2 without "apmig: <what>: <why>"' % n
               for n, e in (('check', cerr), ('migrate', merr))
               if not e.startswith('apmig: ')]
        return 'error', bad
    if crc not in VERDICT or cobj is None or mobj is None:
        return 'differ', ['exit %d, check json %s, migrate json %s: %s %s' %
                          (crc, cobj is not None, mobj is not None,
                           cerr.strip(), merr.strip())]
    bad = []
    if (cobj['verdict'], mobj['verdict']) != VERDICT[crc]:
        bad.append('exit %d, but check says %s, migrate says %s (%s)' %
                   (crc, cobj['verdict'], mobj['verdict'], mobj.get('reason')))
    cg = {k: cobj['source'].get(k) for k in GUEST_KEYS}
    mg = {k: (mobj['source'].get('guest') or {}).get(k) for k in GUEST_KEYS}
    if cg != mg:
        bad.append('source guest differs:\n    check:   %s\n    migrate: %s' %
                   (cg, mg))
    tool = problems(mobj, tool=True)
    if problems(cobj, tool=True) != tool:
        bad.append('the tool\'s problems differ:\n    check:   %s\n    migrate: %s' %
                   (problems(cobj, tool=True), tool))
    for member in ('problems', 'changes'):
        if tool:
            break   # the kernel never judged the stream
        if problems(cobj, member) != problems(mobj, member):
            bad.append('%s differ:\n    check:   %s\n    migrate: %s' %
                       (member, problems(cobj, member),
                        problems(mobj, member)))
    return cobj['verdict'], bad


def main():
    apmig, tests = sys.argv[1], sys.argv[2]
    fixtures = os.path.join(tests, 'fixtures')
    all_hosts = hosts(fixtures)
    pairs = [(src, uuid, dst, dest)
             for src in all_hosts for uuid in mdevs(fixtures, src)
             for dst in all_hosts
             for dest in ([None] if uuid in mdevs(fixtures, dst) else []) +
             mdevs(fixtures, dst)]
    # each pair runs two processes of its own: a few pairs at a time
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda p: compare(apmig, fixtures, *p), pairs))
    failed = 0
    outcomes = {}
    for (src, uuid, dst, dest), (outcome, bad) in zip(pairs, results):
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if not bad:
            continue
        failed += 1
        print('%s %s -> %s %s: FAIL' % (src, uuid[:8], dst,
                                       dest[:8] if dest else '(same UUID)'))
        for b in bad:
            print('  ' + b)
    print('%d pairs: %s; %d disagree' % (
        len(pairs),
        ', '.join('%d %s' % (n, v) for v, n in sorted(outcomes.items())),
        failed))
    # Every outcome must occur, or the comparison proves little.
    missing = {'compatible', 'incompatible', 'error'} - set(outcomes)
    if missing:
        print('no pair gave: %s' % ', '.join(sorted(missing)))
    sys.exit(1 if failed or missing else 0)

if __name__ == '__main__':
    main()
