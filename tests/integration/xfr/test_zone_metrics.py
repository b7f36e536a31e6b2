#!/usr/bin/python3
"""Per-zone transfer and NOTIFY metrics (issue 13, "Metrics"): enumd as the secondary of enumd on loopback.

The secondary's /metrics carries the unix time of its last stored transfer and of its last successful refresh
(an up-to-date SOA check counts, a transfer too); the primary's carries, per zone, the NOTIFYs sent, answered
(acked) and left unanswered (a second "secondary" where nothing listens) and the time of the last ack.
`promtool check metrics` still passes on both.
"""
import re
import shutil
import subprocess
import sys
import time
import urllib.request

from enumd_testlib import Checker, Enumd, free_port, soa_serial, wait_for
from enumd_testlib.xfr import ZONE, enumd_primary_config, enumd_secondary_config, run_in_lab, write_lab_zone

c = Checker()


def metrics(server):
    with urllib.request.urlopen(f"http://{server.host}:{server.stats_port}/metrics", timeout=5) as r:
        return r.read().decode()


def sample(text, name, zone=ZONE):
    m = re.search(rf'^{name}{{zone="{re.escape(zone)}"}} (\S+)$', text, re.M)
    return float(m.group(1)) if m else None


def promtool_ok(text, what):
    promtool = shutil.which("promtool")
    if promtool is None:
        c.check(False, "promtool is installed (Debian package prometheus)")
        return
    p = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    c.check(p.returncode == 0 and not (p.stdout + p.stderr).strip(), f"promtool check metrics: {what}",
            (p.stdout + p.stderr).strip()[:500])


def run(lab):
    tmp, zone_path = lab.tmp, lab.zone_path
    sport, dead = free_port(), free_port()

    # The lab primary, with a second NOTIFY target where nothing listens.
    lab_primary = enumd_primary_config(f"{tmp}/pdb", zone_path, sport)

    def primary_config(port, control):
        return lab_primary(port, control).replace(f'notify: ["127.0.0.1:{sport}"]',
                                                  f'notify: ["127.0.0.1:{sport}", "127.0.0.1:{dead}"]')

    assert f"127.0.0.1:{dead}" in primary_config(0, ""), "the lab primary's notify line changed"
    started = time.time()
    primary = lab.start(Enumd(config=primary_config, workdir=tmp, name="primary", stats=True))
    secondary = lab.start(Enumd(config=enumd_secondary_config(f"{tmp}/sdb", {ZONE: (primary.port, True)}), workdir=tmp,
                                name="secondary", port=sport, stats=True))
    wait_for(lambda: soa_serial(sport, ZONE) == 1, 20, "the secondary to transfer serial 1")
    text = metrics(secondary)
    transfer, refresh = (sample(text, "enumd_zone_last_transfer_timestamp_seconds"),
                         sample(text, "enumd_zone_last_refresh_timestamp_seconds"))
    c.check(transfer is not None and started - 1 <= transfer <= time.time() + 1,
            "the secondary reports the time of its first transfer", f"{transfer} (started {started:.0f})")
    c.check(refresh is not None and refresh >= transfer, "a transfer is a successful refresh too", f"{refresh}")
    promtool_ok(text, "the secondary")

    # A change: NOTIFY to the secondary (answered) and to a port where nothing listens (never answered).
    time.sleep(1.1)  # the next transfer's second differs from the first's
    write_lab_zone(zone_path, 2)
    primary.reload()
    wait_for(lambda: soa_serial(sport, ZONE) == 2, 20, "the secondary to transfer serial 2 after the NOTIFY")
    wait_for(lambda: (sample(metrics(secondary), "enumd_zone_last_transfer_timestamp_seconds") or 0) > transfer, 10,
             "the secondary's last transfer time to move")
    # RFC 1996 §3.6: the dead target is retried 5 times a second apart before it counts as failed.
    wait_for(lambda: all(sample(metrics(primary), f"enumd_zone_notifies_{k}_total") for k in ("acked", "failed")), 30,
             "the answered NOTIFY to count and the unanswered one to be given up")
    text = metrics(primary)
    sent, acked, failed = (sample(text, f"enumd_zone_notifies_{k}_total") for k in ("sent", "acked", "failed"))
    last_ack = sample(text, "enumd_zone_notify_last_ack_timestamp_seconds")
    c.check(sent is not None and sent >= 2 and acked is not None and acked >= 1 and failed is not None and failed >= 1
            and sent == acked + failed, "the primary counts NOTIFYs sent, acked and failed per zone",
            f"sent {sent}, acked {acked}, failed {failed}")
    c.check(last_ack is not None and started - 1 <= last_ack <= time.time() + 1, "the primary reports the last ack's time",
            f"{last_ack}")
    c.check(sample(text, "enumd_zone_last_transfer_timestamp_seconds") is None,
            "a primary zone has no transfer-in time")
    promtool_ok(text, "the primary")
    for t, who in ((text, "primary"), (metrics(secondary), "secondary")):
        for family in ("enumd_zone_last_transfer_timestamp_seconds", "enumd_zone_notifies_sent_total"):
            if re.search(rf"^{family}{{", t, re.M):
                c.check(f"# HELP {family} " in t and f"# TYPE {family} " in t, f"{who}: {family} has HELP and TYPE")


def main():
    return run_in_lab(c, "enumd-xfr-metrics-", run, lines=25)


if __name__ == "__main__":
    sys.exit(main())
