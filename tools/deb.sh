#!/bin/sh
#   make deb: the binary Debian package of huishang, built by
#   dpkg-buildpackage -us -uc -b from debian/ (debhelper: dh, hardened
#   dpkg-buildflags, dh_installsystemd, shlibs Depends, /etc as conffiles).
#   It builds in a copy of the tree under BUILD-FOLDER/deb (the package
#   tools write beside the source folder; this keeps them inside the build
#   folder) and checks that debian/changelog names the daemon's version.
#   Usage: sh tools/deb.sh BUILD-FOLDER; prints the .deb's path.
set -e
build=${1:-build}
version=$(sed -n 's/^#define HS_VERSION *"\([^"]*\)".*/\1/p' protocol/hs_proto.h)
packaged=$(dpkg-parsechangelog -S Version)
if [ "$packaged" != "$version" ]; then
    echo "deb: debian/changelog is at $packaged, the daemon at $version: add a changelog entry" >&2
    exit 1
fi
arch=$(dpkg --print-architecture)
top=$(pwd)
work=$top/$build/deb
rm -rf "$work"
mkdir -p "$work/src"
tar -C "$top" --exclude=./.git --exclude="./$build" --exclude=./build -cf - . | tar -C "$work/src" -xf -
log=$work/build.log
if ! (cd "$work/src" && DEB_BUILD_OPTIONS="parallel=${HS_DEB_JOBS:-2}" \
        dpkg-buildpackage -us -uc -b >"$log" 2>&1); then
    tail -n 40 "$log" >&2
    echo "deb: dpkg-buildpackage failed; the whole log is $build/deb/build.log" >&2
    exit 1
fi
cp "$work/huishang_${version}_$arch.deb" "$top/$build/"
echo "$build/huishang_${version}_$arch.deb"
