#!/bin/sh
# The whole test suite: the Check suites in a normal build, again under
# valgrind memcheck, again built with AddressSanitizer and UBSan, the
# threaded suites with ThreadSanitizer, the fuzz targets, the install +
# pkg-config check, the subproject build and the Debian packages. Ends with
# one "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0

# Adds the Ok/Fail counts of a meson test run to the totals.
count() {
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$1")
	bad=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$1")
	timeout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$1")
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${bad:-0} + ${timeout:-0}))
	if [ -z "$ok" ]; then failed=$((failed + 1)); fi
}

run() {
	name=$1
	shift
	echo "== $name"
	log=$(mktemp)
	"$@" 2>&1 | tee "$log"
	count "$log"
	rm -f "$log"
}

setup() {
	dir=$1
	shift
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi && meson compile -C "$dir" >/dev/null
}

freerdp3_src=${SSPI_GSS_FREERDP3_SRC:-/var/tmp/sspi-gss-freerdp3/src}
[ -f "$freerdp3_src/CMakeLists.txt" ] ||
	echo "skipped: no FreeRDP 3 source at $freerdp3_src" \
		"(tests/interop/freerdp3-check.sh, docs/porting.md)"
if setup build-test; then
	run "Check suites" meson test -C build-test --print-errorlogs
	run "Check suites under valgrind" meson test -C build-test --setup valgrind --no-suite script --print-errorlogs
	# The interop script itself is shell: valgrind runs our programs inside it.
	SSPI_GSS_SAMPLE_WRAPPER="valgrind --quiet --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--suppressions=$(pwd)/tests/fixtures/valgrind.supp" \
		run "Interop peers under valgrind" meson test -C build-test --suite interop --print-errorlogs
	unset SSPI_GSS_SAMPLE_WRAPPER
	# The Active Directory suite: valgrind runs the suite inside the
	# fixture (tests/fixtures/samba-dc.sh), not the fixture's shell.
	SSPI_GSS_AD_WRAPPER="valgrind --quiet --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--suppressions=$(pwd)/tests/fixtures/valgrind.supp" \
		run "Active Directory suite under valgrind" meson test -C build-test ad --print-errorlogs
	unset SSPI_GSS_AD_WRAPPER
	# The realm fixture must work without root: as root, run the KDC-backed
	# suites and the demo again as nobody (no meson: its logs are root's).
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
		echo "== Kerberos suites and demo as user nobody"
		for t in test_kerberos test_kerberos_context test_kerberos_peers test_negotiate \
			test_impersonation; do
			if setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/nonexistent \
				SSPI_GSS_REALM_SH="$(pwd)/tests/fixtures/realm.sh" "build-test/tests/unit/$t" \
				>"/tmp/sspi-gss-$t.log" 2>&1
			then passed=$((passed + 1)); echo "ok: $t as nobody"
			else failed=$((failed + 1)); echo "FAILED: $t as nobody"; cat "/tmp/sspi-gss-$t.log"
			fi
			rm -f "/tmp/sspi-gss-$t.log"
		done
		if setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/nonexistent \
			tests/programs/kerberos-demo.sh build-test >/dev/null 2>&1
		then passed=$((passed + 1)); echo "ok: kerberos-demo as nobody"
		else failed=$((failed + 1)); echo "FAILED: kerberos-demo as nobody"
		fi
	fi
else
	echo "build failed"; failed=$((failed + 1))
fi

if setup build-asan -Db_sanitize=address,undefined -Db_lundef=false; then
	# Full malloc stacks, so the one Heimdal leak suppressed in
	# tests/fixtures/lsan.supp is matched by its caller and nothing broader.
	export ASAN_OPTIONS=fast_unwind_on_malloc=0
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	export LSAN_OPTIONS="suppressions=$(pwd)/tests/fixtures/lsan.supp"
	run "Check suites with ASan and UBSan" meson test -C build-asan --print-errorlogs
	unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
else
	echo "sanitizer build failed"; failed=$((failed + 1))
fi

# The threaded suites with ThreadSanitizer: the library instrumented, the
# stress test (every package, shared credentials, encrypt while decrypt),
# the two-process/two-thread Kerberos suite, Negotiate, the per-thread last
# error, the handle table, NTLM (a context deleted while two threads seal
# on it) and the ticket cache mirror (handshakes while kinit replaces the
# file). Heimdal itself is not instrumented.
if meson setup build-tsan -Db_sanitize=thread -Db_lundef=false -Dwinpr_probe=disabled \
	>/dev/null 2>&1 || meson setup --reconfigure build-tsan -Db_sanitize=thread \
	-Db_lundef=false -Dwinpr_probe=disabled >/dev/null 2>&1; then
	if meson compile -C build-tsan tests/unit/test_stress tests/unit/test_kerberos_peers \
		tests/unit/test_negotiate tests/unit/test_registry tests/unit/test_handles \
		tests/unit/test_ntlm tests/unit/test_impersonation tests/unit/test_ccache_mirror \
		>/dev/null; then
		export TSAN_OPTIONS=halt_on_error=1
		run "Threaded suites with ThreadSanitizer" meson test -C build-tsan --no-rebuild \
			stress kerberos_peers negotiate registry handles ntlm impersonation ccache_mirror \
			--print-errorlogs
		unset TSAN_OPTIONS
	else
		echo "ThreadSanitizer build failed"; failed=$((failed + 1))
	fi
else
	echo "ThreadSanitizer setup failed"; failed=$((failed + 1))
fi

# Fuzz targets: clang's libFuzzer with ASan and UBSan, the library itself
# instrumented for coverage; a bounded, seeded run per target
# (-Dfuzz_runs, docs/fuzzing.md for longer campaigns).
fuzz_build() {
	command -v clang >/dev/null 2>&1 || return 1
	export CC=clang
	setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link
	rc=$?
	unset CC
	return $rc
}
if fuzz_build; then
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	run "Fuzz targets (libFuzzer, ASan, UBSan)" meson test -C build-fuzz --suite fuzz --print-errorlogs
	unset UBSAN_OPTIONS
else
	echo "fuzz build failed (clang with libFuzzer needed)"; failed=$((failed + 1))
fi

echo "== install and pkg-config"
if tests/packaging/install-check.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "== CMake consumer (find_package)"
if tests/packaging/cmake-check.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "== as a meson subproject"
if tests/packaging/subproject-check.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo "== Debian packages"
if tests/packaging/deb-check.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo
echo "all: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
