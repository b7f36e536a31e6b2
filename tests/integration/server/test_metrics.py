#!/usr/bin/python3
"""/metrics is clean Prometheus text (issue 13): `promtool check metrics`
(Debian package prometheus) passes without a lint remark, every family has
HELP and TYPE, and the new families say true things — enumd_build_info as
`enumd --version` prints it, the process metrics of the running process, a
zone's serial as its SOA answers. `--version` works on all three binaries."""
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

from enumd_testlib import ENUMCTL, ENUMD, ENUMQ, SOURCE_DIR, Checker, Enumd

c = Checker()
LAB = os.path.join(SOURCE_DIR, "tests", "data", "server", "lab.zone")
VERSION = re.compile(r"^(enumd|enumctl|enumq) (\d+\.\d+\.\d+) \(revision (\S+), (\w+) build\)$")


def proc_cpu_seconds(pid):
    """utime + stime of `pid` in seconds (proc(5): fields 14 and 15, counted after the command's ')')."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    versions = {}
    for binary in (ENUMD, ENUMCTL, ENUMQ):
        p = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        m = VERSION.match(p.stdout.strip())
        c.check(p.returncode == 0 and m is not None, f"{os.path.basename(binary)} --version: {p.stdout.strip()!r}")
        if m:
            versions[m.group(1)] = m.groups()[1:]
    c.check(len(set(versions.values())) == 1, f"the three binaries report the same build: {versions}")

    with Enumd(["--zone", LAB, "--forward", "127.0.0.1:9"], stats=True) as e:
        e.query("1.1.9.0.0.5.5.5.3.1.6.e164.arpa.", "NAPTR")
        e.query("nosuch.e164.arpa.", "NAPTR", tcp=True)
        cpu_before = proc_cpu_seconds(e.proc.pid)
        with urllib.request.urlopen(f"http://{e.host}:{e.stats_port}/metrics", timeout=5) as r:
            text = r.read().decode()
        cpu_after = proc_cpu_seconds(e.proc.pid)
        promtool = shutil.which("promtool")
        c.check(promtool is not None, "promtool is installed (Debian package prometheus)")
        if promtool:
            p = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
            c.check(p.returncode == 0 and not p.stdout.strip() and not p.stderr.strip(),
                    f"promtool check metrics: rc={p.returncode} {(p.stdout + p.stderr).strip()[:500]!r}")

        helps = set(re.findall(r"^# HELP (\S+) ", text, re.M))
        types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
        missing = set()
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)
            family = re.sub(r"_(bucket|sum|count)$", "", name) if name not in types else name
            if family not in helps or family not in types:
                missing.add(name)
        c.check(not missing, f"every sample's family has HELP and TYPE (missing: {sorted(missing)[:5]})")

        def value(pattern):
            m = re.search(r"^" + pattern + r" (\S+)$", text, re.M)
            return float(m.group(1)) if m else None

        version, revision, build_type = versions.get("enumd", ("?", "?", "?"))
        info = value(re.escape(f'enumd_build_info{{version="{version}",revision="{revision}",build_type="{build_type}"}}'))
        c.check(info == 1, "enumd_build_info carries the --version figures")
        rss = value("process_resident_memory_bytes")
        fds = value("process_open_fds")
        start = value("process_start_time_seconds")
        cpu = value("process_cpu_seconds_total")
        c.check(rss is not None and rss > 1e6, f"process_resident_memory_bytes is the process's ({rss})")
        c.check(fds is not None and fds >= 4, f"process_open_fds counts its sockets ({fds})")
        c.check(start is not None and abs(time.time() - start) < 120, f"process_start_time_seconds is recent ({start})")
        # A fresh enumd may have used less than one clock tick: compare with /proc around the scrape.
        c.check(cpu is not None and cpu_before - 1e-9 <= cpu <= cpu_after + 1e-9,
                f"process_cpu_seconds_total {cpu} is the process's ({cpu_before}..{cpu_after} from /proc)")
        soa = e.query("e164.arpa.", "SOA").answer[0][0].serial
        c.check(value(re.escape('enumd_zone_serial{zone="e164.arpa."}')) == soa,
                f"enumd_zone_serial is the SOA serial ({soa})")
        c.check((value(re.escape('enumd_queries_total{transport="tcp"}')) or 0) >= 1, "a TCP query is counted")
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
