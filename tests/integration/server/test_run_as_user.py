#!/usr/bin/python3
"""`--user NAME` / `user:` (issue 13): started as root, enumd binds its sockets, hands the database
directory to the user and runs as it (real, effective, saved and filesystem uid and gid, no
supplementary root group), still answers and reloads (SIGHUP and `enumctl reload` recompile as the
user); an unknown user and a control socket directory the user cannot write are refused with a clear
message. Needs root (the tests run as root here and in CI); skipped otherwise."""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile

import dns.rcode

from enumd_testlib import DATA_DIR, ENUMD, Checker, Enumd, free_port, run_main, wait_until

c = Checker()
LAB = os.path.join(DATA_DIR, "server", "lab.zone")
NAME = "1.1.9.0.0.5.5.5.3.1.6.e164.arpa."
NEW_NAME = "7.1.9.0.0.5.5.5.3.1.6.e164.arpa."
NEW_RECORD = '7.1.9.0.0.5.5.5.3.1.6 IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:info@new.example.net!" .\n'


def ids(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return ([int(x) for x in fields["Uid"].split()], [int(x) for x in fields["Gid"].split()],
            [int(x) for x in fields["Groups"].split()])


def main():
    if os.geteuid() != 0:
        print("skipped: needs root")
        return
    user = pwd.getpwnam("nobody")  # in every Debian 12 base system
    tmp = tempfile.mkdtemp(prefix="enumd-user-")
    try:
        os.chmod(tmp, 0o755)  # the user reads the zone from here
        zone = os.path.join(tmp, "lab.zone")
        shutil.copy(LAB, zone)
        os.chmod(zone, 0o644)
        db = os.path.join(tmp, "db")  # missing: enumd creates it for the user
        work = os.path.join(tmp, "run")
        os.mkdir(work)
        os.chown(work, user.pw_uid, user.pw_gid)  # the control socket's directory, the user's (like /run/enumd)

        out = subprocess.run([ENUMD, "--user", "no-such-user-here", "--zone", zone], capture_output=True, text=True,
                             timeout=30)
        c.check(out.returncode == 2 and "unknown user 'no-such-user-here'" in out.stderr,
                f"an unknown user is refused (exit {out.returncode})", out.stderr)

        root_run = os.path.join(tmp, "rootonly")
        os.mkdir(root_run, 0o755)
        out = subprocess.run([ENUMD, "--user", "nobody", "--zone", zone, "--listen", f"127.0.0.1:{free_port('127.0.0.1')}",
                              "--control", os.path.join(root_run, "enumd.sock")],
                             capture_output=True, text=True, timeout=30)
        c.check(out.returncode == 1 and "cannot create the control socket in " + root_run in out.stderr,
                f"a control socket directory the user cannot write is refused at start (exit {out.returncode})",
                out.stderr)

        with Enumd(["--zone", zone, "--db", db, "--user", "nobody"], control=True, workdir=work) as srv:
            uids, gids, groups = ids(srv.pid)
            c.check(uids == [user.pw_uid] * 4, f"every uid is nobody's ({uids})")
            c.check(gids == [user.pw_gid] * 4, f"every gid is nobody's group ({gids})")
            c.check(0 not in groups, f"no supplementary root group ({groups})")
            c.check(srv.query(NAME, "NAPTR").rcode() == dns.rcode.NOERROR, "it answers as nobody")
            owners = {os.stat(os.path.join(db, f)).st_uid for f in os.listdir(db)} | {os.stat(db).st_uid}
            c.check(owners == {user.pw_uid}, f"the database directory and its files are the user's ({owners})")

            with open(zone) as f:  # new content under a new serial (the serial guard, issue 13)
                text = f.read().replace("hostmaster.example.net. 1 3600", "hostmaster.example.net. 2 3600", 1)
            with open(zone, "w") as f:
                f.write(text + NEW_RECORD)
            srv.signal(signal.SIGHUP)
            c.check(wait_until(lambda: srv.query(NEW_NAME, "NAPTR").rcode() == dns.rcode.NOERROR, 15),
                    "SIGHUP reloads as nobody")
            r = srv.ctl("reload")
            c.check(r.returncode == 0 and r.stdout.startswith("ok"), "enumctl reload works as nobody", r.stdout + r.stderr)
            c.check("running as user nobody" in srv.logs(), "the log says which user it runs as")

        # A configuration with a root-only secret file (an API token): read once, as root, before the switch.
        # The first compile must not need it again as the user (a compile child that re-read the configuration
        # after the switch could not, and enumd did not start).
        token = os.path.join(tmp, "api.token")
        with open(token, "w") as f:
            f.write("enumd-test-token-0123456789\n")
        os.chmod(token, 0o600)
        cfg_dir = os.path.join(tmp, "cfg")
        os.mkdir(cfg_dir, 0o700)  # root's alone, like /etc/enumd with secrets in it
        db2 = os.path.join(tmp, "db2")
        api_port = free_port("127.0.0.1")
        config = (f"user: nobody\ndatabase: {db2}\nzones:\n  - file: {zone}\n"
                  f"api: {{listen: 127.0.0.1:{api_port}, tokens: [{{name: t, secret_file: {token}, "
                  f"zones: [e164.arpa.]}}]}}\n")
        with Enumd(config=lambda port, _ctl: f"listen: 127.0.0.1:{port}\n" + config, workdir=cfg_dir) as srv:
            c.check(srv.query(NAME, "NAPTR").rcode() == dns.rcode.NOERROR,
                    "with a root-only configuration and secret file it compiles and answers as nobody", srv.tail())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run_main(c, main)
