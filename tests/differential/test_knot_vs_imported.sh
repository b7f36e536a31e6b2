#!/bin/sh
# Differential test of `enumctl import` (issue 13): Knot DNS serves the RFC 4592 §2.2.1 example zone
# (sub.*.example. is an ordinary name there) from its RFC 1035 file, enumd serves the YAML that
# `enumctl import` made of it; every answer must agree, so the import kept every RRset.
# Skips (exit 0) only while build/bin/enumd does not exist.
set -eu
: "${SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD_DIR:=$SOURCE_DIR/build}"
ENUMD="$BUILD_DIR/bin/enumd"
if [ ! -x "$ENUMD" ]; then
    echo "SKIP: $ENUMD does not exist yet; nothing to compare with Knot DNS"
    exit 0
fi
exec /usr/bin/python3 "$SOURCE_DIR/tests/differential/differential.py" --a knot --b enumd --enumd "$ENUMD" \
    --import-with "$BUILD_DIR/bin/enumctl" --zone "example.=$SOURCE_DIR/tests/differential/zones/rfc4592.zone"
