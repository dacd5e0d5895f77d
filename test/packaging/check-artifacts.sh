#!/usr/bin/env bash
# Proves the artefacts of `npm run package` (dist/pkg/) work as a user would use them. Run by .ci/run
# after the test runs; the .deb part needs root (dpkg -i), as on CI.
#   1. the end-to-end relay test against the single executable (XRAYD_BIN);
#   2. the .deb installs: files where the unit expects them, /usr/bin/xrayd --version, the unit
#      verifies (systemd-analyze, where available); then it is purged without leftovers;
#   3. the .rpm holds the same files, with cfg.yaml as a config file;
#   4. the npm tarball installs into a temporary prefix and `xrayd --backend local` serves the console.
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=dist/pkg
version=$(node -p "require('./package.json').version")
fail() { echo "check-artifacts: FAIL: $*" >&2; exit 1; }
step() { echo "== check-artifacts: $*"; }
tmp=$(mktemp -d)
daemon_pid=
# GET a URL to stdout (node's fetch: no curl needed); fails on a non-2xx answer.
http_get() { node -e 'fetch(process.argv[1]).then(async (r) => { if (!r.ok) process.exit(1); process.stdout.write(await r.text()); }, () => process.exit(1))' "$1"; }
# Starts a daemon (the command line in "$@", logging to $tmp/daemon.log) and sets $port to its TCP port.
start_daemon() {
  ("$@" > "$tmp/daemon.log" 2>&1) &
  daemon_pid=$!
  port=
  for _ in $(seq 1 150); do # poll the log, up to 15 s
    grep -q '"msg":"xrayd started"' "$tmp/daemon.log" && port=$(sed -n 's/.*"port":\([0-9]*\)},"msg":"listening on TCP".*/\1/p' "$tmp/daemon.log")
    [ -n "$port" ] && return 0
    kill -0 "$daemon_pid" 2>/dev/null || fail "$1 exited: $(cat "$tmp/daemon.log")"
    sleep 0.1
  done
  fail "$1 did not start: $(cat "$tmp/daemon.log")"
}
stop_daemon() { kill "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=; }
# `$1 --backend local`, started in an empty directory, serves the console's page and its script.
serves_console() {
  mkdir -p "$tmp/empty"
  cd "$tmp/empty"
  start_daemon "$1" --backend local -b 127.0.0.1:0 -t 127.0.0.1:0 --otlp-bind 127.0.0.1:0
  cd - > /dev/null
  http_get "http://127.0.0.1:$port/" > "$tmp/index.html" || fail "GET / of $1 failed"
  grep -q '<title>xrayd console</title>' "$tmp/index.html" || fail "GET / of $1 is not the console's page"
  asset=$(grep -o '/assets/index-[A-Za-z0-9_-]*\.js' "$tmp/index.html" | head -1)
  http_get "http://127.0.0.1:$port$asset" > /dev/null || fail "$1 does not serve the console's script $asset"
  stop_daemon
}
cleanup() { if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT

step "single executable: $(file -b $pkg/xrayd-linux-x64 | cut -d, -f1-2)"
[ "$($pkg/xrayd-linux-x64 --version)" = "$version" ] || fail "xrayd-linux-x64 --version is not $version"
file -b $pkg/xrayd-linux-arm64 | grep -q 'ARM aarch64' || fail "xrayd-linux-arm64 is not an aarch64 executable"
step "end-to-end relay test against $pkg/xrayd-linux-x64"
XRAYD_BIN=$pkg/xrayd-linux-x64 node --test dist/test/e2e/relay.test.js
step "the single executable serves its embedded console"
serves_console "$PWD/$pkg/xrayd-linux-x64"

deb=$pkg/xrayd_${version}_amd64.deb
step "$deb: dpkg -i"
if [ "$(id -u)" = 0 ]; then
  dpkg -i "$deb"
  for f in /usr/bin/xrayd /usr/lib/xrayd/udp-recv.node /usr/lib/systemd/system/xrayd.service /etc/amazon/xray/cfg.yaml /usr/share/man/man1/xrayd.1.gz; do
    [ -f "$f" ] || fail "$f was not installed"
  done
  exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' /usr/lib/systemd/system/xrayd.service)
  [ -x "$exec_start" ] || fail "the unit's ExecStart ($exec_start) is not an installed executable"
  grep -qx /etc/amazon/xray/cfg.yaml /var/lib/dpkg/info/xrayd.conffiles || fail "cfg.yaml is not a conffile"
  [ "$(/usr/bin/xrayd --version)" = "$version" ] || fail "/usr/bin/xrayd --version is not $version"
  step "/usr/bin/xrayd starts with the packaged cfg.yaml"
  start_daemon /usr/bin/xrayd --config /etc/amazon/xray/cfg.yaml --local-mode --region us-east-1 -b 127.0.0.1:0 -t 127.0.0.1:0 --otlp-bind 127.0.0.1:0
  http_get "http://127.0.0.1:$port/healthz" > "$tmp/healthz.json" || fail "/healthz of the installed daemon does not answer"
  grep -q '"udpReceiver":"native"' "$tmp/healthz.json" || fail "the installed daemon does not receive with its native receiver: $(grep -m1 'native receiver' "$tmp/daemon.log")"
  stop_daemon
  if command -v systemd-analyze >/dev/null; then
    step "systemd-analyze verify xrayd.service"
    systemd-analyze verify /usr/lib/systemd/system/xrayd.service
  else
    step "systemd-analyze not available: unit not verified"
  fi
  step "dpkg -P xrayd"
  dpkg -P xrayd
  for f in /usr/bin/xrayd /usr/lib/xrayd /usr/lib/systemd/system/xrayd.service /etc/amazon/xray/cfg.yaml /usr/share/doc/xrayd; do
    [ ! -e "$f" ] || fail "$f is left after dpkg -P"
  done
  ! dpkg -s xrayd >/dev/null 2>&1 || fail "dpkg still lists xrayd"
else
  step "not root: the .deb is only inspected"
  dpkg-deb -c "$deb" | grep -q ' ./usr/bin/xrayd$' || fail "$deb has no /usr/bin/xrayd"
fi

rpm_file=$pkg/xrayd-${version}-1.x86_64.rpm
step "$rpm_file: contents"
rpm -qlp "$rpm_file" > "$tmp/rpm-files"
for f in /usr/bin/xrayd /usr/lib/xrayd/udp-recv.node /usr/lib/systemd/system/xrayd.service /etc/amazon/xray/cfg.yaml /usr/share/man/man1/xrayd.1.gz; do
  grep -qx "$f" "$tmp/rpm-files" || fail "$rpm_file has no $f"
done
! rpm -qlp "$pkg/xrayd-${version}-1.aarch64.rpm" | grep -q udp-recv.node || fail "the arm64 rpm holds the x64 native receiver"
rpm -qcp "$rpm_file" | grep -qx /etc/amazon/xray/cfg.yaml || fail "cfg.yaml is not a config file in $rpm_file"
rpm -qp --qf '%{ARCH}\n' "$pkg/xrayd-${version}-1.aarch64.rpm" | grep -qx aarch64 || fail "the arm64 rpm is not aarch64"

step "npm tarball: npm install -g into a temporary prefix"
npm install -g --prefix "$tmp/prefix" --no-audit --no-fund "$pkg/xrayd-${version}.tgz"
[ "$("$tmp/prefix/bin/xrayd" --version)" = "$version" ] || fail "the installed xrayd --version is not $version"
step "npx --package=<tarball> xrayd --version"
[ "$(npx -y --package="$PWD/$pkg/xrayd-${version}.tgz" xrayd --version)" = "$version" ] || fail "npx does not run xrayd $version"
step "the installed xrayd --backend local serves the console"
serves_console "$tmp/prefix/bin/xrayd"
step "all artefacts checked"
