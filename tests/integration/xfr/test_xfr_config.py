#!/usr/bin/python3
"""Transfer configuration errors are refused at start with file:line:column,
and the command-line forms are checked too."""
import os
import shutil
import subprocess
import sys
import tempfile

from enumd_testlib import ENUMD, Checker, free_port
from enumd_testlib.xfr import LAB, SECRET

c = Checker()


CASES = [
    # (what, yaml body after listen, expected line:col, expected text)
    ("secret that is not base64", f"keys:\n  - {{name: xfr., algorithm: hmac-sha256, secret: 'not base64!'}}\n",
     "3:", "base64"),
    ("unknown algorithm", f"keys:\n  - {{name: xfr., algorithm: hmac-md5, secret: {SECRET}}}\n", "3:", "hmac-md5"),
    ("unknown key in a TSIG key", f"keys:\n  - {{name: xfr., secret: {SECRET}, colour: red}}\n", "3:", "colour"),
    ("transfer names an undefined key", f"zones:\n  - file: {LAB}\n    transfer: {{keys: [nokey.]}}\n", "4:",
     "nokey."),
    ("transfer allow that is not a CIDR", f"zones:\n  - file: {LAB}\n    transfer: {{allow: [10.0.0.0/33]}}\n", "4:",
     "10.0.0.0/33"),
    ("unknown key in transfer", f"zones:\n  - file: {LAB}\n    transfer: {{allow: [127.0.0.1], deny: [1.2.3.4]}}\n",
     "4:", "deny"),
    ("notify target that is not an address", f"zones:\n  - file: {LAB}\n    notify: [secondary.example:53]\n", "4:",
     "secondary.example:53"),
    ("secondary without origin", "zones:\n  - {primary: '127.0.0.1:53'}\n", "3:", "origin"),
    ("secondary with an undefined key", "zones:\n  - {origin: e164.arpa., primary: '127.0.0.1:53', key: nokey.}\n",
     "3:", "nokey."),
]


def main():
    tmp = tempfile.mkdtemp(prefix="enumd-xfr-config-")
    try:
        for what, body, where, text in CASES:
            cfg = os.path.join(tmp, "bad.yaml")
            with open(cfg, "w") as f:
                f.write(f'listen: ["127.0.0.1:{free_port()}"]\n' + body)
            p = subprocess.run([ENUMD, "--config", cfg], capture_output=True, text=True, timeout=30)
            err = p.stderr
            c.check(p.returncode == 2 and f"{cfg}:{where}" in err and text in err,
                    f"{what}: exit {p.returncode}, {err.strip().splitlines()[0] if err.strip() else '(no message)'}")
        for args, text in [(["--tsig-key", "xfr.:hmac-sha256:###"], "--tsig-key"),
                           (["--allow-transfer", "10.0.0.0/99"], "--allow-transfer"),
                           (["--transfer-key", "nokey."], "no such --tsig-key"),
                           (["--secondary", "e164.arpa.=not-an-address"], "--secondary"),
                           (["--notify", "x:y"], "--notify")]:
            p = subprocess.run([ENUMD, "--listen", f"127.0.0.1:{free_port()}", "--zone", LAB] + args,
                               capture_output=True, text=True, timeout=30)
            c.check(p.returncode == 2 and text in p.stderr, f"{' '.join(args)}: exit {p.returncode}, {p.stderr.strip()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
