#!/bin/sh
#   make deb: a binary Debian package of huishang, from `make install` into a
#   staging folder (PREFIX=/usr, the unit in /lib/systemd/system), with its
#   library dependencies worked out by dpkg-shlibdeps, the configuration as
#   conffiles (an operator's edits survive upgrades), and systemd told of the
#   unit. Usage: sh tools/deb.sh BUILD-FOLDER; prints the .deb's path.
set -e
build=${1:-build}
version=$(sed -n 's/^#define HS_VERSION *"\([^"]*\)".*/\1/p' protocol/hs_proto.h)
arch=$(dpkg --print-architecture)
top=$(pwd)
stage=$top/$build/deb/huishang_${version}_$arch
rm -rf "$top/$build/deb"
mkdir -p "$stage/DEBIAN"
make -s install BUILD="$build" DESTDIR="$stage" PREFIX=/usr SYSCONFDIR=/etc \
    UNITDIR=/lib/systemd/system >/dev/null
gzip -9n "$stage"/usr/share/man/man*/*

#   dpkg-shlibdeps wants to be run beside a debian/control.
work=$top/$build/deb/shlibs
mkdir -p "$work/debian"
printf 'Source: huishang\n\nPackage: huishang\nArchitecture: any\n' > "$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "$stage/usr/sbin/huishangd" "$stage/usr/bin/huishang" \
          "$stage/usr/sbin/huishang-web" \
          | sed -n 's/^shlibs:Depends=//p')

cat > "$stage/DEBIAN/control" <<CONTROL
Package: huishang
Version: $version
Architecture: $arch
Maintainer: huishang developers <huishang@localhost>
Depends: $depends
Recommends: libjs-chart.js
Section: admin
Priority: optional
Installed-Size: $(du -sk "$stage" | cut -f1)
Description: labour-dispute consultation daemon (会商) and its client
 huishangd receives dispute reports on ZeroMQ, correlates them into cases,
 classifies and routes them under the consultation mechanism's rules,
 stores every event in LMDB before it publishes alerts, meeting requests
 and reports upward. huishang is its command-line client (publish, watch,
 cases, rules check/test/backtest, a live board). huishang-web is the duty
 board (值班看板): a web page of the daemon's cases, alerts and meetings,
 live, with logins to act on the cases (its own systemd unit).
CONTROL
(cd "$stage" && find etc -type f | sed 's|^|/|' | sort) > "$stage/DEBIAN/conffiles"
cat > "$stage/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
fi
SCRIPT
cat > "$stage/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl stop huishang-web.service huishangd.service || true
fi
SCRIPT
cat > "$stage/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
fi
SCRIPT
chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"
dpkg-deb --root-owner-group --build "$stage" "$top/$build/huishang_${version}_$arch.deb" >/dev/null
echo "$build/huishang_${version}_$arch.deb"
