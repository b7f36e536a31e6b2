#!/usr/bin/python3
"""`cmake --install` into a scratch prefix (issue 13): `DESTDIR=$tmp cmake --install BUILD_DIR` puts the
binaries, the client library and its headers, the man pages, the systemd unit, the sample config and the
example zones where GNUInstallDirs says; the installed enumd runs (--version) and the installed sample
config passes --check-config; a second install keeps an edited config; every option that a binary's
--help lists is in its man page, and every section of zones/README.md is in enumd-zones(5).
(Installing the .deb with dpkg is not done here: the CI machine is shared.)"""
import gzip
import os
import re
import shutil
import subprocess
import tempfile

from enumd_testlib import BUILD_DIR, SOURCE_DIR, Checker, run_main

c = Checker()
BINARIES = {"enumd": ("sbin", 8), "enumctl": ("sbin", 8), "enumq": ("bin", 1)}


def cache_value(name):
    with open(os.path.join(BUILD_DIR, "CMakeCache.txt")) as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.split("=", 1)[1].strip()
    return None


def man_text(path):
    """The gzipped page's words with roff escapes gone: \\fB--listen\\fR and \\-\\-listen both read --listen."""
    with gzip.open(path, "rt", errors="replace") as f:
        text = f.read()
    text = re.sub(r"\\f(\(..|\[[^\]]*\]|.)", "", text)
    return text.replace("\\-", "-").replace("\\(em", "—")


def help_options(binary, flag="--help"):
    out = subprocess.run([binary, flag], capture_output=True, text=True, timeout=30)
    c.check(out.returncode == 0 and out.stdout, f"{os.path.basename(binary)} {flag}: stdout, exit 0",
            f"exit {out.returncode}, stderr {out.stderr[:200]!r}")
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", out.stdout))


def main():
    prefix = cache_value("CMAKE_INSTALL_PREFIX") or "/usr/local"
    tmp = tempfile.mkdtemp(prefix="enumd-install-")
    try:
        env = dict(os.environ, DESTDIR=tmp)
        out = subprocess.run(["cmake", "--install", BUILD_DIR], env=env, capture_output=True, text=True, timeout=120)
        c.check(out.returncode == 0, "DESTDIR=$tmp cmake --install succeeds", out.stderr[-2000:])
        root = tmp + prefix
        etc = tmp + ("/etc" if prefix == "/usr" else prefix + "/etc")
        files = {os.path.relpath(os.path.join(d, f), tmp) for d, _, fs in os.walk(tmp) for f in fs}
        p = prefix.lstrip("/")
        conf_rel = os.path.relpath(etc, tmp) + "/enumd/enumd.yaml"
        expected = {
            f"{p}/sbin/enumd", f"{p}/sbin/enumctl", f"{p}/bin/enumq",
            f"{p}/lib/systemd/system/enumd.service", conf_rel,
            f"{p}/share/man/man8/enumd.8.gz", f"{p}/share/man/man8/enumctl.8.gz", f"{p}/share/man/man1/enumq.1.gz",
            f"{p}/share/man/man5/enumd-zones.5.gz",
            f"{p}/share/enumd/examples/lab.yaml", f"{p}/share/enumd/examples/lab.d/ranges.yaml",
            f"{p}/share/enumd/examples/3gpp.yaml",
            f"{p}/include/enumd/resolver/enumd.h", f"{p}/include/enumd/build_info.hpp",
            f"{p}/share/doc/enumd/README.md",
        }
        libdir = next((d for d in ("lib", "lib64", "lib/x86_64-linux-gnu") if f"{p}/{d}/libenumd_resolver.a" in files),
                      None)
        c.check(libdir is not None, "the client library is installed (libenumd_resolver.a)")
        missing = sorted(expected - files)
        c.check(not missing, "every expected file is installed", f"missing {missing}")
        for b, (d, _) in BINARIES.items():
            mode = os.stat(f"{root}/{d}/{b}").st_mode if f"{p}/{d}/{b}" in files else 0
            c.check(mode & 0o111, f"{d}/{b} is executable")

        ver = subprocess.run([f"{root}/sbin/enumd", "--version"], capture_output=True, text=True, timeout=30)
        c.check(ver.returncode == 0 and ver.stdout.startswith("enumd "), f"the installed enumd --version: {ver.stdout.strip()!r}")

        unit = open(f"{root}/lib/systemd/system/enumd.service").read()
        c.check("Type=notify" in unit, "the unit is Type=notify")
        c.check(f"ExecStart={prefix}/sbin/enumd --config " in unit, "the unit starts the installed enumd with the config")
        # Every command the unit runs is enumd's own or in an Essential package (/bin/sh): a minimal Debian 12
        # has no /bin/kill (procps), and a reload through it failed there (tools/packaging/check_deb.sh).
        runs = [line.split("=", 1)[1].split()[0].lstrip("-@+!") for line in unit.splitlines()
                if line.startswith("Exec") and "=" in line]
        c.check(runs and all(r in (f"{prefix}/sbin/enumd", f"{prefix}/sbin/enumctl", "/bin/sh") for r in runs),
                "the unit runs only enumd's programs and /bin/sh", repr(runs))

        # The sample config is valid: its zone paths point into the prefix, here under DESTDIR.
        conf = open(etc + "/enumd/enumd.yaml").read()
        scratch = os.path.join(tmp, "check.yaml")
        with open(scratch, "w") as f:
            f.write(conf.replace(f"{prefix}/share/enumd", f"{root}/share/enumd"))
        chk = subprocess.run([f"{root}/sbin/enumd", "--check-config", "--config", scratch], capture_output=True,
                             text=True, timeout=60)
        c.check(chk.returncode == 0, "the sample config passes --check-config", chk.stdout + chk.stderr[-1500:])

        # An existing config is never overwritten by a second install.
        with open(etc + "/enumd/enumd.yaml", "a") as f:
            f.write("# edited by the operator\n")
        out = subprocess.run(["cmake", "--install", BUILD_DIR], env=env, capture_output=True, text=True, timeout=120)
        c.check("# edited by the operator" in open(etc + "/enumd/enumd.yaml").read(),
                "a second install keeps the edited config")

        # Man pages never disagree with --help.
        for b, (d, section) in BINARIES.items():
            page = man_text(f"{root}/share/man/man{section}/{b}.{section}.gz")
            # enumctl's page is made from --help-all: every command's options, not only the command list.
            opts = help_options(os.path.join(BUILD_DIR, "bin", b), "--help-all" if b == "enumctl" else "--help")
            absent = sorted(o for o in opts if o not in page)
            c.check(opts and not absent, f"{b}({section}) has every option of {b} --help ({len(opts)})",
                    f"absent: {absent}")
        zones_page = man_text(f"{root}/share/man/man5/enumd-zones.5.gz")
        with open(os.path.join(SOURCE_DIR, "zones", "README.md")) as f:
            headings = [l.lstrip("#").strip().replace("`", "") for l in f if re.match(r"^#{2,3} ", l)]
        absent = [h for h in headings if h not in zones_page]
        c.check(headings and not absent, f"enumd-zones(5) has every section of zones/README.md ({len(headings)})",
                f"absent: {absent}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run_main(c, main)
