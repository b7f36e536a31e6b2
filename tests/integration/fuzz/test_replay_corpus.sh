#!/bin/sh
# Replays every fuzz corpus (tests/fuzz/corpus/<target>/) through its target with
# the standalone runner (no libFuzzer), so every build — GCC, sanitizers — checks
# that no known input crashes or breaks an invariant. Uses the replay_fuzz_*
# binaries of a -DENUMD_FUZZ=ON build when present; otherwise compiles each
# target against the libraries of BUILD_DIR with the same compiler and sanitizer
# flags.
set -eu
: "${SOURCE_DIR:=$(cd "$(dirname "$0")/../../.." && pwd)}"
: "${BUILD_DIR:=$SOURCE_DIR/build}"
FUZZ="$SOURCE_DIR/tests/fuzz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cache="$BUILD_DIR/CMakeCache.txt"
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$cache" 2>/dev/null || true)
[ -n "$cxx" ] || cxx=c++
san=""
if grep -q '^ENUMD_SANITIZE:BOOL=ON' "$cache" 2>/dev/null; then
    san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
fi
libs=""
for l in enumd_server enumd_zones enumd_resolver enumd_numbering enumd_dns; do
    [ -f "$BUILD_DIR/lib/lib$l.a" ] && libs="$libs $BUILD_DIR/lib/lib$l.a"
done

status=0
count=0
for src in "$FUZZ"/fuzz_*.cpp; do
    fuzzer=$(basename "$src" .cpp)
    corpus="$FUZZ/corpus/${fuzzer#fuzz_}"
    if [ ! -d "$corpus" ]; then
        echo "FAIL: $fuzzer has no corpus directory $corpus"
        status=1
        continue
    fi
    runner="$BUILD_DIR/bin/replay_$fuzzer"
    if [ ! -x "$runner" ]; then
        runner="$work/replay_$fuzzer"
        # shellcheck disable=SC2086 # word splitting of flag lists is intended
        if ! "$cxx" -std=c++20 -O1 -g $san -I"$SOURCE_DIR/dns/include" -I"$SOURCE_DIR/numbering/include" -I"$SOURCE_DIR/zones/include" \
                -I"$SOURCE_DIR/resolver/include" -I"$SOURCE_DIR/server/include" -I"$FUZZ" \
                -DENUMD_SOURCE_DIR="\"$SOURCE_DIR\"" "$src" "$FUZZ/standalone_main.cpp" -o "$runner" \
                -Wl,--start-group $libs -Wl,--end-group \
                $(pkg-config --libs ldns lmdb libpcre2-8 yaml-cpp) -lboost_system -pthread; then
            echo "FAIL: cannot build the replay runner for $fuzzer"
            status=1
            continue
        fi
    fi
    if "$runner" "$corpus" >"$work/out" 2>&1; then
        echo "$fuzzer: $(tail -n 1 "$work/out")"
        count=$((count + 1))
    else
        tail -n 20 "$work/out"
        echo "FAIL: $fuzzer crashed or broke an invariant on an input of $corpus (last 'replay' line above)"
        status=1
    fi
done
[ "$count" -gt 0 ] || { echo "FAIL: no fuzz target replayed"; status=1; }
exit $status
