#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A model, not a measurement: the list steps Linux 6.12's vfio_ap takes to
give a destination mdev a configuration of N queues, which the simulator
cannot show (it has no such lists).

Our driver never writes the destination mdev's assignment (it verifies
only). The upstream series (v1-v4) overwrites it from the stream at
RESUMING -> STOP; the benchmark's model of that series leaves this step
out. If it goes through vfio_ap's own assignment paths (those of
ap_config_store() and assign_adapter/assign_domain), with the host's AP
queues in ap_bus.c's ap_queues hash table (256 buckets) and the mdev's
linked queues in matrix_mdev->qtable.queues (256 buckets), it does:

- link: for every APQN of each newly added adapter, and again for every
  APQN of each newly added domain, vfio_ap_mdev_link_apqn() ->
  vfio_ap_find_queue() -> ap_get_qdev(), which walks the whole table
  (hash_for_each, not hash_for_each_possible) until it finds the queue:
  O(host queues) per APQN;
- filter: vfio_ap_mdev_filter_matrix() looks every APQN up with
  vfio_ap_mdev_get_queue(), a walk of one 256-bucket chain: O(N / 256).

Steps counted here: list nodes visited, for a host whose AP queues are
exactly the guest's (H = N), into an empty destination mdev (link + filter)
and into one already holding the same matrix (filter only).

    kernel-apply-model.py [N ...]      (default: the benchmark's sizes)
"""
import sys

SHAPES = {1: (1, 1), 16: (4, 4), 256: (16, 16), 4096: (64, 64),
          16384: (128, 128), 65536: (256, 256)}


def bucket(qid):
    """hash_min() of a u32 key in a 2^8-bucket table: hash_32(qid, 8)."""
    return ((qid * 0x61C88647) & 0xffffffff) >> 24


def steps(adapters, domains):
    sizes = [0] * 256
    for a in range(adapters):
        for d in range(domains):
            sizes[bucket(a << 8 | d)] += 1
    # finding every queue once by a walk of the whole table, bucket by
    # bucket: the sum of each queue's position (order within a bucket
    # does not change the sum)
    scan, chain, grow, before = 0, 0, 0, 0
    for n in sizes:
        scan += before * n + n * (n + 1) // 2
        chain += n * (n + 1) // 2       # each found in its full chain
        grow += n * (n - 1) // 2        # each missed in its growing chain
        before += n
    # link: the adapters pass finds each APQN in the table and misses it in
    # the mdev's growing chains, the domains pass finds it in both
    link = 2 * scan + grow + chain
    return link + chain, chain


def main():
    sizes = [int(a) for a in sys.argv[1:]] or sorted(SHAPES)
    print('kernel apply of N queues (model of Linux 6.12 vfio_ap/ap_bus, '
          'NOT measured): list steps')
    print('%8s %16s %10s %14s %10s' % ('queues', 'empty mdev', 'per queue',
                                       'same matrix', 'per queue'))
    prev = None
    for n in sizes:
        if n not in SHAPES:
            sys.exit('kernel-apply-model: no shape for %d queues' % n)
        empty, same = steps(*SHAPES[n])
        grow = ''
        if prev:
            grow = '  x%.0f / x%.0f for x%g queues' % (
                empty / prev[1], same / prev[2], n / prev[0])
        print('%8d %16s %10.1f %14s %10.1f%s' %
              (n, '{:,}'.format(empty), empty / n, '{:,}'.format(same),
               same / n, grow))
        prev = (n, empty, same)
    return 0


if __name__ == '__main__':
    sys.exit(main())
