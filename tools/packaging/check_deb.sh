#!/bin/sh
# The .deb on a clean Debian 12, booted (issue 13: "installs and starts on a clean Debian 12"):
#   1. debootstrap bookworm (minbase) into a scratch folder — or reuse ROOT from an earlier run;
#   2. apt-get install the package there (its Depends resolved from Debian), with systemd as init;
#   3. boot the folder with systemd-nspawn (its own systemd as PID 1, the host's network namespace);
#   4. check: enumd.service active (Type=notify: READY=1 came once the zones answered), running as user enumd,
#      answering the example zone on 127.0.0.1:53, `systemctl reload` keeps it active, `systemctl stop` stops it.
# Needs root, debootstrap, systemd-container (systemd-nspawn), dig, and deb.debian.org. Not part of CI: it
# downloads about 100 MB and takes minutes. Port 53 on 127.0.0.1 must be free. It stops only what it started.
#   usage: tools/packaging/check_deb.sh build/enumd_*.deb [ROOT]
set -eu
[ $# -ge 1 ] || { echo "usage: $0 PACKAGE.deb [ROOT]" >&2; exit 2; }
deb=$(realpath "$1")
root=${2:-$(mktemp -d /tmp/enumd-deb-XXXXXX)}
chmod 755 "$root"  # mktemp's 0700 would keep every service user out of the container's /
if ss -Hlnu 'sport = :53' | grep -q .; then echo "check_deb: port 53 is in use here" >&2; exit 2; fi
[ -x "$root/bin/sh" ] || debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.debootstrap.log"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/enumd.deb"
chroot "$root" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd systemd-sysv dbus &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall /tmp/enumd.deb' >"$root.install.log" 2>&1 ||
    { tail -20 "$root.install.log"; exit 1; }
chroot "$root" systemctl enable enumd.service >/dev/null 2>&1
systemd-nspawn -q --register=no --keep-unit -D "$root" -b --console=pipe </dev/null >"$root.boot.log" 2>&1 &
nspawn=$!
failed=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failed=1; }
init=""
for _ in $(seq 1 100); do
    init=$(ps -o pid= --ppid "$nspawn" | tr -d ' ' | head -1)
    [ -n "$init" ] && break
    sleep 0.2
done
[ -n "$init" ] || { echo "FAIL the container did not boot"; cat "$root.boot.log"; kill "$nspawn"; exit 1; }
in_box() { nsenter -t "$init" -a "$@"; }
# Until the unit has left "activating" (Type=notify: READY=1) or given up, at most 120 s.
for _ in $(seq 1 240); do
    state=$(in_box systemctl is-active enumd 2>/dev/null || true)
    case "$state" in active | failed) break ;; esac
    sleep 0.5
done
[ "$state" = active ] && ok "enumd.service is active after boot" ||
    bad "enumd.service is $state: $(in_box journalctl -u enumd --no-pager -o cat 2>&1 | tail -5)"
user=$(in_box systemctl show enumd -p User --value)
[ "$user" = enumd ] && ok "it runs as user enumd" || bad "user: $user"
answer=$(dig @127.0.0.1 -p 53 +short +time=2 +tries=2 NAPTR 2.1.9.0.0.5.5.5.3.1.6.e164.arpa. || true)
echo "$answer" | grep -q 'sip:info@server' && ok "it answers the example zone on 127.0.0.1:53" || bad "answer: $answer"
in_box systemctl reload enumd && [ "$(in_box systemctl is-active enumd)" = active ] && ok "systemctl reload" \
    || bad "systemctl reload: $(in_box systemctl status enumd --no-pager 2>&1 | tail -5)"
in_box systemctl stop enumd
state=$(in_box systemctl is-active enumd 2>&1 || true)
[ "$state" = inactive ] && ok "systemctl stop" || bad "after stop: $state"
in_box journalctl -u enumd --no-pager -o cat >"$root.journal.log" 2>&1 || true
# SIGTERM to systemd-nspawn shuts the container down in order; SIGKILL if it has not after 20 s.
kill "$nspawn" 2>/dev/null || true
for _ in $(seq 1 100); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.2; done
kill -9 "$nspawn" 2>/dev/null || true
wait "$nspawn" 2>/dev/null || true
echo "logs: $root.install.log $root.boot.log $root.journal.log"
exit $failed
