#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run bench_stopcopy natively (wall-clock time of each phase) and under
valgrind --tool=callgrind (instructions of each phase, repeatable), then
print one table per phase and a summary of the growth between sizes.

    run-bench.py BENCH_BINARY [--sizes 1,16,...] [--reps N] [--no-callgrind]
                 [--jobs N] [--no-e2e]

Verdict (from instruction counts only; time is shown, never judged): a
phase of the stop-and-copy window or one of the pieces is super-linear when
its instructions grow more than 1.25 times as fast as the queues between
two sizes of 4,096 queues or more. Exit 1 if any is, or if a run fails.
Then kernel-apply-model.py prints what the simulator cannot measure: the
list steps of the kernel's apply (a model, shown, not judged).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

SIZES = [1, 16, 256, 4096, 16384, 65536]
SLACK = 1.25            # allowed growth above the queues' own
JUDGED = ('downtime', 'before-stop', 'piece')
# Growth is judged from this size up: below it fixed costs dominate and
# glibc switches memcpy/memset strategies (see docs/performance.md).
JUDGE_FROM = 4096


def parse_bench(text):
    """P lines: phase -> (group, what); R lines: (queues, phase) -> row."""
    phases, rows, markers = {}, {}, False
    for line in text.splitlines():
        f = line.split('\t')
        if f[0] == 'C':
            markers = True
        elif f[0] == 'P':
            phases[f[1]] = (f[2], f[3])
        elif f[0] == 'R':
            rows[(int(f[1]), f[2])] = dict(reps=int(f[3]), min=int(f[4]),
                                           med=int(f[5]), tapq=int(f[6]))
    return phases, rows, markers


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode:
        sys.stderr.write(p.stderr)
        sys.exit('run-bench: %s failed with status %d' %
                 (' '.join(cmd), p.returncode))
    return p.stdout


def callgrind_size(valgrind, bench, size, outdir):
    """Instructions of each phase of one size: {(size, phase): Ir}."""
    out = os.path.join(outdir, 'cg.%d' % size)
    run([valgrind, '--tool=callgrind', '--callgrind-out-file=' + out,
         bench, '--sizes', str(size), '--reps', '1', '--no-e2e'])
    ir = {}
    trig = re.compile(r'^desc: Trigger: Client Request: B (\d+) (\S+)$')
    for name in os.listdir(outdir):
        if not name.startswith('cg.%d.' % size):
            continue
        key, total = None, None
        with open(os.path.join(outdir, name)) as f:
            for line in f:
                m = trig.match(line.rstrip('\n'))
                if m:
                    key = (int(m.group(1)), m.group(2))
                elif line.startswith('summary:'):
                    total = int(line.split()[1])
        if key and total is not None:
            ir[key] = total
    return ir


def fmt_int(n):
    return '{:,}'.format(n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('bench')
    ap.add_argument('--sizes', default=','.join(map(str, SIZES)))
    ap.add_argument('--reps', type=int, default=0)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1)
    ap.add_argument('--no-callgrind', action='store_true')
    ap.add_argument('--no-e2e', action='store_true')
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(',')]

    cmd = [a.bench, '--sizes', a.sizes]
    if a.reps:
        cmd += ['--reps', str(a.reps)]
    if a.no_e2e:
        cmd.append('--no-e2e')
    print('$ ' + ' '.join(cmd), flush=True)
    phases, rows, markers = parse_bench(run(cmd))

    ir = {}
    valgrind = shutil.which('valgrind')
    note = None
    if a.no_callgrind:
        note = 'instruction counts not taken (--no-callgrind)'
    elif not valgrind:
        note = 'instruction counts need valgrind (Debian package valgrind)'
    elif not markers:
        note = ('instruction counts need a bench built with '
                '<valgrind/callgrind.h>: reconfigure the build directory')
    if note:
        print('note: ' + note)
    else:
        print('$ valgrind --tool=callgrind %s --sizes N --reps 1 --no-e2e'
              '   (one process per size, %d at a time)' % (a.bench, a.jobs),
              flush=True)
        with tempfile.TemporaryDirectory(prefix='apmig-bench-') as tmp:
            with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
                for part in ex.map(lambda s: callgrind_size(valgrind, a.bench,
                                                            s, tmp), sizes):
                    ir.update(part)

    bad = []
    summary = []
    for ph, (group, what) in phases.items():
        if not any((s, ph) in rows for s in sizes):
            continue
        print('\n%s [%s]: %s' % (ph, group, what))
        print('%8s %8s %12s %10s %14s %10s %8s %8s' %
              ('queues', 'TAPQs', 'median us', 'ns/queue', 'instructions',
               'Ir/queue', 'Ir x', 'time x'))
        prev = None
        for s in sizes:
            r = rows.get((s, ph))
            if not r:
                continue
            i = ir.get((s, ph))
            irx = tx = ''
            if prev:
                ps, pr, pi = prev
                q = s / ps
                tx = 'x%.1f' % (r['med'] / pr['med']) if pr['med'] else ''
                if i is not None and pi:
                    g = i / pi
                    irx = 'x%.1f' % g
                    if (group in JUDGED and ps >= JUDGE_FROM and
                            g > q * SLACK):
                        bad.append('%s: %d -> %d queues (x%g): '
                                   'instructions x%.1f' % (ph, ps, s, q, g))
                        irx += '!'
            print('%8d %8s %12.1f %10.1f %14s %10s %8s %8s' %
                  (s, r['tapq'] if group != 'e2e' else '-',
                   r['med'] / 1e3, r['med'] / s,
                   fmt_int(i) if i is not None else '-',
                   '%.1f' % (i / s) if i is not None else '-', irx, tx))
            prev = (s, r, i)
        big = [s for s in (4096, 65536) if (s, ph) in rows]
        line = dict(ph=ph, group=group)
        if len(big) == 2:
            r0, r1 = rows[(4096, ph)], rows[(65536, ph)]
            line['tx'] = r1['med'] / r0['med'] if r0['med'] else 0
            i0, i1 = ir.get((4096, ph)), ir.get((65536, ph))
            line['irx'] = i1 / i0 if i0 and i1 is not None else None
            line['irq'] = i1 / 65536 if i1 is not None else None
            line['nsq'] = r1['med'] / 65536
            line['tq'] = r1['tapq'] / 65536 if group != 'e2e' else None
        summary.append(line)

    print('\nGrowth 4,096 -> 65,536 queues (x16; linear = x16, quadratic = x256)')
    print('%-22s %-12s %8s %8s %10s %12s %10s' %
          ('phase', 'group', 'Ir x', 'time x', 'TAPQ/q', 'Ir/queue',
           'ns/queue'))
    for l in summary:
        if 'tx' not in l:
            continue
        print('%-22s %-12s %8s %8s %10s %12s %10.1f' %
              (l['ph'], l['group'],
               'x%.2f' % l['irx'] if l['irx'] is not None else '-',
               'x%.2f' % l['tx'],
               '%g' % l['tq'] if l['tq'] is not None else '-',
               '%.1f' % l['irq'] if l['irq'] is not None else '-',
               l['nsq']))
    model = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         'kernel-apply-model.py')
    print('\n' + run([sys.executable, model] + [str(s) for s in sizes])
          .rstrip())
    print('(the simulator applies with flat arrays: dst-finish above does '
          'not show this; see docs/performance.md)')
    if note:
        print('\nno verdict: ' + note)
        return 0
    if bad:
        print('\nSUPER-LINEAR (instructions grew > %.2f x the queues):' % SLACK)
        for b in bad:
            print('  ' + b)
        return 1
    print('\nverdict: every phase judged (%s) grows at most linearly in '
          'instructions (slack x%.2f)' % (', '.join(JUDGED), SLACK))
    return 0


if __name__ == '__main__':
    sys.exit(main())
