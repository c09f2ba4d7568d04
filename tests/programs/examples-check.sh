#!/bin/sh
# The documentation's client and server (docs/examples/), built unchanged
# with and without UNICODE, over loopback against a throwaway realm: each
# package, each build, the client authenticating with its password; all
# of it traced, and the trace free of secrets.
#
#   examples-check.sh BUILD_DIR
set -u
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
build=$(cd "$1" && pwd)/docs/examples
dir=$(mktemp -d)
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
# The server impersonates alice as the local account nobody (a name every
# Debian system has); without root it may not, and must say so.
printf 'alice@SSPI.TEST nobody\nSSPI.TEST\\alice nobody\n' >"$dir/accounts"
export SSPI_GSS_ACCOUNT_MAP="$dir/accounts"
if [ "$(id -u)" = 0 ]; then
	impersonated='Client connected as: nobody'
else
	impersonated='Impersonate failed: 0x8009030B'
fi
# Every call of every run is traced: no secret may show up in the trace.
export SSPI_GSS_TRACE="$dir/trace"

for variant in ansi unicode; do
	# Negotiate twice: Kerberos for the SPN, NTLM for an address (Kerberos
	# is left aside for those, as Windows does).
	for case in Kerberos NTLM Negotiate Negotiate-address; do
		package=${case%-address}
		case $case in
		Kerberos | Negotiate) who='alice@SSPI.TEST' target=HTTP/localhost ;;
		NTLM) who='SSPI.TEST\\alice' target=HTTP/localhost ;;
		Negotiate-address) who='SSPI.TEST\\alice' target=HTTP/127.0.0.1 ;;
		esac
		logp=$dir/$variant-$case
		port=$(free_port)
		start_server "$logp.server" "$build/example_server_$variant" "$port" "$package" || exit 1
		"$build/example_client_$variant" "$port" "$package" "$target" alice SSPI.TEST \
			Alice-Pass-1 >"$logp.client" 2>&1
		client_rc=$?
		stop_server
		run() {
			[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
				has "$logp.client" 'verified: This is your server speaking' &&
				has "$logp.client" 'decrypted: This is your server speaking' &&
				has "$logp.server" "client: $who" &&
				has "$logp.server" "$impersonated" &&
				has "$logp.server" 'client says: thanks, bye!'
		}
		check "example client -> example server, $case ($target), $variant" run
	done
done
# alice's password, and her NT hash (MD4 of it in UTF-16LE) in the forms
# an NTLM user file or a debug print would have.
no_secrets() {
	has "$dir/trace" 'AcquireCredentialsHandleA(NTLM, principal null, use 2, identity) = SEC_E_OK' &&
		has "$dir/trace" 'AcquireCredentialsHandleW(Negotiate' &&
		has "$dir/trace" 'note: Negotiate: Kerberos passed over: the target HTTP/127.0.0.1 is an address' &&
		! grep -qi -e 'Alice-Pass-1' -e 'be2929b503cf53fe397f467acb5f2501' "$dir/trace"
}
check "no password or NT hash in the trace of all these runs" no_secrets
exit $failed
