#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A capture reads back as the host it was taken from: for every fixture
host (the malformed ones included) and the wide pair, `apmig capture` into
a directory and into a tar archive, then

  - `show` and `show --json` print on each capture what they print on the
    original (exit status, stdout, stderr), once the capture's manifest
    (the first lines of show, the "capture" member of its JSON) is taken
    out and the roots' names are replaced by ROOT;
  - `export` of every mdev writes the same stream bytes (or the same error);
  - `check` of every source mdev against every host and each of its mdevs
    gives the same output on the two captures as on the two originals;
  - the manifest of the directory capture says where and when it was taken.

    capture-roundtrip.py APMIG TESTS_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HOST_SETS = ('hosts', 'hosts-cli', 'hosts-bad')
EPOCH = '1767225600'     # 2026-01-01 00:00:00 UTC


def hosts(fixtures):
    out = []
    for sub in HOST_SETS:
        d = os.path.join(fixtures, sub)
        for name in sorted(os.listdir(d)):
            if os.path.isdir(os.path.join(d, name)):
                out.append(os.path.join(d, name))
    return out


def mdevs(root):
    d = os.path.join(root, 'devices', 'vfio_ap', 'matrix')
    if not os.path.isdir(d):
        return []
    return sorted(n for n in os.listdir(d) if n.count('-') == 4)


def run(apmig, args):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, LC_ALL='C')
    env.pop('APMIG_SYSFS_ROOT', None)
    p = subprocess.run([apmig] + args, capture_output=True, env=env)
    return p.returncode, p.stdout, p.stderr


def normalize(out, roots, json_doc=False):
    """Roots replaced by ROOT; the capture's manifest taken out."""
    text = out.decode('utf-8', 'replace')
    for r in sorted(roots, key=len, reverse=True):
        text = text.replace(r, 'ROOT')
    if json_doc:
        try:
            doc = json.loads(text)
        except ValueError:
            return text
        doc.pop('capture', None)
        return json.dumps(doc, indent=1, sort_keys=True)
    lines = text.split('\n')
    if lines and lines[0].startswith('capture: '):
        lines.pop(0)
        while lines and lines[0].startswith('  '):
            lines.pop(0)
    return '\n'.join(lines)


class Checker:
    def __init__(self, apmig):
        self.apmig = apmig
        self.failures = 0
        self.compared = 0

    def same(self, what, args_of, roots_orig, roots_caps, json_doc=False,
             binary=False):
        """Run args_of(roots) on the originals and on each capture set."""
        want = run(self.apmig, args_of(roots_orig))
        for caps in roots_caps:
            got = run(self.apmig, args_of(caps))
            allr = list(roots_orig) + list(caps)
            for i, name in ((0, 'status'), (1, 'stdout'), (2, 'stderr')):
                if i == 0:
                    a, b = want[0], got[0]
                elif binary and i == 1:
                    a, b = want[1], got[1]
                else:
                    a = normalize(want[i], allr, json_doc and i == 1)
                    b = normalize(got[i], allr, json_doc and i == 1)
                self.compared += 1
                if a != b:
                    self.failures += 1
                    print('%s on %s: %s differs:\n--- original\n%s\n--- capture\n%s'
                          % (what, caps, name, a if not binary else len(a),
                             b if not binary else len(b)))


def main():
    apmig, tests = sys.argv[1], sys.argv[2]
    fixtures = os.path.join(tests, 'fixtures')
    tmp = tempfile.mkdtemp(prefix='apmig-roundtrip-')
    try:
        subprocess.run([sys.executable,
                        os.path.join(fixtures, 'hosts', 'mkhosts.py'),
                        '--wide', tmp], check=True)
        originals = hosts(fixtures) + [os.path.join(tmp, 'wide-src'),
                                       os.path.join(tmp, 'wide-dst')]
        caps = {}
        c = Checker(apmig)
        for i, h in enumerate(originals):
            d = os.path.join(tmp, 'c%d' % i)
            t = os.path.join(tmp, 'c%d.tar' % i)
            for out in (d, t):
                status, _, err = run(apmig, ['capture', '--sysfs', h, '-o', out])
                if h.endswith('no-ap-bus'):
                    # nothing to capture: the same refusal as the reader's
                    if status != 2 or b'no AP bus here' not in err:
                        print('capture of %s: %d %s' % (h, status, err))
                        c.failures += 1
                    continue
                if status != 0:
                    print('capture of %s into %s: exit %d: %s'
                          % (h, out, status, err.decode()))
                    c.failures += 1
            caps[h] = (d, t)
        # a wide host's archive takes seconds to unpack: read it once
        wide = set(originals[-2:])
        for h, (d, t) in caps.items():
            c.same('show', lambda r: ['show', '--sysfs', r[0]], [h], [[d], [t]])
            c.same('show --json', lambda r: ['show', '--json', '--sysfs', r[0]],
                   [h], [[d]] if h in wide else [[d], [t]], json_doc=True)
            for u in mdevs(h):
                c.same('export ' + u,
                       lambda r, u=u: ['export', '--sysfs', r[0], '-o', '-', u],
                       [h], [[d]] if h in wide else [[d], [t]], binary=True)
        pairs = [(s, t) for s in caps for t in caps
                 if os.path.basename(os.path.dirname(s)) ==
                 os.path.basename(os.path.dirname(t)) and mdevs(s)]
        for s, t in pairs:
            for j, u in enumerate(mdevs(s)):
                for i, tu in enumerate(mdevs(t) or [u]):
                    # the archives once per pair: each read unpacks them
                    sets = [[caps[s][0], caps[t][0]]]
                    if i == 0 and j == 0 and s not in wide and t not in wide \
                            and 'hosts-bad' not in s:
                        sets.append([caps[s][1], caps[t][1]])
                    c.same('check %s -> %s' % (u, tu),
                           lambda r, u=u, tu=tu: ['check', '--json', '--source', r[0],
                                                  '--target', r[1],
                                                  '--target-uuid', tu, u],
                           [s, t], sets, json_doc=True)
        d0 = caps[os.path.join(fixtures, 'hosts', 'src-a')][0]
        with open(os.path.join(d0, 'apmig-capture.json')) as f:
            man = json.load(f)
        if man.get('time') != int(EPOCH) or man.get('host') != os.uname().nodename \
                or man.get('kernel') != os.uname().release:
            print('manifest: %s' % man)
            c.failures += 1
        print('%d captures, %d comparisons, %d differences'
              % (2 * len(caps), c.compared, c.failures))
        return 1 if c.failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
