#!/usr/bin/python3
"""Live changes need a persistent database (issue 11; server/README.md "Live
changes"). `enumd --zone FILE` without --db serves a temporary database that
is removed when it stops: a live change acknowledged there would be lost
silently at the next start. So the doors refuse it, with the reason:
`update:` or `api:` without `database:` keep enumd from starting (exit 2),
and `enumctl set|delete|apply` on such an enumd are refused per command and
change nothing. With --db the same command works (test_enumctl_live.py)."""
import os
import subprocess
import sys

from enumd_testlib import (ENUMD, ROUTED_ZONE, Checker, Enumd, Scratch, enum_owner, free_port, query_rrset, run_in_scratch,
                           write_routed_zone, write_secret)

c = Checker()
ZONE = ROUTED_ZONE


def scenario(s):
    tmp = s.tmp
    zone = write_routed_zone(tmp, serial=10, ttl=600)
    secret = write_secret(tmp, "a-token-long-enough-for-the-api-0123456789")
    port = free_port()
    configs = {
        "api: without database:": f"""listen: 127.0.0.1:{port}
zones:
  - file: {zone}
api:
  listen: 127.0.0.1:{free_port()}
  tokens:
    - {{name: provisioning, secret_file: {secret}, zones: [{ZONE}]}}
""",
        "update: without database:": f"""listen: 127.0.0.1:{port}
zones:
  - file: {zone}
    update: {{allow: [127.0.0.1]}}
""",
    }
    for what, text in configs.items():
        path = os.path.join(tmp, "enumd.yaml")
        with open(path, "w") as f:
            f.write(text)
        p = subprocess.run([ENUMD, "--config", path], capture_output=True, text=True, timeout=30)
        c.check(p.returncode == 2 and "persistent database" in p.stderr and "--db" in p.stderr,
                f"{what} refused at start with the reason", f"rc={p.returncode} {p.stderr[-400:]!r}")

    # --zone without --db: enumctl set is refused, nothing changes.
    e = s.start(Enumd(["--zone", zone], control=True, workdir=tmp))
    p = e.ctl("set", ZONE, "+61355500999", "--route", "telstra")
    c.check(p.returncode == 1 and "temporary database" in p.stdout and "--db" in p.stdout,
            "enumctl set on a temporary database: refused with the reason", p.stdout + p.stderr)
    got, rcode = query_rrset(e.port, enum_owner("+61355500999"), "NAPTR")
    c.check(got is None and rcode == 3, "nothing changed", f"{got} rcode={rcode}")
    csv = os.path.join(tmp, "changes.csv")
    with open(csv, "w") as f:
        f.write("action,number,route\nset,+61355500998,telstra\n")
    p = e.ctl("apply", ZONE, csv)
    c.check(p.returncode == 1 and "temporary database" in p.stdout, "enumctl apply: refused too", p.stdout)


def main():
    return run_in_scratch(c, Scratch("enumd-live-db-"), scenario)


if __name__ == "__main__":
    sys.exit(main())
