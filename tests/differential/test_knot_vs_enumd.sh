#!/bin/sh
# Differential test: the same RFC 1035 zone files (tests/differential/zones) served
# by Knot DNS and by enumd; rcode, flags, answer and authority must agree for every
# query over UDP and TCP, with and without EDNS. Each difference is printed.
# Skips (exit 0) only while build/bin/enumd does not exist.
set -eu
: "${SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD_DIR:=$SOURCE_DIR/build}"
ENUMD="$BUILD_DIR/bin/enumd"
if [ ! -x "$ENUMD" ]; then
    echo "SKIP: $ENUMD does not exist yet; nothing to compare with Knot DNS"
    exit 0
fi
exec /usr/bin/python3 "$SOURCE_DIR/tests/differential/differential.py" --a knot --b enumd --enumd "$ENUMD"
