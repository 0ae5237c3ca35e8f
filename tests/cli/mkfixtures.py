#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build the host trees of the apmig CLI tests, on top of the builder of
tests/fixtures/hosts/mkhosts.py (the same /sys layout and value formats):

  tests/fixtures/hosts-cli/  hosts whose differences exercise every
                             characteristic of the compatibility rules
  tests/fixtures/hosts-bad/  one defect each: missing files, garbage values,
                             dangling links

    mkfixtures.py [OUTDIR]

OUTDIR defaults to tests/fixtures; each tree is rebuilt from scratch.
tests/cli/meson.build checks that the checked-in trees are still the output.
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'fixtures', 'hosts'))
import mkhosts  # noqa: E402

# Facility word bits (ap_functions), bit 0 = MSB; mkhosts.FAC_* are the
# words of cards in each mode.
APSC = 0x80000000
AP4KM = 0x40000000
AP4KC = 0x20000000
APXA = 0x02000000
SLCF = 0x01000000
FULL = 0x00800000
STATELESS = 0x00400000
BS_SHIFT = 14                   # GR2 bits 16-17 in the 32-bit word

ALL = set(range(256))
GUEST = '11111111-2222-4333-8444-555555555555'
SE_GUEST = '66666666-7777-4888-9999-aaaaaaaaaaaa'
DEST = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff'
OTHER = '0f0f0f0f-1e1e-4d2d-8c3c-4b4b4b4b4b4b'


def fac_path(cid, dom=None):
    card = 'devices/ap/card%02x' % cid
    if dom is None:
        return card + '/ap_functions'
    return '%s/%02x.%04x/ap_functions' % (card, cid, dom)


def set_fac(h, rel, fac):
    h.write(rel, '0x%08X\n' % fac)


def get_fac(h, rel):
    with open(h.path(rel)) as f:
        return int(f.read(), 16)


def patch_fac(h, cid, dom, clear=0, add=0, card_too=False):
    """Change a queue's facility word (and optionally its card's)."""
    rels = [fac_path(cid, dom)] + ([fac_path(cid)] if card_too else [])
    for rel in rels:
        set_fac(h, rel, (get_fac(h, rel) & ~clear) | add)


def cli_src(root):
    """A source host: CEX7 CCA (01), CEX8 EP11 (02), CEX8 accelerator (0a),
    CEX8 CCA (0c); the guest of GUEST runs on 01, 02, 0a x 05, 0b with
    control domains 05, 0b, 40; SE_GUEST holds 0c.0005, whose SE bind state
    is 2 (a queue of a Secure Execution setup, not migratable)."""
    mkhosts.build(root,
                  cards={0x01: (13, 'C'), 0x02: (14, 'P'), 0x0a: (14, 'A'),
                         0x0c: (14, 'C')},
                  domains=[0x05, 0x0b], cdoms=[0x05, 0x0b, 0x40],
                  apmask_ids=ALL, aqmask_ids=ALL - {0x05, 0x0b},
                  mdevs={GUEST: dict(apm=[0x01, 0x02, 0x0a],
                                     aqm=[0x05, 0x0b],
                                     adm=[0x05, 0x0b, 0x40], guest=True),
                         SE_GUEST: dict(apm=[0x0c], aqm=[0x05], adm=[],
                                        guest=True)},
                  features='guest_matrix hotplug ap_config migratable')
    h = mkhosts.Host(root)
    patch_fac(h, 0x0c, 0x05, add=2 << BS_SHIFT)
    # card 01 takes 16 KiB messages (ml 4), above the 12 KiB default
    h.write('devices/ap/card01/max_msg_size', '16384\n')


def cli_dst_ok(root):
    """A target that can take GUEST into DEST, which the administrator
    prepared with the guest's configuration: newer CEX8 for 01 and the
    accelerator with full native function (accepted, but guest-visible
    changes), and more control domains on the host than DEST has."""
    mkhosts.build(root,
                  cards={0x01: (14, 'C'), 0x02: (14, 'P'), 0x0a: (14, 'A'),
                         0x0c: (14, 'C')},
                  domains=[0x05, 0x0b, 0x0c], cdoms=[0x05, 0x0b, 0x0c, 0x40],
                  apmask_ids=ALL, aqmask_ids=ALL - {0x05, 0x0b},
                  mdevs={DEST: dict(apm=[0x01, 0x02, 0x0a],
                                    aqm=[0x05, 0x0b],
                                    adm=[0x05, 0x0b, 0x40], guest=False)},
                  features='guest_matrix hotplug ap_config migratable')
    h = mkhosts.Host(root)
    for dom in (0x05, 0x0b, 0x0c):
        patch_fac(h, 0x0a, dom, clear=STATELESS, add=FULL)
    set_fac(h, fac_path(0x0a), (get_fac(h, fac_path(0x0a)) & ~STATELESS) | FULL)
    # card 01 takes the source's 16 KiB messages
    h.write('devices/ap/card01/max_msg_size', '16384\n')


def rebind(h, cid, dom, drv):
    """Bind one queue to another driver, as 'echo ... > bind' would."""
    name = '%02x.%04x' % (cid, dom)
    q = 'devices/ap/card%02x/%s' % (cid, name)
    old = os.path.basename(os.readlink(h.path(q + '/driver')))
    os.unlink(h.path(q + '/driver'))
    os.unlink(h.path('bus/ap/drivers/%s/%s' % (old, name)))
    h.link(q + '/driver', '../../../../bus/ap/drivers/' + drv)
    h.link('bus/ap/drivers/%s/%s' % (drv, name), '../../../../' + q)
    if drv == 'vfio_ap':
        for f in mkhosts.ZCRYPT_QUEUE_ATTRS:
            if os.path.exists(h.path(q + '/' + f)):
                os.unlink(h.path(q + '/' + f))
        h.write(q + '/status', 'unassigned\n')
    else:
        os.unlink(h.path(q + '/status'))
        fac = get_fac(h, fac_path(cid))
        mode = 'C' if fac & 0x10000000 else 'P' if fac & 0x04000000 else 'A'
        mkhosts.zcrypt_queue_attrs(h, q, mode)


def cli_dst_diff(root):
    """A target that differs from cli-src in every characteristic the rules
    compare (see tests/cli/cases/check-every-rule); GUEST's own UUID names
    a destination mdev prepared wrongly: adapters 01, 02 and 0d (which the
    source guest lacks) x 05, 0b, control domains 05 and 0c."""
    mkhosts.build(root,
                  cards={0x01: (13, 'C'), 0x02: (13, 'P'), 0x0a: (14, 'P'),
                         0x0c: (14, 'C'), 0x0d: (14, 'C')},
                  domains=[0x05, 0x0b], cdoms=[0x05, 0x0b, 0x0c],
                  apmask_ids=ALL, aqmask_ids=ALL - {0x05, 0x0b},
                  mdevs={OTHER: dict(apm=[0x0a], aqm=[0x05, 0x0b], adm=[],
                                     guest=False),
                         GUEST: dict(apm=[0x01, 0x02, 0x0d],
                                     aqm=[0x05, 0x0b], adm=[0x05, 0x0c],
                                     guest=False)},
                  features='guest_matrix hotplug ap_config')
    h = mkhosts.Host(root)
    # card 01 takes the default 12 KiB messages where the source's take 16
    h.write('devices/ap/card01/max_msg_size', '12288\n')
    # 01.0005: no AP4KM (the card says it has; the queue's TAPQ counts)
    patch_fac(h, 0x01, 0x05, clear=AP4KM)
    # 01.000b: no APXA, and stateless only where the source is full native
    patch_fac(h, 0x01, 0x0b, clear=APXA | FULL, add=STATELESS)
    # card 02 is a CEX7 where the source has a CEX8 (both queues)
    # 02.0005: SLCF on the target only, and SE bind state 1
    patch_fac(h, 0x02, 0x05, add=SLCF | 1 << BS_SHIFT)
    # 02.000b: no APSC, no AP4KC, and bound to cex4queue, not vfio_ap
    patch_fac(h, 0x02, 0x0b, clear=APSC | AP4KC)
    rebind(h, 0x02, 0x0b, 'cex4queue')
    # card 0a is EP11 where the source has an accelerator; 0a.0005 is
    # another mdev's, which also names 0a.000b, a queue this host lacks
    shutil.rmtree(h.path('devices/ap/card0a/0a.000b'))
    for link in ('bus/ap/devices/0a.000b', 'bus/ap/drivers/vfio_ap/0a.000b'):
        os.unlink(h.path(link))
    # so vfio_ap leaves adapter 0a out of that mdev's guest matrix (shadow
    # APCB, kept for an idle mdev too): its domains alone remain
    h.write('devices/vfio_ap/matrix/%s/guest_matrix' % OTHER,
            mkhosts.matrix_text([], [0x05, 0x0b]))
    # GUEST's guest: 02.000b is not vfio_ap's, so adapter 02 is left out
    h.write('devices/vfio_ap/matrix/%s/guest_matrix' % GUEST,
            mkhosts.matrix_text([0x01, 0x0d], [0x05, 0x0b]))
    # control domain 40 is not in the target's mask (cdoms above), 0b is
    # not assigned to GUEST, 0c is assigned but not the source guest's


def cli_dst_stopped(root):
    """cli-dst-ok where queue 01.0005 is check-stopped and card 02 is
    deconfigured (left out of the AP configuration: QCI, hence
    ap_adapter_mask, and DEST's guest): one problem per such queue."""
    cli_dst_ok(root)
    h = mkhosts.Host(root)
    h.write('devices/ap/card01/01.0005/chkstop', '1\n')
    h.write('bus/ap/ap_adapter_mask', mkhosts.mask([0x01, 0x0a, 0x0c]) + '\n')
    h.write('devices/ap/card02/config', '0\n')
    h.write('devices/ap/card02/online', '0\n')
    for dom in (0x05, 0x0b):
        h.write('devices/ap/card02/02.%04x/config' % dom, '0\n')
    h.write('devices/vfio_ap/matrix/%s/guest_matrix' % DEST,
            mkhosts.matrix_text([0x01, 0x0a], [0x05, 0x0b]))


def unreadable(h, rel):
    """An attribute whose read fails with EIO, as a queue's ap_functions
    (a fresh TAPQ) can on a real host: a link to /proc/self/mem, which
    reads as EIO at offset 0 (git keeps the link)."""
    os.unlink(h.path(rel))
    os.symlink('/proc/self/mem', h.path(rel))


def cli_dst_eio_needed(root):
    """cli-dst-ok where the ap_functions of 01.0005, a queue of GUEST's
    guest, cannot be read: a problem for that queue alone."""
    cli_dst_ok(root)
    unreadable(mkhosts.Host(root), fac_path(0x01, 0x05))


def cli_dst_eio_other(root):
    """cli-dst-ok where the ap_functions of 0c.000c, a queue no guest
    needs, cannot be read: no problem."""
    cli_dst_ok(root)
    unreadable(mkhosts.Host(root), fac_path(0x0c, 0x0c))


def cli_no_vfio_ap(root):
    """A host without the vfio_ap module: every queue with cex4queue, no
    matrix device, no mdev bus."""
    mkhosts.build(root,
                  cards={0x01: (14, 'C'), 0x02: (14, 'P')},
                  domains=[0x05, 0x0b], cdoms=[0x05, 0x0b, 0x40],
                  apmask_ids=ALL, aqmask_ids=ALL, mdevs={})
    h = mkhosts.Host(root)
    for d in ('devices/vfio_ap', 'bus/ap/drivers/vfio_ap', 'bus/mdev'):
        shutil.rmtree(h.path(d))


def bad_base(root):
    """The small good host every malformed tree starts from."""
    mkhosts.build(root,
                  cards={0x03: (14, 'C')}, domains=[0x04], cdoms=[0x04],
                  apmask_ids=ALL, aqmask_ids=ALL - {0x04},
                  mdevs={GUEST: dict(apm=[0x03], aqm=[0x04], adm=[0x04],
                                     guest=True)},
                  features='guest_matrix hotplug ap_config migratable')
    return mkhosts.Host(root)


def bad_mask_garbage(root):
    bad_base(root).write('bus/ap/ap_adapter_mask', '0xnot-a-mask\n')


def bad_functions_garbage(root):
    bad_base(root).write(fac_path(0x03, 0x04), 'banana\n')


def bad_hwtype_missing(root):
    os.unlink(bad_base(root).path('devices/ap/card03/raw_hwtype'))


def bad_driver_dangling(root):
    h = bad_base(root)
    q = 'devices/ap/card03/03.0004/driver'
    os.unlink(h.path(q))
    h.link(q, '../../../../bus/ap/drivers/vfio_ap_gone')


def bad_matrix_garbage(root):
    h = bad_base(root)
    d = 'devices/vfio_ap/matrix/' + GUEST
    h.write(d + '/ap_config', 'garbage\n')


def bad_no_ap_bus(root):
    h = bad_base(root)
    shutil.rmtree(h.path('bus/ap'))


CLI = {'cli-src': cli_src, 'cli-dst-ok': cli_dst_ok,
       'cli-dst-diff': cli_dst_diff, 'cli-dst-stopped': cli_dst_stopped,
       'cli-dst-eio-needed': cli_dst_eio_needed,
       'cli-dst-eio-other': cli_dst_eio_other,
       'cli-no-vfio-ap': cli_no_vfio_ap}
BAD = {'mask-garbage': bad_mask_garbage,
       'functions-garbage': bad_functions_garbage,
       'hwtype-missing': bad_hwtype_missing,
       'driver-dangling': bad_driver_dangling,
       'matrix-garbage': bad_matrix_garbage,
       'no-ap-bus': bad_no_ap_bus}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(HERE, '..', 'fixtures')
    for sub, hosts in (('hosts-cli', CLI), ('hosts-bad', BAD)):
        for name, fn in hosts.items():
            root = os.path.join(out, sub, name)
            shutil.rmtree(root, ignore_errors=True)
            os.makedirs(root)
            fn(root)


if __name__ == '__main__':
    main()
