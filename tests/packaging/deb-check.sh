#!/bin/sh
# Builds the Debian packages (debian/) with `dpkg-buildpackage -us -uc -b`
# from a scratch copy of the source files (tracked, or new and not ignored), checks what each holds, then
# unpacks the library and -dev packages into a scratch root and builds and
# runs a Windows-style program against them with pkg-config alone.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/sspi-gss" "$tmp/root"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$src" ls-files -z -co --exclude-standard | (cd "$src" && tar --null -T - -cf -) | tar -xf - -C "$tmp/sspi-gss"
else
	(cd "$src" && tar --exclude='./build*' --exclude=./.git -cf - .) | tar -xf - -C "$tmp/sspi-gss"
fi
if ! (cd "$tmp/sspi-gss" && dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1); then
	tail -40 "$tmp/build.log"
	echo "deb-check: dpkg-buildpackage failed"
	exit 1
fi
version=$(cd "$tmp/sspi-gss" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
for pkg in libsspi-gss0 libsspi-gss-dev sspi-gss-tools; do
	deb="$tmp/${pkg}_${version}_${arch}.deb"
	test -f "$deb" || { echo "deb-check: $pkg was not built"; exit 1; }
	echo "$pkg: $(dpkg-deb -f "$deb" Depends)"
	dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/$pkg.files"
done
has() {
	grep -q "$2" "$tmp/$1.files" || { echo "deb-check: $1 lacks $2"; exit 1; }
}
has libsspi-gss0 '/libsspi-gss\.so\.0$'
has libsspi-gss-dev '/usr/include/sspi-gss/security\.h$'
has libsspi-gss-dev '/pkgconfig/sspi-gss\.pc$'
has libsspi-gss-dev '/cmake/sspi-gss/sspi-gssConfig\.cmake$'
has libsspi-gss-dev '/cmake/sspi-gss/sspi-gssConfigVersion\.cmake$'
has libsspi-gss-dev '/libsspi-gss\.so$'
has libsspi-gss-dev '/man7/sspi-gss\.7\.gz$'
has libsspi-gss-dev '/usr/share/doc/libsspi-gss-dev/porting\.md'
has sspi-gss-tools '/usr/bin/sspi-gss-info$'
has sspi-gss-tools '/man1/sspi-gss-info\.1\.gz$'

for pkg in libsspi-gss0 libsspi-gss-dev sspi-gss-tools; do
	dpkg-deb -x "$tmp/${pkg}_${version}_${arch}.deb" "$tmp/root"
done
pc=$(dirname "$(find "$tmp/root" -name sspi-gss.pc)")
libdir=$tmp/root$(PKG_CONFIG_PATH=$pc pkg-config --variable=libdir sspi-gss)
flags=$(PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$tmp/root pkg-config --cflags --libs sspi-gss)
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer" "$src/tests/packaging/install_consumer.c" $flags
LD_LIBRARY_PATH=$libdir "$tmp/consumer" >"$tmp/out"
[ "$(wc -l <"$tmp/out")" -eq 3 ] || { echo "deb-check: the consumer listed:"; cat "$tmp/out"; exit 1; }
LD_LIBRARY_PATH=$libdir "$tmp/root/usr/bin/sspi-gss-info" >/dev/null
echo "deb-check: $version packages built, unpacked and used"
echo "1 passed, 0 failed"
