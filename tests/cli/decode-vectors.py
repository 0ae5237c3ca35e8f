#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Cross-check `apmig decode --json` against every golden stream vector of
tests/vectors: each <name>.txt says what the kernel's decoder must make of
<name>.bin (the records it accepts, with their masks and queues, each
queue's interruption registration included, then ok or
the errno and message). apmig must show exactly those records, exit 0 for
a good stream, and for a bad one exit 2 with the decoder's message as
"apmig: decode: <file>: <message>".

    decode-vectors.py APMIG VECTORS_DIR
"""
import json
import os
import subprocess
import sys


def parse_txt(path):
    """The expectation of one vector: bytes, records, result, message."""
    exp = {'records': [], 'message': None, 'bytes': None, 'result': None}
    rec = None
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            words = line.split()
            if words[0] == 'bytes':
                exp['bytes'] = int(words[1])
            elif words[0] == 'record':
                rec = {'kind': words[2], 'apm': [], 'aqm': [], 'adm': [],
                       'queues': []}
                exp['records'].append(rec)
            elif words[0] in ('apm', 'aqm', 'adm'):
                rec[words[0]] = [int(x, 16) for x in words[1:] if x != '-']
            elif words[0] == 'queue':
                # queue AA.DDDD gr2 0x... [irq isc N nib 0x...]
                irq = None
                if len(words) > 4 and words[4] == 'irq':
                    irq = {'isc': int(words[6]), 'nib': words[8]}
                rec['queues'].append((words[1], int(words[3], 16), irq))
            elif words[0] == 'result':
                exp['result'] = words[1]
            elif words[0] == 'message':
                exp['message'] = line[len('message '):]
    return exp


def check_vector(apmig, vdir, name):
    """Returns a list of complaints (empty: the vector passes)."""
    bin_path = os.path.join(vdir, name + '.bin')
    exp = parse_txt(os.path.join(vdir, name + '.txt'))
    run = subprocess.run([apmig, 'decode', '--json', bin_path],
                         capture_output=True, text=True)
    bad = []
    want_status = 0 if exp['result'] == 'ok' else 2
    if run.returncode != want_status:
        bad.append('exit %d, expected %d' % (run.returncode, want_status))
    if want_status == 0 and run.stderr:
        bad.append('unexpected stderr: %r' % run.stderr)
    if want_status == 2:
        want = 'apmig: decode: %s: %s\n' % (bin_path, exp['message'])
        if run.stderr != want:
            bad.append('stderr %r, expected %r' % (run.stderr, want))
    try:
        out = json.loads(run.stdout)
    except ValueError as e:
        return bad + ['stdout is not JSON: %s' % e]
    if exp['bytes'] is not None and out['length'] != exp['bytes']:
        bad.append('length %d, expected %d' % (out['length'], exp['bytes']))
    if (out['error'] is None) != (want_status == 0):
        bad.append('error member %r' % out['error'])
    if want_status == 2 and out['error'] != exp['message']:
        bad.append('error member %r, expected %r' %
                   (out['error'], exp['message']))
    got = out['records']
    if len(got) != len(exp['records']):
        return bad + ['%d records shown, expected %d' %
                      (len(got), len(exp['records']))]
    for i, (g, e) in enumerate(zip(got, exp['records'])):
        if e['kind'] == 'unchanged':
            if not g['unchanged'] or g['config'] is not None:
                bad.append('record %d: expected UNCHANGED' % i)
            continue
        c = g['config']
        if c is None:
            bad.append('record %d: no configuration shown' % i)
            continue
        for key, mask in (('adapters', 'apm'), ('domains', 'aqm'),
                          ('control_domains', 'adm')):
            if c[key] != e[mask]:
                bad.append('record %d: %s %s, expected %s' %
                           (i, key, c[key], e[mask]))
        queues = [(q['apqn'], int(q['gr2'], 16), q['irq'])
                  for q in c['queues']]
        if queues != e['queues']:
            bad.append('record %d: queues %s, expected %s' %
                       (i, queues, e['queues']))
    return bad


def main():
    apmig, vdir = sys.argv[1], sys.argv[2]
    names = sorted(f[:-4] for f in os.listdir(vdir)
                   if f.endswith('.bin') and
                   os.path.exists(os.path.join(vdir, f[:-4] + '.txt')))
    failed = 0
    for name in names:
        bad = check_vector(apmig, vdir, name)
        print('%s: %s' % (name, 'ok' if not bad else 'FAIL'))
        for b in bad:
            print('  ' + b)
        failed += bool(bad)
    print('%d vectors, %d failed' % (len(names), failed))
    sys.exit(1 if failed or not names else 0)


if __name__ == '__main__':
    main()
