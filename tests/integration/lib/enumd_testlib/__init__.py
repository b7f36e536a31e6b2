"""enumd_testlib: the one harness of enumd's integration and differential tests.

Every test under tests/integration/<area>/ and tests/differential/ imports it;
CTest puts tests/integration/lib on PYTHONPATH (tests/CMakeLists.txt). By hand:

    PYTHONPATH=tests/integration/lib tests/integration/server/test_auth.py

Needs Debian's python3 with python3-dnspython (#!/usr/bin/python3). Every
server is started on loopback and stopped by its PID; nothing else is touched.

  paths     SOURCE_DIR, BUILD_DIR, DATA_DIR and the binaries (ENUMD, ENUMCTL, ENUMQ); SANITIZED: an ASan build
  ports     free_port: a port free for UDP and TCP on one or more loopback addresses;
            closed_by_peer: whether a server closed a connection
  checker   Checker: one check(), every failure reported, sanitizer reports fail the run
  process   Proc (a child with a log file, stopped by PID, its log scanned for
            sanitizer reports), wait_for / wait_until, stop_all / stop_and_report, show_tails,
            Scratch + run_in_scratch: a test's temporary directory, its servers and its end;
            run_main: a test's entry point (exceptions are failures, exit status)
  enumd     Enumd: the real enumd from arguments and/or a YAML config; enumq_json: enumq --json against it
  peers     Knot, Bind, Nsd: the other servers, configured in a temporary directory
  rrsets    RRset comparison (responses, transfers, zone files) and the queries it needs
  xfr       what the transfer tests share: TSIG key, the lab zone with a serial, enumd's
            primary/secondary configs, check_same_rrsets, run_in_lab (set-up and end)
  zonefiles write_numbers_zone: a zone file of N generated numbers; enum_owner: a number's owner name;
            routed_zone_yaml / write_routed_zone: the live-change tests' 1.6.e164.arpa. with route sets;
            write_secret: a 0600 secret file
"""
from .checker import Checker
from .enumd import Enumd, enumq_json
from .paths import BUILD_DIR, DATA_DIR, ENUMCTL, ENUMD, ENUMQ, SANITIZED, SOURCE_DIR
from .peers import Bind, Knot, Nsd
from .ports import closed_by_peer, free_port
from .process import (Proc, Scratch, run_in_scratch, run_main, sanitizer_reports, show_tails, stop_all, stop_and_report,
                      wait_for, wait_until)
from .rrsets import (axfr_rrsets, compare_responses, compare_servers, query_rrset, rrset_key, soa_serial,
                     zone_file_records)
from .zonefiles import ROUTED_ZONE, enum_owner, routed_zone_yaml, write_routed_zone, write_secret

__all__ = [
    "BUILD_DIR", "DATA_DIR", "ENUMCTL", "ENUMD", "ENUMQ", "SANITIZED", "SOURCE_DIR",
    "Bind", "Checker", "Enumd", "enumq_json", "Knot", "Nsd", "Proc", "Scratch",
    "axfr_rrsets", "closed_by_peer", "compare_responses", "compare_servers", "free_port", "query_rrset", "rrset_key",
    "run_in_scratch", "run_main", "sanitizer_reports", "show_tails", "soa_serial", "stop_all", "stop_and_report", "wait_for", "wait_until",
    "zone_file_records", "ROUTED_ZONE", "enum_owner", "routed_zone_yaml", "write_routed_zone", "write_secret",
]
