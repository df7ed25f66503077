#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One entry point for developers and CI, on Debian 12 (root installs what is missing):
#   ./dev.sh run           build, then run logtallyd in the foreground on the embedded defaults
#   ./dev.sh test          build, then run every test (make check)
#   ./dev.sh test-asan     the same suite built with -fsanitize=address,undefined
#   ./dev.sh test-tsan     the threaded tests (unit and daemon) built with -fsanitize=thread
#   ./dev.sh build         only set up and build (in ./build)
#   ./dev.sh fetch-syslog-ng  extract syslog-ng-core into build/syslog-ng (bench/run's peer)
set -euo pipefail
cd "$(dirname "$0")"
top=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

build_pkgs=(build-essential autoconf automake pkg-config libuv1-dev libcjson-dev check node-llhttp zlib1g-dev libsystemd-dev)
test_pkgs=(curl prometheus bsdutils rsyslog socat clang libclang-rt-14-dev python3 chromium firefox-esr systemd mandoc groff-base systemd-container)

say() { printf 'dev.sh: %s\n' "$*" >&2; }

install_missing() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        say "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
        exit 1
    fi
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    # rsyslog's postinst may try to start a service; no init system here is fine.
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# syslog-ng-core conflicts with rsyslog as a package, so its loggen is extracted, not installed
# (see ../shared/docs/protocols.md). Tests find it through LT_LOGGEN.
fetch_loggen() {
    local dir=$top/build/syslog-ng
    if [ ! -x "$dir/usr/bin/loggen" ]; then
        install_missing libivykis0 libnet1 libjson-c5 libpcre3 libwrap0 libglib2.0-0
        local tmp; tmp=$(mktemp -d)
        if (cd "$tmp" && apt-get download syslog-ng-core >/dev/null 2>&1); then
            mkdir -p "$dir" && dpkg-deb -x "$tmp"/syslog-ng-core_*.deb "$dir"
        else
            say "could not download syslog-ng-core; loggen tests will be skipped"
        fi
        rm -rf "$tmp"
    fi
    [ -x "$dir/usr/bin/loggen" ] && export LT_LOGGEN_DIR=$dir
    return 0
}

# configure_and_build DIR [configure args...]
configure_and_build() {
    local dir=$1; shift
    if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
        say "bootstrapping (autoreconf)"
        autoreconf -fi >/dev/null
    fi
    mkdir -p "$dir"
    local want="$*"
    if [ ! -f "$dir/Makefile" ] || [ "$(cat "$dir/.configure-args" 2>/dev/null)" != "$want" ] \
        || [ configure -nt "$dir/Makefile" ]; then
        say "configuring $dir ($want)"
        (cd "$dir" && "$top/configure" "$@" >configure.out) || { cat "$dir/configure.out"; exit 1; }
        echo "$want" >"$dir/.configure-args"
    fi
    say "building $dir"
    make -C "$dir" -j"$jobs" >/dev/null
}

run_tests() {
    local dir=$1; shift
    install_missing "${test_pkgs[@]}"
    # The browser test's puppeteer-core comes from npm; a nodejs from elsewhere may bring its own.
    command -v npm >/dev/null || install_missing nodejs npm
    fetch_loggen
    configure_and_build "$dir" "$@"
    say "testing in $dir"
    make -C "$dir" -j"$jobs" check ${LT_TESTS:+TESTS="$LT_TESTS"} || {
        say "failures:"; grep -l -E '^:test-result: (FAIL|ERROR)' "$dir"/tests/*.trs "$dir"/tests/integration/*.trs 2>/dev/null | sed 's/\.trs$/.log/' | while read -r f; do
            echo "----- $f"; tail -n 40 "$f"; done
        return 1
    }
}

cmd=${1:-}
case "$cmd" in
run)
    install_missing "${build_pkgs[@]}"
    configure_and_build build --enable-werror
    cat >&2 <<TXT
dev.sh: starting logtallyd on the embedded defaults (Ctrl-C stops it)
  send logs:  logger -n 127.0.0.1 -P 5514 -T -p user.err 'disk full'     (TCP)
              logger -n 127.0.0.1 -P 5514 -d -p user.warning 'hot'      (UDP)
  ask:        curl -s http://127.0.0.1:9514/metrics
              curl -s http://127.0.0.1:9514/api/v1/stats
TXT
    exec build/src/logtallyd
    ;;
build)
    install_missing "${build_pkgs[@]}"
    configure_and_build build --enable-werror
    ;;
test)
    install_missing "${build_pkgs[@]}"
    run_tests build --enable-werror
    ;;
test-asan)
    install_missing "${build_pkgs[@]}"
    run_tests build-asan --enable-werror --enable-asan
    ;;
fetch-syslog-ng)
    fetch_loggen
    ;;
test-tsan)
    install_missing "${build_pkgs[@]}"
    LT_TESTS=${LT_TESTS:-"tests/check_table tests/check_ring tests/check_tally tests/check_http_server tests/integration/30-http-endpoints.sh tests/integration/32-http-auth.sh tests/integration/60-multiworker-exact.sh tests/integration/61-worker-balance.sh tests/integration/74-state-file.sh tests/integration/76-sighup-reload.sh tests/integration/79-reload-under-load.sh"} \
        run_tests build-tsan --enable-werror --enable-tsan CC=clang
    ;;
*)
    sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'
    [ -z "$cmd" ] && exit 2 || exit 2
    ;;
esac
