#!/usr/bin/python3
"""enumctl set | delete | apply against a running enumd (issue 11): the next
query sees each change; a CSV file (action,number,route,rn — and issue 10's
number,route,rn files) is one transaction with one new serial; a file with
bad rows is refused with file:line for every one of them and nothing
applied; the changes survive a reload of the zone file and a restart, and
`enumctl export --yaml` backs the zone up as served, which compiles back."""
import os
import subprocess
import sys

from enumd_testlib import (ENUMCTL, ROUTED_ZONE, Checker, Enumd, Scratch, enum_owner, query_rrset, run_in_scratch,
                           soa_serial, write_routed_zone)

c = Checker()
ZONE = ROUTED_ZONE
PORTED = {"ported": '"tel:{number};npdi;rn={rn}"'}
RANGE = ['{number: "+61 2 5550 2*", naptr: "sip:{number}@range.example"}']


def naptrs(e, number):
    got, rcode = query_rrset(e.port, enum_owner(number, ZONE), "NAPTR")
    return (got[1] if got else []), rcode


def scenario(s):
    tmp = s.tmp
    zone = write_routed_zone(tmp, serial=10, ttl=600, routes=PORTED, numbers=RANGE)
    db = os.path.join(tmp, "db")
    e = s.start(Enumd(["--zone", zone, "--db", db], control=True, workdir=tmp))
    s0 = soa_serial(e.port, ZONE)

    p = e.ctl("set", ZONE, "+61 3 5550 0999", "--route", "telstra")
    c.check(p.returncode == 0 and p.stdout.startswith("ok"), "set --route", p.stdout + p.stderr)
    got, _ = naptrs(e, "+61355500999")
    c.check(got == ['10 100 "u" "E2U+sip" "!^(.*)$!sip:\\\\1@sip.telstra.example!" .'], "the route answers", str(got))
    p = e.ctl("set", ZONE, "+61355500998", "--route", "ported", "--rn", "+61 4 0000 1234")
    got, _ = naptrs(e, "+61355500998")
    c.check(p.returncode == 0 and len(got) == 1 and "rn=+61400001234" in got[0], "set --route --rn", p.stdout + str(got))
    p = e.ctl("set", ZONE, "+61355500997", "--naptr", "sip:one@x.example", "sip:two@x.example")
    got, _ = naptrs(e, "+61355500997")
    c.check(p.returncode == 0 and len(got) == 2, "set --naptr with two URIs", p.stdout + str(got))
    # A number inside the range: its neighbours keep answering from the range.
    p = e.ctl("set", ZONE, "+61255502399", "--route", "telstra")
    got, _ = naptrs(e, "+61255502391")
    c.check(p.returncode == 0 and got and "range.example" in got[0],
            "a neighbour inside the range still answers from the range", p.stdout + str(got))
    p = e.ctl("delete", ZONE, "+61355500997")
    got, rcode = naptrs(e, "+61355500997")
    c.check(p.returncode == 0 and got == [] and rcode == 3, "delete: NXDOMAIN", p.stdout + str(rcode))
    s1 = soa_serial(e.port, ZONE)
    c.check(s1 == s0 + 5, "one serial per command", f"{s0} -> {s1}")

    # Refused single changes name the reason.
    for args, text in [(["set", ZONE, "+61355500996", "--route", "telstar"], "unknown route 'telstar'"),
                       (["set", ZONE, "+4420 7946 0000", "--route", "telstra"], "outside zone"),
                       (["set", ZONE, "+61355500996", "--route", "ported"], "needs 'rn'"),
                       (["delete", ZONE, "+61355500996"], "has no records"),
                       (["set", ZONE, "+61355500996", "--naptr", "bogus-no-scheme"], "enumservice")]:
        p = e.ctl(*args)
        c.check(p.returncode == 1 and text in p.stdout, f"{' '.join(args[3:]) or args[0]}: refused with '{text}'",
                p.stdout + p.stderr)
    c.check(soa_serial(e.port, ZONE) == s1, "refused commands changed nothing")

    # apply: one transaction.
    good = os.path.join(tmp, "good.csv")
    with open(good, "w") as f:
        f.write("action,number,route,rn\nset,+61355500800,telstra,\nset,+61 3 5550 0801,ported,+61400009999\n"
                "# a comment\n\ndelete,+61355500999,,\n")
    p = e.ctl("apply", ZONE, good)
    c.check(p.returncode == 0 and "serial " + str(s1 + 1) in p.stdout, "apply: one new serial", p.stdout + p.stderr)
    c.check(naptrs(e, "+61355500800")[0] != [] and naptrs(e, "+61355500801")[0] != [] and
            naptrs(e, "+61355500999")[0] == [], "apply: every row answers")
    issue10 = os.path.join(tmp, "numbers.csv")
    with open(issue10, "w") as f:
        f.write("number,route,rn\n+61355500810,telstra,\n")
    p = e.ctl("apply", ZONE, issue10)
    c.check(p.returncode == 0 and naptrs(e, "+61355500810")[0] != [], "issue 10's number,route,rn file applies",
            p.stdout + p.stderr)
    s2 = soa_serial(e.port, ZONE)
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w") as f:
        f.write("action,number,route,rn\nset,+61355500820,telstra,\nset,+61355500821,nope,\n"
                "move,+61355500822,telstra,\nset,+44 20 7946 0000,telstra,\n")
    p = e.ctl("apply", ZONE, bad)
    out = p.stdout
    c.check(p.returncode == 1 and f"{bad}:4: action 'move'" in out and "nothing applied" in out,
            "apply refuses a file with a bad row, with file:line", out)
    with open(bad, "w") as f:
        f.write("action,number,route,rn\nset,+61355500820,telstra,\nset,+61355500821,nope,\n"
                "set,+44 20 7946 0000,telstra,\n")
    p = e.ctl("apply", ZONE, bad)
    out = p.stdout
    c.check(p.returncode == 1 and f"{bad}:3: unknown route 'nope'" in out and f"{bad}:4: " in out,
            "apply names every refused row with file:line", out)
    c.check(soa_serial(e.port, ZONE) == s2 and naptrs(e, "+61355500820")[0] == [],
            "nothing of a refused file is applied")

    # The changes survive a reload and a restart (live overrides in the database).
    p = e.ctl("reload")
    c.check(p.returncode == 0 and naptrs(e, "+61355500800")[0] != [] and naptrs(e, "+61355500999")[0] == [],
            "live changes survive a reload of the file", p.stdout + p.stderr)
    e.stop()
    e = s.start(Enumd(["--zone", zone, "--db", db], control=True, workdir=tmp, name="enumd2"))
    c.check(naptrs(e, "+61355500800")[0] != [] and naptrs(e, "+61355500999")[0] == [] and
            soa_serial(e.port, ZONE) == s2,
            "live changes survive a restart (the unchanged file is not recompiled: the serial stays)")
    # The backup form of export: the zone as served, live changes included, as YAML + CSV that compile back.
    backup = os.path.join(tmp, "backup", "au.yaml")
    os.makedirs(os.path.dirname(backup))
    p = subprocess.run([ENUMCTL, "export", "--db", db, "--zone", ZONE, "--yaml", backup], capture_output=True,
                       text=True, timeout=120)
    c.check(p.returncode == 0 and os.path.exists(backup[:-5] + ".csv"), "export --yaml writes the YAML and the CSV",
            p.stdout + p.stderr)
    r = s.start(Enumd(["--zone", backup, "--db", os.path.join(tmp, "db-restored")], workdir=tmp, name="restored"))
    for number in ["+61355500800", "+61355500801", "+61355500810", "+61355500999", "+61255502399",
                   "+61255502391", "+61355500998"]:
        c.check(naptrs(r, number) == naptrs(e, number), f"the restored zone answers {number} as the served one",
                f"{naptrs(r, number)} vs {naptrs(e, number)}")
    c.check(soa_serial(r.port, ZONE) >= soa_serial(e.port, ZONE), "the restored serial does not go backwards")
    r.stop()

    # A file that drops a route a live change uses is refused; the served data stays.
    write_routed_zone(tmp, serial=10, ttl=600, numbers=RANGE)
    p = e.ctl("reload")
    c.check(p.returncode == 1 and "route 'ported'" in p.stdout and naptrs(e, "+61355500801")[0] != [],
            "a reload that drops a route live changes use is refused", p.stdout + p.stderr)


def main():
    return run_in_scratch(c, Scratch("enumd-live-ctl-"), scenario)


if __name__ == "__main__":
    sys.exit(main())
