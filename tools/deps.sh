#!/bin/sh
#   Install the Debian 12 packages huishang needs, if any are missing.
#   Used by `make run` and `make check`; `deps.sh --list` prints the list
#   (.ci/run installs it); `deps.sh --bench` adds the benchmark's peer
#   (`make bench`), `deps.sh --profile` the profiler (`make profile`).
#   Needs root (or sudo) to install.
PACKAGES="build-essential pkg-config clang libzmq3-dev libczmq-dev liblmdb-dev libmsgpack-dev
libjansson-dev dpkg-dev debhelper lintian libsystemd-dev libncurses-dev systemd groff-base tmux lmdb-utils python3 python3-zmq python3-msgpack python3-lmdb
libmicrohttpd-dev libsodium-dev libjs-chart.js chromium chromium-driver python3-selenium fonts-noto-cjk
libcurl4-openssl-dev"
#   What only some tests use: they say they skipped when it is absent, and
#   CI installs it (`deps.sh --ci-list`): promtool, from Debian's prometheus.
TEST_ONLY="prometheus"
#   The benchmark's peer (tests/bench/hs_bench_peer.c): Alertmanager, fed
#   the same reports; `make bench` installs it, the bench's row says it
#   skipped without it.
BENCH_ONLY="prometheus-alertmanager"
#   The profiler `make profile` attaches (tests/bench/profile.py).
PROFILE_ONLY="linux-perf"
if [ "$1" = "--list" ]; then
    echo $PACKAGES
    exit 0
fi
if [ "$1" = "--ci-list" ]; then
    echo $PACKAGES $TEST_ONLY $BENCH_ONLY
    exit 0
fi
if [ "$1" = "--bench" ]; then
    PACKAGES="$PACKAGES $BENCH_ONLY"
fi
if [ "$1" = "--profile" ]; then
    PACKAGES="$PACKAGES $PROFILE_ONLY"
fi
missing=""
for package in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "deps: not root and no sudo: please install:$missing" >&2
    exit 1
fi
$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
