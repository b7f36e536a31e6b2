#!/usr/bin/python3
"""kill -9 of enumd during a large live change set (`enumctl apply` of
100,000 rows): after the restart the set is either all there or not at all
— one change set is one LMDB write transaction (issue 11)."""
import os
import signal
import subprocess
import sys
import time

from enumd_testlib import (ENUMCTL, ROUTED_ZONE, Checker, Enumd, Scratch, enum_owner, query_rrset, run_in_scratch,
                           soa_serial, write_routed_zone)

c = Checker()
ZONE = ROUTED_ZONE
ROWS = 100000


def write_csv(path, first):
    with open(path, "w") as f:
        f.write("action,number,route,rn\n")
        for i in range(ROWS):
            f.write(f"set,+61{first + i},telstra,\n")


def present(e, first):
    """How many of 41 numbers spread over the batch answer."""
    picks = [first + (ROWS - 1) * k // 40 for k in range(41)]
    return sum(1 for n in picks if query_rrset(e.port, enum_owner(f"+61{n}", ZONE), "NAPTR")[0] is not None)


def scenario(s):
    tmp = s.tmp
    zone = write_routed_zone(tmp)
    db = os.path.join(tmp, "db")
    e = s.start(Enumd(["--zone", zone, "--db", db], control=True, workdir=tmp, name="timing"))
    # One full apply, timed, to aim the kills.
    timing = os.path.join(tmp, "timing.csv")
    write_csv(timing, 710000000)
    t0 = time.monotonic()
    p = e.ctl("apply", ZONE, timing)
    full = time.monotonic() - t0
    c.check(p.returncode == 0, f"a batch of {ROWS:,} applies ({full:.2f} s)", p.stdout + p.stderr)
    e.stop()
    for n, fraction in enumerate((0.2, 0.5, 0.8)):
        # --db alone: no recompile at start, so the serial moves only with a committed batch.
        e = s.start(Enumd(["--db", db], control=True, workdir=tmp, name=f"victim{n}"))
        before = soa_serial(e.port, ZONE)
        batch = os.path.join(tmp, f"batch{n}.csv")
        first = 720000000 + n * ROWS
        write_csv(batch, first)
        ctl = subprocess.Popen([ENUMCTL, "apply", ZONE, batch, "--control", e.control], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        time.sleep(full * fraction)
        killed = e.alive() and ctl.poll() is None
        e.signal(signal.SIGKILL)
        e.proc.wait()
        out = ctl.communicate(timeout=30)[0]
        e.stop()
        e = s.start(Enumd(["--db", db], control=True, workdir=tmp, name=f"after{n}"))
        seen = present(e, first)
        after = soa_serial(e.port, ZONE)
        acknowledged = out.startswith("ok")
        c.check(seen in (0, 41), f"kill -9 at {fraction:.0%} ({'mid-apply' if killed else 'after it'}): "
                                 f"all or none of the batch ({seen}/41 sampled)", out)
        c.check(not acknowledged or seen == 41, "an acknowledged batch is there after the restart", out)
        c.check((seen == 0) == (after == before) or (seen == 41 and after > before),
                "the serial moved exactly when the batch is there", f"{before} -> {after}, {seen}/41")
        c.check(query_rrset(e.port, enum_owner("+61355500911"), "NAPTR")[0] is not None, "the file's numbers still answer")
        e.stop()


def main():
    return run_in_scratch(c, Scratch("enumd-live-crash-"), scenario)


if __name__ == "__main__":
    sys.exit(main())
