#!/usr/bin/python3
"""`enumd --check-config` (issue 13): validates the configuration and compiles every zone, prints
file:line errors and exits 0 or 1 — without binding (its listen port is taken and it still succeeds)
and without touching the configured database (a missing `database:` stays missing, an existing one
keeps its bytes)."""
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile

from enumd_testlib import DATA_DIR, ENUMCTL, ENUMD, Checker, free_port, run_main

c = Checker()
LAB = os.path.abspath(os.path.join(DATA_DIR, "server", "lab.zone"))


def run(*args):
    return subprocess.run([ENUMD, "--check-config", *args], capture_output=True, text=True, timeout=60)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-checkconf-")
    try:
        port = free_port("127.0.0.1")
        missing_db = os.path.join(tmp, "missing-db")
        good = os.path.join(tmp, "good.yaml")
        with open(good, "w") as f:
            f.write(f'listen: ["127.0.0.1:{port}"]\ndatabase: {missing_db}\nzones: [{{file: {LAB}}}]\n')
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
            taken.bind(("127.0.0.1", port))
            out = run("--config", good)
        c.check(out.returncode == 0, f"a good config and zone: exit 0 (got {out.returncode})", out.stderr)
        c.check("configuration OK" in out.stdout and "13 records" in out.stdout, "it says so with the count",
                out.stdout)
        c.check(not os.path.exists(missing_db), "the configured database is not created")

        # An existing database keeps its bytes.
        db = os.path.join(tmp, "db")
        subprocess.run([ENUMCTL, "compile", "--db", db, LAB], check=True, capture_output=True, timeout=60)
        before = {f: digest(os.path.join(db, f)) for f in os.listdir(db)}
        out = run("--db", db, "--zone", LAB)
        c.check(out.returncode == 0, "with --db: exit 0", out.stderr)
        c.check({f: digest(os.path.join(db, f)) for f in os.listdir(db)} == before, "the --db files are unchanged")

        bad_zone = os.path.join(tmp, "bad.zone")
        with open(LAB) as src, open(bad_zone, "w") as dst:
            dst.write(src.read() + "broken.number IN NAPTR 10 not-a-number\n")
        lines = len(open(bad_zone).read().splitlines())
        out = run("--zone", bad_zone)
        c.check(out.returncode == 1, f"a broken zone: exit 1 (got {out.returncode})")
        c.check(f"{bad_zone}:{lines}:" in out.stderr, "the zone error names file:line", out.stderr)

        bad_cfg = os.path.join(tmp, "bad.yaml")
        with open(bad_cfg, "w") as f:
            f.write(f"zones: [{{file: {LAB}}}]\nthreads: many\n")
        out = run("--config", bad_cfg)
        c.check(out.returncode == 1, f"a bad config value: exit 1 (got {out.returncode})")
        c.check(f"{bad_cfg}:2:" in out.stderr, "the config error names file:line", out.stderr)

        with open(bad_cfg, "w") as f:
            f.write(f"zones: [{{file: {LAB}}}]\nudp: {{receive_buffer: 100}}\n")
        out = run("--config", bad_cfg)
        c.check(out.returncode == 1 and f"{bad_cfg}:2:" in out.stderr and "receive_buffer" in out.stderr,
                "a UDP receive buffer under 4096 octets: refused with file:line", out.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run_main(c, main)
