#!/usr/bin/python3
"""What the disk allows a durable change (issue 11): the latency of fdatasync
after rewriting pages in place, as an LMDB commit does.

  tools/bench/sync_latency.py                 # in /tmp, 500 syncs per case
  tools/bench/sync_latency.py --dir /var/lib/enumd --syncs 2000

A live change is acknowledged after its commit is on disk: LMDB writes the
transaction's pages and syncs them, then writes the meta page and enumd syncs
that (server/README.md "Live changes"). No change can be visible-and-durable
faster than these syncs, so this is the floor under changes.py's
change-to-visible figures. Writes a scratch file of --size MiB in --dir
(removed afterwards), rewrites 1 or 8 random 4 KiB pages, or none, then syncs;
prints p50/p90/p99/max per case, twice, interleaved.
"""
import argparse
import os
import random
import tempfile
import time


def measure(fd, pages, syncs, file_pages, buf):
    times = []
    for _ in range(syncs):
        for _ in range(pages):
            os.pwrite(fd, buf, random.randrange(file_pages) * 4096)
        t = time.perf_counter()
        os.fdatasync(fd)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    n = len(times)
    return times[n // 2], times[n * 9 // 10], times[min(n - 1, n * 99 // 100)], times[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default="/tmp", help="a directory on the disk that holds (or will hold) the database")
    ap.add_argument("--syncs", type=int, default=500, help="syncs per case and round (bounded: at most 100,000)")
    ap.add_argument("--size", type=int, default=64, help="scratch file size, MiB")
    args = ap.parse_args()
    syncs = max(1, min(args.syncs, 100000))
    fd, path = tempfile.mkstemp(prefix="enumd-sync-", dir=args.dir)
    try:
        file_pages = args.size * 256
        os.ftruncate(fd, args.size << 20)
        zeros = bytes(1 << 20)
        for i in range(args.size):  # allocated and written: the rewrites change no file size
            os.pwrite(fd, zeros, i << 20)
        os.fsync(fd)
        buf = os.urandom(4096)
        print(f"fdatasync latency in {args.dir}, {syncs} syncs per case (ms)")
        print("| case | p50 | p90 | p99 | max |")
        print("|---|---|---|---|---|")
        for _ in range(2):
            for label, pages in (("1 page rewritten", 1), ("8 pages rewritten", 8), ("nothing to write", 0)):
                p50, p90, p99, worst = measure(fd, pages, syncs, file_pages, buf)
                print(f"| {label} | {p50:.2f} | {p90:.2f} | {p99:.2f} | {worst:.2f} |", flush=True)
    finally:
        os.close(fd)
        os.unlink(path)


if __name__ == "__main__":
    main()
