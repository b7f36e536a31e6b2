#!/usr/bin/python3
"""`enumctl apply` of a large file does not hold up the admin thread (issue 11):
while 100,000 rows are read and applied, `enumctl stats` and `enumctl zones`
answer at once — the file is read and the set applied on the writer's thread,
and the control socket replies when the commit is done. Before, the whole
apply ran on the admin thread and every other control command, /metrics
scrape and API request waited for it."""
import os
import subprocess
import sys
import time

from enumd_testlib import (ENUMCTL, ROUTED_ZONE, Checker, Enumd, Scratch, run_in_scratch, soa_serial,
                           write_routed_zone)

c = Checker()
ZONE = ROUTED_ZONE
ROWS = 100000


def scenario(s):
    tmp = s.tmp
    zone = write_routed_zone(tmp)
    csv = os.path.join(tmp, "big.csv")
    with open(csv, "w") as f:
        f.write("action,number,route\n")
        for i in range(ROWS):
            f.write(f"set,+61{720000000 + i},telstra\n")
    e = s.start(Enumd(["--zone", zone, "--db", os.path.join(tmp, "db")], control=True, workdir=tmp))
    s0 = soa_serial(e.port, ZONE)
    apply = subprocess.Popen([ENUMCTL, "apply", ZONE, csv, "--control", e.control], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    time.sleep(0.2)  # the apply is being read or applied now (it takes seconds)
    answered = []
    for cmd in ("stats", "zones", "stats"):
        t0 = time.monotonic()
        p = e.ctl(cmd)
        answered.append((cmd, p.returncode, time.monotonic() - t0, apply.poll() is None))
    c.check(all(rc == 0 for _, rc, _, _ in answered), "stats and zones answer during the apply", str(answered))
    c.check(all(running for _, _, _, running in answered),
            "...while the apply is still running (they did not wait for it)", str(answered))
    out, _ = apply.communicate(timeout=240)
    c.check(apply.returncode == 0 and f"serial {s0 + 1}" in out and f"{ROWS} change(s)" in out,
            "the apply replies after its commit, with its count", out)
    c.check(soa_serial(e.port, ZONE) == s0 + 1, "one serial for the whole file")
    # A bad file is still refused with file:line, read on the writer thread.
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w") as f:
        f.write("action,number,route\nset,+61355500001,telstra\nmove,+61355500002,telstra\n")
    p = e.ctl("apply", ZONE, bad)
    c.check(p.returncode == 1 and f"{bad}:3: action 'move'" in p.stdout and "nothing applied" in p.stdout,
            "a bad file: every bad row with file:line, nothing applied", p.stdout)


def main():
    return run_in_scratch(c, Scratch("enumd-apply-async-"), scenario)


if __name__ == "__main__":
    sys.exit(main())
