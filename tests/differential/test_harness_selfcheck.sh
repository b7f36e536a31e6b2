#!/bin/sh
# The differential harness itself: Knot against Knot on the same zones must agree
# on every query, and against altered copies of the zones (one TTL, one NAPTR,
# one removed A record) it must report those differences and fail.
set -u
: "${SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
HARNESS="$SOURCE_DIR/tests/differential/differential.py"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if ! /usr/bin/python3 "$HARNESS" --a knot --b knot >"$out" 2>&1; then
    cat "$out"
    echo "FAIL: Knot against Knot reported differences"
    exit 1
fi
tail -n 1 "$out"

if /usr/bin/python3 "$HARNESS" --a knot --b knot --perturb >"$out" 2>&1; then
    cat "$out"
    echo "FAIL: the harness did not notice altered zones"
    exit 1
fi
status=0
for expect in "DIFFERENCE short.misc.test. A over UDP" \
              "DIFFERENCE 1.1.9.0.0.5.5.5.3.1.6.e164.arpa. NAPTR over TCP +EDNS" \
              "DIFFERENCE host1.example. A over UDP" \
              "short.misc.test. 5 IN A 192.0.2.5" \
              "authority only from knot-b:"; do
    if ! grep -qF "$expect" "$out"; then
        echo "FAIL: expected in the report: $expect"
        status=1
    fi
done
tail -n 1 "$out"
[ $status -eq 0 ] && echo "OK: the harness agrees with itself and catches altered zones"
exit $status
