#!/bin/sh
# Installs sspi-gss into a temporary prefix with `meson install`, then builds
# a Windows-style program against it with pkg-config alone and runs it.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson setup "$tmp/build" "$src" --prefix="$tmp/usr" -Dtests=false >/dev/null
meson install -C "$tmp/build" >/dev/null
pc=$(dirname "$(find "$tmp/usr" -name sspi-gss.pc)")
libdir=$(PKG_CONFIG_PATH=$pc pkg-config --variable=libdir sspi-gss)
cflags=$(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs sspi-gss)
echo "pkg-config --cflags --libs sspi-gss: $cflags"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer" "$src/tests/packaging/install_consumer.c" $cflags
LD_LIBRARY_PATH=$libdir "$tmp/consumer" | tee "$tmp/out"
[ "$(wc -l < "$tmp/out")" -eq 3 ]
test -x "$tmp/usr/bin/sspi-gss-info"
LD_LIBRARY_PATH=$libdir "$tmp/usr/bin/sspi-gss-info" >/dev/null
test -f "$tmp/usr/share/man/man1/sspi-gss-info.1"
test -f "$tmp/usr/share/man/man7/sspi-gss.7"
test -f "$tmp/usr/include/sspi-gss/security.h"
echo "1 passed, 0 failed"
