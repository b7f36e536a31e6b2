#!/usr/bin/python3
"""Live changes on a large routed zone (issue 11): changes/s of
`enumctl apply` batches of 100,000 and of single RFC 2136 updates sent by
nsupdate one after another (each acknowledged after its own durable commit).

    PYTHONPATH=tests/integration/lib tools/bench/live.py ZONE.yaml ORIGIN [--batches 3] [--singles 1000]

ZONE.yaml: e.g. `tests/differential/gen_routed.py 1000000 DIR --national 61`.
enumd compiles it once into a scratch database, then serves it with
`update:` open to 127.0.0.1 (key upd.). Prints one line per measurement."""
import argparse
import base64
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

from enumd_testlib import Enumd, soa_serial

SECRET = base64.b64encode(b"enumd-bench-live-secret-32bytes!").decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("zone")
    ap.add_argument("origin")
    ap.add_argument("--batches", type=int, default=3)
    ap.add_argument("--singles", type=int, default=1000)
    a = ap.parse_args()
    zone = os.path.abspath(a.zone)
    with open(zone) as f:
        routes = re.findall(r"^  (op\d+): ", f.read(), re.M)
    plain = [r for i, r in enumerate(routes) if i % 3 != 0] or ["op001"]  # gen_routed: every third uses {rn}
    tmp = tempfile.mkdtemp(prefix="enumd-bench-live-")
    e = None
    try:
        cfg = lambda port, control: f"""listen: ["127.0.0.1:{port}"]
database: {tmp}/db
control: {control}
threads: 1
keys: [{{name: upd., algorithm: hmac-sha256, secret: "{SECRET}"}}]
zones:
  - file: {zone}
    update: {{allow: [127.0.0.1], keys: [upd.]}}
"""
        t0 = time.monotonic()
        e = Enumd(config=cfg, control=True, timeout=600, workdir=tmp)
        print(f"enumd up with the zone compiled in {time.monotonic() - t0:.1f} s", flush=True)
        cc = a.origin.split(".e164")[0].split(".")[::-1]
        prefix = "".join(cc)
        rng = random.Random(11)
        for b in range(a.batches):
            path = os.path.join(tmp, f"batch{b}.csv")
            with open(path, "w") as f:
                f.write("action,number,route,rn\n")
                for _ in range(100000):
                    f.write(f"set,+{prefix}{rng.randrange(10**8, 10**9)},{rng.choice(plain)},\n")
            s0 = soa_serial(e.port, a.origin)
            t = time.monotonic()
            p = e.ctl("apply", a.origin, path)
            dt = time.monotonic() - t
            print(f"enumctl apply, 100,000 changes: {dt:.2f} s = {100000 / dt:,.0f} changes/s "
                  f"(serial {s0} -> {soa_serial(e.port, a.origin)}) {p.stdout.strip()[:80]}", flush=True)
        script = [f"server 127.0.0.1 {e.port}", f"zone {a.origin}"]
        for i in range(a.singles):
            num = f"{prefix}{rng.randrange(10**8, 10**9)}"
            owner = ".".join(reversed(num[len(prefix):])) + "." + a.origin
            script += [f'update add {owner} 300 NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:{i}@live.example!" .', "send"]
        t = time.monotonic()
        p = subprocess.run(["nsupdate", "-y", f"hmac-sha256:upd.:{SECRET}"], input="\n".join(script) + "\n",
                           capture_output=True, text=True)
        dt = time.monotonic() - t
        print(f"nsupdate, {a.singles} single updates one after another: {dt:.2f} s = {a.singles / dt:,.0f} updates/s "
              f"(exit {p.returncode}{', ' + p.stderr.strip()[:100] if p.returncode else ''})", flush=True)
    finally:
        if e is not None:
            e.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
