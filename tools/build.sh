#!/bin/sh
# One entry point for a fresh Debian 12 machine (run as root from a checkout):
#   tools/build.sh serve   install build deps, build, serve zones/examples on 127.0.0.1:5353
#   tools/build.sh test    install build+test deps, build, run every test, then again under ASan+UBSan
#   tools/build.sh build   install build deps and build only
set -eu
cd "$(dirname "$0")/.."
JOBS=$(nproc 2>/dev/null || echo 2)

BUILD_DEPS="build-essential cmake pkg-config libldns-dev libboost-dev libboost-system-dev libpcre2-dev
  liblmdb-dev libyaml-cpp-dev catch2 nlohmann-json3-dev libsystemd-dev libphonenumber-dev help2man python3 libcli11-dev"
TEST_DEPS="python3 python3-dnspython dnsutils knot-dnsutils knot ldnsutils lmdb-utils iproute2 procps kamailio bind9 bind9-utils
  docker-compose python3-yaml prometheus"

install() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        echo "installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing
    fi
}

build() {
    dir=$1
    shift
    launcher=""
    if command -v ccache >/dev/null 2>&1; then launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache"; fi
    # shellcheck disable=SC2086
    cmake -S . -B "$dir" $launcher "$@" >/dev/null
    cmake --build "$dir" -j "$JOBS"
}

case "${1:-}" in
    build)
        # shellcheck disable=SC2086
        install $BUILD_DEPS
        build build
        ;;
    serve)
        # shellcheck disable=SC2086
        install $BUILD_DEPS
        build build
        zones=""
        for f in zones/examples/*.yaml; do zones="$zones --zone $f"; done
        echo "enumd serving$zones on 127.0.0.1:5353 (Ctrl-C stops)"
        # shellcheck disable=SC2086
        exec build/bin/enumd --listen 127.0.0.1:5353 $zones --stats-listen 127.0.0.1:9153
        ;;
    test)
        # shellcheck disable=SC2086
        install $BUILD_DEPS $TEST_DEPS
        # The first build is -O2 without debug information: CI reads failures from the tests' output, and
        # the sanitizer build below carries line tables. (Precompiled headers were tried and dropped: with
        # them GCC 12 reported a -Warray-bounds inside libstdc++ that it does not report without.)
        build build -DENUMD_FUZZ=ON -DENUMD_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -DNDEBUG"
        (cd build && ctest --output-on-failure -j "$JOBS")
        # The same tests under AddressSanitizer + UndefinedBehaviorSanitizer, at -O1 with line tables only:
        # half the compile time of -O2 -g under the sanitizers, and the reports still name file:line.
        # Tests that run no enumd code (label no_enumd_code) ran above and are not repeated.
        build build-asan -DENUMD_SANITIZE=ON -DENUMD_FUZZ=ON -DENUMD_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
        (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            ctest --output-on-failure -j "$JOBS" -LE no_enumd_code)
        ;;
    *)
        echo "usage: tools/build.sh build|serve|test" >&2
        exit 2
        ;;
esac
