#!/usr/bin/env bash
# The .deb (dpkg-deb) and .rpm (rpmbuild) of xrayd, for each single executable in OUT:
#   packaging/build-os-packages.sh VERSION OUT WORK
# Both hold /usr/bin/xrayd, the systemd unit, /etc/amazon/xray/cfg.yaml (a conffile), the man page
# (WORK/xrayd.1, from --help) and the documentation; the x64 ones also the native UDP receiver
# (/usr/lib/xrayd/udp-recv.node, built on this machine by scripts/build-native.mjs), which the single
# executable loads from beside itself. Run by `npm run package`.
set -euo pipefail
version=$1 out=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
command -v dpkg-deb >/dev/null || { echo "build-os-packages: dpkg-deb is missing (apt-get install dpkg)" >&2; exit 1; }
command -v rpmbuild >/dev/null || { echo "build-os-packages: rpmbuild is missing (apt-get install rpm)" >&2; exit 1; }

# The package's file tree under $1, for the executable $2 (and the native receiver $3, if any).
stage() {
  local root=$1 binary=$2 addon=${3:-}
  install -D -m 0755 "$binary" "$root/usr/bin/xrayd"
  if [ -n "$addon" ]; then install -D -m 0755 "$addon" "$root/usr/lib/xrayd/udp-recv.node"; fi
  install -D -m 0644 "$repo/deploy/xrayd.service" "$root/usr/lib/systemd/system/xrayd.service"
  install -D -m 0644 "$here/cfg.yaml" "$root/etc/amazon/xray/cfg.yaml"
  install -d "$root/usr/share/man/man1"
  gzip -9n < "$work/xrayd.1" > "$root/usr/share/man/man1/xrayd.1.gz"
  install -D -m 0644 "$here/copyright" "$root/usr/share/doc/xrayd/copyright"
  install -D -m 0644 "$repo/config.example.yaml" "$root/usr/share/doc/xrayd/config.example.yaml"
  install -D -m 0644 "$repo/README.md" "$root/usr/share/doc/xrayd/README.md"
}

for arch in x64 arm64; do
  binary="$out/xrayd-linux-$arch"
  case $arch in x64) deb_arch=amd64 rpm_arch=x86_64 ;; arm64) deb_arch=arm64 rpm_arch=aarch64 ;; esac
  # the addon is built for this machine (x64) only; without it (or on arm64) the daemon receives with node:dgram
  addon=
  if [ "$arch" = x64 ] && [ -f "$repo/dist/native/udp-recv.node" ]; then addon="$repo/dist/native/udp-recv.node"; fi

  root="$work/deb-$arch"
  rm -rf "$root"
  stage "$root" "$binary" "$addon"
  install -d "$root/DEBIAN"
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$deb_arch/" -e "s/@SIZE_KB@/$(du -sk --exclude=DEBIAN "$root" | cut -f1)/" \
    "$here/deb/control" > "$root/DEBIAN/control"
  echo /etc/amazon/xray/cfg.yaml > "$root/DEBIAN/conffiles"
  install -m 0755 "$here/deb/postinst" "$here/deb/prerm" "$here/deb/postrm" "$root/DEBIAN/"
  # gzip: fast, and every dpkg and rpm can read it (zstd is not read by older ones)
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/xrayd_${version}_${deb_arch}.deb" >/dev/null

  root="$work/rpm-$arch"
  rm -rf "$root"
  stage "$root/stage" "$binary" "$addon"
  rpmbuild -bb --quiet --target "$rpm_arch-linux" --define "_topdir $root" --define "_rpmdir $out" \
    --define "_binary_payload w6.gzdio" --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "xrayd_version $version" --define "xrayd_stage $root/stage" --define "xrayd_native $([ -n "$addon" ] && echo 1 || echo 0)" "$here/xrayd.spec"
done
ls -l "$out"/*.deb "$out"/*.rpm
