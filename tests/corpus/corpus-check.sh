#!/bin/sh
# The corpus of unchanged SSPI sources (this folder: Microsoft's sockets
# sample shape, C and C++, ANSI and UNICODE, each also with the SDK's
# unsigned long attribute and QOP variables) over loopback against a
# throwaway realm: for Kerberos, NTLM and Negotiate, each build's client
# with each build's own server, the client authenticating with its
# password; the server impersonates the client as the local account
# nobody (SSPI_GSS_ACCOUNT_MAP) when it runs as root. The unsigned long
# builds are also made here with gcc, clang, g++ and clang++ (those on the
# machine), as meson makes them with the project's compilers only.
#
#   corpus-check.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(cd "$here/../fixtures" && pwd)
root=$(cd "$1" && pwd)
build=$root/tests/corpus
dir=$(mktemp -d)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	sh "$fixtures/realm.sh" stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
. "$fixtures/interop-lib.sh"

sh "$fixtures/realm.sh" up "$dir" || exit 1
for line in $(sh "$fixtures/realm.sh" env "$dir"); do export "$line"; done
printf 'SSPI.TEST:alice:Alice-Pass-1\n' >"$dir/users"
export NTLM_USER_FILE="$dir/users"
printf 'alice@SSPI.TEST nobody\nSSPI.TEST\\alice nobody\n' >"$dir/accounts"
export SSPI_GSS_ACCOUNT_MAP="$dir/accounts"
if [ "$(id -u)" = 0 ]; then
	impersonated='Client connected as: nobody'
else
	impersonated='Impersonate failed: 0x8009030b'
fi

# SDK_LITERAL_ULONG: the variables are unsigned long, 64 bits here, and the
# C builds take GCC 14's default -Werror=incompatible-pointer-types. A
# sanitizer-instrumented library needs its own compiler's runtime in the
# program: against one, these builds are compiled only, not linked or run.
mkdir "$dir/bin"
literal_builds=""
lib=$root/sspi-gss
if nm -D "$lib/libsspi-gss.so" | grep -Eq ' U __(asan|tsan|ubsan|msan)_'; then
	echo "skipped: running the gcc/clang SDK-literal builds (the library is built with a sanitizer; compiled only)"
	link=no
else
	link=yes
fi
for compiler in gcc clang g++ clang++; do
	if ! command -v "$compiler" >/dev/null 2>&1; then
		echo "skipped: SDK-literal corpus build with $compiler (not installed)"
		continue
	fi
	case $compiler in
	g++) label=gcc_cpp suffix=_cpp.cpp flags="" ;;
	clang++) label=clang_cpp suffix=_cpp.cpp flags="" ;;
	*) label=$compiler suffix=.c
		flags="-std=c11 -D_GNU_SOURCE -Werror=incompatible-pointer-types" ;;
	esac
	for variant in ansi unicode; do
		unicode=""
		[ "$variant" = unicode ] && unicode="-DUNICODE -D_UNICODE"
		lname=${label}_${variant}_ulong
		for role in client server; do
			# shellcheck disable=SC2086
			set -- $flags -Wall -Wextra -Werror -DSDK_LITERAL_ULONG $unicode \
				-I"$here/compat" -I"$here/../../include" -I"$root/include"
			out=$dir/bin/corpus_${role}_$lname
			if [ "$link" = yes ]; then
				"$compiler" "$@" -o "$out" "$here/$role$suffix" \
					"$here/comm$suffix" -L"$lib" -lsspi-gss -Wl,-rpath,"$lib"
			else
				"$compiler" "$@" -c -o "$out.o" "$here/$role$suffix"
			fi >"$dir/$lname-$role.build" 2>&1
			rc=$?
			built() { [ "$rc" -eq 0 ] || { cat "$dir/$lname-$role.build"; return 1; }; }
			check "corpus $lname: $role builds with $compiler" built
		done
		[ "$link" = yes ] && literal_builds="$literal_builds $lname"
	done
done

builds=0
for build_name in c_ansi c_unicode cpp_ansi cpp_unicode c_ansi_ulong c_unicode_ulong \
	cpp_ansi_ulong cpp_unicode_ulong $literal_builds; do
	if [ -x "$build/corpus_client_$build_name" ]; then
		bin=$build
	elif [ -x "$dir/bin/corpus_client_$build_name" ]; then
		bin=$dir/bin
	else
		continue
	fi
	builds=$((builds + 1))
	for package in Kerberos NTLM Negotiate; do
		case $package in
		NTLM) who='SSPI.TEST\\alice' chosen='package: NTLM' ;;
		Kerberos) who='alice@SSPI.TEST' chosen='package: Kerberos' ;;
		Negotiate) who='alice@SSPI.TEST' chosen='negotiated package: Kerberos' ;;
		esac
		logp=$dir/$build_name-$package
		port=$(free_port)
		start_server "$logp.server" "$bin/corpus_server_$build_name" "$port" "$package" ||
			exit 1
		"$bin/corpus_client_$build_name" localhost "$port" "$package" HTTP/localhost \
			alice SSPI.TEST Alice-Pass-1 >"$logp.client" 2>&1
		client_rc=$?
		stop_server
		run() {
			[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
				has "$logp.client" "$chosen" &&
				has "$logp.client" 'verified: This is your server speaking' &&
				has "$logp.client" 'decrypted: This is your server speaking' &&
				has "$logp.server" "client: $who" &&
				has "$logp.server" "$impersonated" &&
				has "$logp.server" 'client says: thanks, bye!' &&
				has "$logp.client" '^done$' && has "$logp.server" '^done$'
		}
		check "corpus $build_name: client -> server, $package" run
	done
done
[ "$builds" -ge 4 ] || { echo "FAILED: only $builds corpus builds found"; failed=1; }
exit $failed
