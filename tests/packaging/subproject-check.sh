#!/bin/sh
# sspi-gss as a meson subproject: a consumer project that says only
# dependency('sspi-gss') gets our library through the fallback (the
# override_dependency in sspi-gss/meson.build), builds the same
# Windows-style program as install-check.sh, and runs it.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/consumer/subprojects"
ln -s "$src" "$tmp/consumer/subprojects/sspi-gss"
cp "$src/tests/packaging/install_consumer.c" "$tmp/consumer/main.c"
cat >"$tmp/consumer/meson.build" <<'MESON'
project('consumer', 'c', default_options: ['c_std=c11', 'warning_level=2', 'werror=true'])
sspi = dependency('sspi-gss', default_options: ['tests=false', 'docs=false'])
executable('consumer', 'main.c', dependencies: sspi)
MESON
# Forced, so an sspi-gss installed on the machine cannot stand in for it.
meson setup "$tmp/build" "$tmp/consumer" --force-fallback-for=sspi-gss >/dev/null
meson compile -C "$tmp/build" >/dev/null
"$tmp/build/consumer" | tee "$tmp/out"
[ "$(wc -l < "$tmp/out")" -eq 3 ]
echo "1 passed, 0 failed"
