#!/bin/sh
# A CMake project against an installed sspi-gss: `meson install` into a
# temporary prefix, then find_package(sspi-gss) and the imported target
# sspi-gss::sspi-gss build tests/packaging/install_consumer.c, which is run. The
# prefix is moved first, to show the installation is found from where it is.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v cmake >/dev/null 2>&1; then
	echo "skipped: cmake is not installed"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson setup "$tmp/build" "$src" --prefix="$tmp/usr" -Dtests=false >/dev/null
meson install -C "$tmp/build" >/dev/null
mv "$tmp/usr" "$tmp/moved"
mkdir "$tmp/project"
cat >"$tmp/project/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.13)
project(consumer C)
find_package(sspi-gss 0.1 REQUIRED CONFIG)
message(STATUS "sspi-gss \${sspi-gss_VERSION} from \${sspi-gss_DIR}")
add_executable(consumer $src/tests/packaging/install_consumer.c)
target_link_libraries(consumer PRIVATE sspi-gss::sspi-gss)
target_compile_options(consumer PRIVATE -std=c11 -Wall -Wextra -Werror)
CMAKE
cmake -S "$tmp/project" -B "$tmp/project/build" -DCMAKE_PREFIX_PATH="$tmp/moved" \
	>"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; exit 1; }
grep "sspi-gss 0" "$tmp/cmake.log"
cmake --build "$tmp/project/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
# The consumer finds the library through its build RPATH (CMake's default).
"$tmp/project/build/consumer" | tee "$tmp/out"
[ "$(wc -l <"$tmp/out")" -eq 3 ]
# A version the installation cannot satisfy is refused.
sed -i 's/find_package(sspi-gss 0.1 /find_package(sspi-gss 1.0 /' "$tmp/project/CMakeLists.txt"
if cmake -S "$tmp/project" -B "$tmp/project/build2" -DCMAKE_PREFIX_PATH="$tmp/moved" \
	>"$tmp/cmake2.log" 2>&1; then
	echo "FAILED: find_package(sspi-gss 1.0) was satisfied by $(grep -o 'sspi-gss 0[^ ]*' "$tmp/cmake2.log")"
	exit 1
fi
echo "1 passed, 0 failed"
