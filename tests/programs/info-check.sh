#!/bin/sh
# sspi-gss-info --check against a throwaway realm: what it reports for a
# working setup, and that each broken piece (unknown target, KDC down, no
# tickets, unreadable user file, missing configuration) is named, with the
# exit status scripts rely on (0 fine, 3 a problem, 1 usage).
#
#   info-check.sh SSPI_GSS_INFO
set -u
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
info=$1
dir=$(mktemp -d)
cleanup() {
	sh "$fixtures/realm.sh" stop "$dir" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
. "$fixtures/interop-lib.sh"

sh "$fixtures/realm.sh" up "$dir" || exit 1
eval "$(sh "$fixtures/realm.sh" env "$dir" | sed 's/^/export /')"
printf 'SSPI:alice:Alice-Pass-1\n# a comment\nnot a user line\n' >"$dir/users"
export NTLM_USER_FILE="$dir/users"
port=$(cat "$dir/port")
for _ in $(seq 50); do
	"$info" --check Kerberos >/dev/null 2>&1 && break
	sleep 0.1
done

# run NAME STATUS ARGS...: the tool's output goes to $dir/NAME.
run() {
	out=$1 want=$2
	shift 2
	"$info" "$@" >"$dir/$out" 2>&1
	rc=$?
	[ "$rc" -eq "$want" ] && return 0
	echo "--- sspi-gss-info $*: exit $rc, expected $want"; cat "$dir/$out"; return 1
}

check "all packages, no tickets: warnings only" run all 0 --check
check "  the realm's configuration" has "$dir/all" "ok    Kerberos configuration file $dir/krb5.conf"
check "  the default realm" has "$dir/all" "ok    default realm SSPI.TEST"
check "  the KDC answers" has "$dir/all" "ok    KDC 127.0.0.1:$port of SSPI.TEST accepts connections"
check "  no tickets, and what to do" has "$dir/all" "warn  no tickets in FILE:$dir/ccache"
check "  the keytab's principals" has "$dir/all" "keytab FILE:$dir/service.keytab: 9 keys for HTTP/localhost@SSPI.TEST"
check "  the NTLM user file" has "$dir/all" "ok    NTLM user file $dir/users: 1 user"
check "  its bad line" has "$dir/all" "1 line is not DOMAIN:user:password (first: line 3)"

kinit --password-file="$dir/alice.password" alice@SSPI.TEST || exit 1
check "Kerberos handshake with HTTP/localhost" run krb 0 --check Kerberos --target HTTP/localhost
check "  the tickets" has "$dir/krb" "ok    tickets for alice@SSPI.TEST in FILE:$dir/ccache, valid until"
check "  a service ticket" has "$dir/krb" "a service ticket was issued"
check "  the loopback handshake" has "$dir/krb" "loopback handshake with HTTP/localhost completed"
check "  the client's name" has "$dir/krb" "the server sees the client as alice@SSPI.TEST"
check "  no NTLM section" sh -c "! grep -q '^NTLM' '$dir/krb'"

check "NTLM handshake" run ntlm 0 --check ntlm --target HTTP/localhost
check "  as the domain's user" has "$dir/ntlm" 'the server sees the client as SSPI\\alice'
check "  no Kerberos section" sh -c "! grep -q '^Kerberos' '$dir/ntlm'"

check "unknown target: a problem" run unknown 3 --check Kerberos --target HTTP/nowhere
check "  named, with the fix" has "$dir/unknown" "SEC_E_TARGET_UNKNOWN: Server (HTTP/nowhere@SSPI.TEST) unknown"
check "  register it" has "$dir/unknown" "fix: the KDC does not know the target"

check "Negotiate handshake" run nego 0 --check Negotiate --target HTTP/localhost
SSPI_GSS_TRACE=$dir/fallback.trace "$info" --check Negotiate --target HTTP/nowhere >/dev/null 2>&1
check "Negotiate falls back for an unknown target, and the trace says why" has "$dir/fallback.trace" \
	"note: Negotiate: Kerberos passed over at its first step: SEC_E_TARGET_UNKNOWN"
check "  both packages checked" has "$dir/nego" "ok    NTLM user file"
check "  completed" has "$dir/nego" "Negotiate: loopback handshake with HTTP/localhost completed"

printf 'only-a-name\n' >"$dir/badusers"
NTLM_USER_FILE=$dir/badusers
check "a user file with no user: a problem" run badusers 3 --check NTLM
check "  named" has "$dir/badusers" "FAIL  NTLM user file $dir/badusers names no user"
NTLM_USER_FILE=$dir/none
check "a missing user file: a problem" run nousers 3 --check NTLM
check "  named" has "$dir/nousers" "FAIL  NTLM_USER_FILE $dir/none cannot be read: No such file or directory"
printf 'SSPI:alice:Alice-Pass-1\n' >"$dir/openusers"
chmod 666 "$dir/openusers"
NTLM_USER_FILE=$dir/openusers
check "a user file others may write: a problem" run openusers 3 --check NTLM
check "  named, with why" has "$dir/openusers" "FAIL  NTLM_USER_FILE $dir/openusers is refused: others may write it"
NTLM_USER_FILE=$dir/users

# The KDC backend: no user file, the service's tickets instead.
kinit.heimdal -k -t "$dir/service.keytab" --cache="FILE:$dir/svc.cc" host/localhost@SSPI.TEST
unset NTLM_USER_FILE
export NTLM_ACCEPTOR_CCACHE=FILE:$dir/svc.cc
check "NTLM on the KDC backend" run ntlmkdc 0 --check NTLM
check "  the service's principal" has "$dir/ntlmkdc" \
	"ok    NTLM servers ask the KDC's digest service as host/localhost@SSPI.TEST"
NTLM_ACCEPTOR_CCACHE=FILE:$dir/nocache
check "NTLM on the KDC backend, no tickets: a problem" run ntlmkdc2 3 --check NTLM
check "  named" has "$dir/ntlmkdc2" "FAIL  NTLM_ACCEPTOR_CCACHE FILE:$dir/nocache holds no tickets"
unset NTLM_ACCEPTOR_CCACHE
export NTLM_USER_FILE=$dir/users

# The account map, checked as the library reads it.
printf 'alice@SSPI.TEST alice\nSSPI\\alice alice # a comment\n\n* :package\n' >"$dir/accounts"
chmod 644 "$dir/accounts"
export SSPI_GSS_ACCOUNT_MAP="$dir/accounts"
check "account map" run map 0 --check NTLM
check "  its clients and its '*' line" has "$dir/map" \
	"ok    account map $dir/accounts: 2 clients named, the others by the package's rule (line 4)"
chmod 666 "$dir/accounts"
check "account map others may write: a problem" run map2 3 --check NTLM
check "  named" has "$dir/map2" "FAIL  SSPI_GSS_ACCOUNT_MAP $dir/accounts is refused: others may write it"
unset SSPI_GSS_ACCOUNT_MAP

sh "$fixtures/realm.sh" stop "$dir"
check "KDC stopped: a problem" run down 3 --check Kerberos
check "  the refused connection" has "$dir/down" "KDC 127.0.0.1:$port of SSPI.TEST: Connection refused"
check "  and its consequence" has "$dir/down" "FAIL  no KDC of SSPI.TEST answers"

KRB5_CONFIG=$dir/missing.conf
check "no configuration file: a problem" run noconf 3 --check Kerberos
check "  named" has "$dir/noconf" "warn  no Kerberos configuration file could be read (looked at $dir/missing.conf)"
check "  and so no realm" has "$dir/noconf" "FAIL  no default realm"

check "usage: --target alone" run usage1 1 --target HTTP/localhost
check "usage: unknown package" run usage2 1 --check Bogus
check "  named" has "$dir/usage2" "no package named 'Bogus'"

if [ "$failed" -eq 0 ]; then echo "info-check: all passed"; else echo "info-check: FAILED"; fi
exit "$failed"
