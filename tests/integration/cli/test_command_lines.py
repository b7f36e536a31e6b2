#!/usr/bin/python3
"""The command lines of enumd, enumctl and enumq (issue 13, "Consistent command lines"), one table of cases:
--help on stdout with exit 0 and nothing on stderr; a usage error on stderr with exit 2 and nothing on stdout
(enumq's lookup outcomes start at 3, tools/enumq/README.md); malformed values refused before
anything starts (`enumd --log-level debugg` used to start and serve); `enumctl help CMD` and `enumctl CMD --help`;
every option of every --help has a description; `enumd --help` lists the recursion, transfer and TSIG options."""
import os
import re
import subprocess

from enumd_testlib import ENUMCTL, ENUMD, ENUMQ, SOURCE_DIR, Checker, free_port, run_main

c = Checker()
LAB = os.path.join(SOURCE_DIR, "zones", "examples", "lab.yaml")
ENUMCTL_COMMANDS = ["check", "compile", "import", "export", "diff", "reload", "stats", "zones", "set", "delete",
                    "apply"]


def run(argv, timeout=20):
    """(exit status, stdout, stderr); a program still running after `timeout` s is killed: status None."""
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or "", e.stderr or ""


def name(argv):
    return " ".join([os.path.basename(argv[0])] + argv[1:]).replace(LAB, "lab.yaml")


def undescribed_options(help_text):
    """Option lines of a CLI11 help whose description column is empty: "  --name VALUE" alone on its line,
    not followed by an indented continuation."""
    lines = help_text.splitlines()
    bad = []
    for i, line in enumerate(lines):
        m = re.match(r"^  +(-[-\w,]+(?: [^ ]+)?)( {2,}\S.*)?$", line)
        if m and not m.group(2):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if not re.match(r"^ {20,}\S", nxt):
                bad.append(m.group(1))
    return bad


def check_help(argv, must_list=()):
    rc, out, err = run(argv)
    c.check(rc == 0 and out.strip() and not err, f"{name(argv)}: help on stdout, exit 0",
            f"exit {rc}, stderr {err[:300]!r}")
    bad = undescribed_options(out)
    c.check(not bad, f"{name(argv)}: every option has a description", f"without one: {bad}")
    absent = [o for o in must_list if o not in out]
    c.check(not absent, f"{name(argv)}: lists {', '.join(must_list) or 'its options'}", f"absent: {absent}")
    return out


def check_usage_error(argv, status, mentions):
    # The DNS port is free and loopback-only: an enumd that wrongly starts binds it and is killed after 5 s.
    rc, out, err = run(argv, timeout=5)
    c.check(rc == status and not out and mentions in err,
            f"{name(argv)}: refused on stderr (mentioning {mentions!r}), exit {status}",
            f"exit {rc}{' (still running: it started)' if rc is None else ''}, stdout {out[:200]!r}, "
            f"stderr {err[:300]!r}")


def main():
    port = free_port()
    serve = [ENUMD, "--listen", f"127.0.0.1:{port}", "--zone", LAB]

    # --help and --version: stdout, exit 0, every option described.
    check_help([ENUMD, "--help"], ["--recursion", "--forward", "--root-hints", "--allow-recursion", "--allow-transfer",
                                   "--tsig-key", "--transfer-key", "--notify", "--secondary", "--log-level",
                                   "--check-config", "--user", "--version"])
    check_help([ENUMQ, "--help"], ["--server", "--timeout", "--epdg-country", "--mnc", "--json", "--version"])
    check_help([ENUMCTL, "--help"], ENUMCTL_COMMANDS + ["--version"])
    for b in (ENUMD, ENUMCTL, ENUMQ):
        rc, out, err = run([b, "--version"])
        c.check(rc == 0 and out.startswith(os.path.basename(b) + " ") and not err, f"{name([b])} --version", out + err)

    # enumctl help CMD and enumctl CMD --help: the same text, the command's own options.
    own = {"check": ["--origin", "--no-warn", "--all-warnings", "--quiet"], "compile": ["--db", "--prune", "--map-size"],
           "import": ["--origin", "--keep-serial", "-o"], "export": ["--db", "--zone", "-o", "--no-number-comments"], "diff": ["--db", "--zone"],
           "reload": ["--control"], "stats": ["--control"], "zones": ["--control", "--db"],
           "set": ["--route", "--rn", "--naptr", "--control"], "delete": ["--control"], "apply": ["--control"]}
    for cmd in ENUMCTL_COMMANDS:
        text = check_help([ENUMCTL, "help", cmd], own[cmd])
        rc, out, _ = run([ENUMCTL, cmd, "--help"])
        c.check(rc == 0 and out == text, f"enumctl {cmd} --help is enumctl help {cmd}")
    check_help([ENUMCTL, "help"], ENUMCTL_COMMANDS)

    # Usage errors: stderr, exit 2, nothing started.
    cases = [
        (serve + ["--no-such-option"], 2, "--no-such-option"),
        (serve + ["--log-level", "debugg"], 2, "debugg"),
        (serve + ["--threads", "abc"], 2, "abc"),
        (serve + ["--threads", "-1"], 2, "-1"),
        (serve + ["--edns-buffer", "70000"], 2, "70000"),
        (serve + ["--listen"], 2, "--listen"),
        (serve + ["--listen", "not-an-address:x"], 2, "not an address"),
        (serve + ["--map-size", "lots"], 2, "lots"),
        (serve + ["stray-argument"], 2, "stray-argument"),
        ([ENUMD, "--check-config", "--zone", LAB, "--log-level", "loud"], 2, "loud"),
        ([ENUMCTL], 2, "subcommand"),
        ([ENUMCTL, "frobnicate"], 2, "frobnicate"),
        ([ENUMCTL, "help", "frobnicate"], 2, "frobnicate"),
        ([ENUMCTL, "check"], 2, "FILE"),
        ([ENUMCTL, "check", "--bogus", LAB], 2, "--bogus"),
        ([ENUMCTL, "check", "--no-warn", "no-such-kind", LAB], 2, "no-such-kind"),
        ([ENUMCTL, "check", "--origin", "bad..name", LAB], 2, "bad..name"),
        ([ENUMCTL, "compile", LAB], 2, "--db"),
        ([ENUMCTL, "compile", "--db", "/nonexistent/db", "--map-size", "x", LAB], 2, "--map-size"),
        ([ENUMCTL, "export"], 2, "FILE or --db"),
        ([ENUMCTL, "diff", LAB], 2, "two zones"),
        ([ENUMCTL, "set", "e164.arpa."], 2, "NUMBER"),
        ([ENUMCTL, "reload", "--control"], 2, "--control"),
        ([ENUMQ, "--no-such-option", "+61355500911"], 2, "--no-such-option"),
        ([ENUMQ, "+61355500911", "--timeout", "abc"], 2, "abc"),
        ([ENUMQ, "+61355500911", "--draws", "20000000"], 2, "20000000"),
        ([ENUMQ, "imsi", "505011234567890", "--mnc-length", "4"], 2, "4"),
        ([ENUMQ, "+61355500911", "--server"], 2, "--server"),
    ]
    for argv, status, mentions in cases:
        check_usage_error(argv, status, mentions)

    # A repeatable option takes one value per use: the arguments after it stay arguments.
    accepted = [
        ([ENUMCTL, "check", "-q", "--no-warn", "duplicate", "--no-warn", "ttl-mismatch", LAB], 0),
        ([ENUMCTL, "check", "--origin=e164.arpa.", "--quiet", LAB], 0),
        ([ENUMQ, "--known-plmn", "405-854", "imsi", "405854123456789", "--json"], 0),
        ([ENUMQ, "names", "--mnc", "01", "--mcc", "505", "--json"], 0),
    ]
    for argv, status in accepted:
        rc, out, err = run(argv)
        c.check(rc == status, f"{name(argv)}: exit {status}", f"exit {rc}, stderr {err[:300]!r}")


if __name__ == "__main__":
    run_main(c, main)
