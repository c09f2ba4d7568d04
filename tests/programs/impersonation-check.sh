#!/bin/sh
# The documentation's server (docs/examples/server.c, Microsoft's sockets
# sample shape: authenticate, ImpersonateSecurityContext, GetUserName, read
# a file as the client, RevertSecurityContext, seal a reply) over loopback,
# with local accounts that exist only in this script's mount namespace:
# copies of /etc/passwd and /etc/group with alice (4201, in sspi-staff) and
# bob (4202) are bound over the real ones, which are never written.
#
#   - as root, for a Kerberos, an NTLM and a Negotiate client: the server
#     becomes alice, reads the file only alice may read, reverts;
#   - unprivileged (the server runs as bob): SEC_E_NO_IMPERSONATION, and
#     the session still completes.
# Needs root and unshare(1): otherwise SKIPPED (exit 77).
#
#   impersonation-check.sh BUILD_DIR
set -u
if [ -z "${SSPI_GSS_IMP_NS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
		echo "impersonation-check: SKIPPED (needs root and a private mount namespace)"
		exit 77
	fi
	SSPI_GSS_IMP_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
build=$(cd "$1" && pwd)/docs/examples
dir=$(mktemp -d)
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	sh "$fixtures/realm.sh" stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
. "$fixtures/interop-lib.sh"

# The machine's own entries of these names or ids are left out, so a local
# user alice cannot take the test's place.
grep -Ev '^(alice|bob):|^[^:]*:[^:]*:(4201|4202):' /etc/passwd >"$dir/passwd" &&
	grep -Ev '^(alice|bob|sspi-staff):|^[^:]*:[^:]*:(4201|4202|4300):' /etc/group >"$dir/group" ||
	exit 1
printf 'alice:x:4201:4201::/nonexistent:/bin/false\nbob:x:4202:4202::/nonexistent:/bin/false\n' \
	>>"$dir/passwd"
printf 'alice:x:4201:\nbob:x:4202:\nsspi-staff:x:4300:alice\n' >>"$dir/group"
chmod 644 "$dir/passwd" "$dir/group"
mount --bind "$dir/passwd" /etc/passwd && mount --bind "$dir/group" /etc/group || exit 1

sh "$fixtures/realm.sh" up "$dir" || exit 1
for line in $(sh "$fixtures/realm.sh" env "$dir"); do export "$line"; done
printf 'SSPI.TEST:alice:Alice-Pass-1\n' >"$dir/users"
export NTLM_USER_FILE="$dir/users"
# SSPI.TEST is not this host's own NTLM domain, so only the map makes its
# alice the local alice; the Kerberos clients go by the package's rule.
printf 'SSPI.TEST\\alice alice\n* :package\n' >"$dir/accounts"
export SSPI_GSS_ACCOUNT_MAP="$dir/accounts"
# The file only alice may read, in a directory everyone may pass.
chmod 711 "$dir"
printf "alice's own line\n" >"$dir/alice-only"
chown 4201:4201 "$dir/alice-only"
chmod 400 "$dir/alice-only"
# bob's server: his own copies of the keys and of the user file.
cp "$dir/service.keytab" "$dir/bob.keytab"
cp "$dir/users" "$dir/bob.users"
chown 4202:4202 "$dir/bob.keytab" "$dir/bob.users"

for variant in ansi unicode; do
	for package in Kerberos NTLM Negotiate; do
		case $package in
		NTLM) who='SSPI.TEST\\alice' ;;
		*) who='alice@SSPI.TEST' ;;
		esac
		logp=$dir/$variant-$package
		port=$(free_port)
		start_server "$logp.server" "$build/example_server_$variant" "$port" "$package" \
			"$dir/alice-only" || exit 1
		"$build/example_client_$variant" "$port" "$package" HTTP/localhost alice SSPI.TEST \
			Alice-Pass-1 >"$logp.client" 2>&1
		client_rc=$?
		stop_server
		as_alice() {
			[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
				has "$logp.server" "client: $who" &&
				has "$logp.server" 'Impersonation worked.' &&
				has "$logp.server" 'Client connected as: alice' &&
				has "$logp.server" "client's file: alice's own line" &&
				has "$logp.client" 'decrypted: This is your server speaking' &&
				has "$logp.server" 'client says: thanks, bye!'
		}
		check "root server impersonates the $package client as alice ($variant)" as_alice

		# The same server as bob: it may not become alice.
		logp=$dir/$variant-$package-bob
		port=$(free_port)
		start_server "$logp.server" env KRB5_KTNAME="FILE:$dir/bob.keytab" \
			NTLM_USER_FILE="$dir/bob.users" \
			setpriv --reuid=4202 --regid=4202 --clear-groups \
			"$build/example_server_$variant" "$port" "$package" "$dir/alice-only" || exit 1
		"$build/example_client_$variant" "$port" "$package" HTTP/localhost alice SSPI.TEST \
			Alice-Pass-1 >"$logp.client" 2>&1
		client_rc=$?
		stop_server
		refused() {
			[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
				has "$logp.server" 'Impersonate failed: 0x8009030B' &&
				not_has "$logp.server" 'Client connected as' &&
				not_has "$logp.server" "alice's own line" &&
				has "$logp.server" 'client says: thanks, bye!'
		}
		check "unprivileged server: SEC_E_NO_IMPERSONATION for the $package client ($variant)" refused
	done
done
exit $failed
