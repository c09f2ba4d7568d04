#!/bin/sh
# The corpus of unchanged SSPI sources (tests/corpus/: Microsoft's sockets
# sample shape, C and C++, ANSI and UNICODE) over loopback against a
# throwaway realm: for Kerberos, NTLM and Negotiate, each build's client
# with each build's own server, the client authenticating with its
# password; the server impersonates the client as the local account
# nobody (SSPI_GSS_ACCOUNT_MAP) when it runs as root.
#
#   corpus-check.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)/tests/corpus
dir=$(mktemp -d)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	sh "$here/realm.sh" stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
. "$here/interop-lib.sh"

sh "$here/realm.sh" up "$dir" || exit 1
for line in $(sh "$here/realm.sh" env "$dir"); do export "$line"; done
printf 'SSPI.TEST:alice:Alice-Pass-1\n' >"$dir/users"
export NTLM_USER_FILE="$dir/users"
printf 'alice@SSPI.TEST nobody\nSSPI.TEST\\alice nobody\n' >"$dir/accounts"
export SSPI_GSS_ACCOUNT_MAP="$dir/accounts"
if [ "$(id -u)" = 0 ]; then
	impersonated='Client connected as: nobody'
else
	impersonated='Impersonate failed: 0x8009030b'
fi

builds=0
for build_name in c_ansi c_unicode cpp_ansi cpp_unicode; do
	[ -x "$build/corpus_client_$build_name" ] || continue
	builds=$((builds + 1))
	for package in Kerberos NTLM Negotiate; do
		case $package in
		NTLM) who='SSPI.TEST\\alice' chosen='package: NTLM' ;;
		Kerberos) who='alice@SSPI.TEST' chosen='package: Kerberos' ;;
		Negotiate) who='alice@SSPI.TEST' chosen='negotiated package: Kerberos' ;;
		esac
		logp=$dir/$build_name-$package
		port=$(free_port)
		start_server "$logp.server" "$build/corpus_server_$build_name" "$port" "$package" ||
			exit 1
		"$build/corpus_client_$build_name" localhost "$port" "$package" HTTP/localhost \
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
[ "$builds" -ge 2 ] || { echo "FAILED: only $builds corpus builds found"; failed=1; }
exit $failed
