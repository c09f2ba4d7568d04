#!/bin/sh
# Kerberos interoperability with peers we did not write, on loopback, in a
# throwaway realm (tests/fixtures/realm.sh):
#   1. our SSPI client  -> MIT krb5 gss-server (keytab from the realm)
#   2. MIT gss-client   -> our SSPI server
#   3. our client       -> our server, two processes: default, DCE style,
#                          integrity only
#   4. our server with its clock 2 hours behind -> the client gets
#      SEC_E_TIME_SKEW (the server runs under faketime); through Negotiate
#      too, with no fallback to NTLM
#   5. Negotiate: our client -> MIT gss-server's SPNEGO acceptor, and MIT
#      gss-client -spnego -> our Negotiate server
# Every process is started here and stopped by PID on exit.
# SSPI_GSS_SAMPLE_WRAPPER (e.g. "valgrind --error-exitcode=99 ...") runs our
# programs under a checker; a checker's error fails the case.
#
#   interop-mit.sh SSPI_GSS_SAMPLE
set -u
sample=$1
wrap=${SSPI_GSS_SAMPLE_WRAPPER:-}
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
for tool in gss-client gss-server faketime python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "interop-mit: $tool not installed (tools/install-deps.sh): skipped"
		exit 77
	fi
done

. "$fixtures/interop-lib.sh"
dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-gss-interop-XXXXXX")
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	sh "$fixtures/realm.sh" stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

sh "$fixtures/realm.sh" up "$dir" || exit 1
for line in $(sh "$fixtures/realm.sh" env "$dir"); do export "$line"; done
export KRB5CCNAME="FILE:$dir/ccache"

# 1. Our client to MIT's gss-server.
port=$(free_port)
start_server "$dir/mit-server.log" gss-server -port "$port" -once \
	-keytab "$dir/service.keytab" host@localhost
$wrap "$sample" client -port "$port" -mcount 3 -user alice -pass Alice-Pass-1 \
	localhost host/localhost "sealed by sspi-gss" >"$dir/our-client.log" 2>&1
client_rc=$?
stop_server
case1() {
	[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
		has "$dir/mit-server.log" 'Accepted connection: "alice@SSPI.TEST"' &&
		[ "$(count "$dir/mit-server.log" 'Received message: "sealed by sspi-gss"')" -eq 3 ] &&
		[ "$(count "$dir/our-client.log" 'Signature verified.')" -eq 3 ]
}
check "sspi-gss client -> MIT gss-server: handshake, 3 sealed messages, MICs back" case1

# 1b. The same without mutual authentication, with sequence detection:
# no AP-REP, so MIT's acceptor numbers its MICs from our first number;
# our client takes them, on the fast path and on Heimdal's.
for fast in 1 0; do
	port=$(free_port)
	start_server "$dir/mit-server-nm$fast.log" gss-server -port "$port" -once \
		-keytab "$dir/service.keytab" host@localhost
	SSPI_GSS_KRB5_FASTPATH=$fast $wrap "$sample" client -nomutual -port "$port" -mcount 3 \
		-user alice -pass Alice-Pass-1 localhost host/localhost "not mutual" \
		>"$dir/our-client-nm$fast.log" 2>&1
	client_rc=$?
	stop_server
	case1b() {
		[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
			[ "$(count "$dir/mit-server-nm$fast.log" 'Received message: "not mutual"')" -eq 3 ] &&
			[ "$(count "$dir/our-client-nm$fast.log" 'Signature verified.')" -eq 3 ]
	}
	check "sspi-gss client without mutual auth -> MIT gss-server: 3 MICs back in sequence (fast path $fast)" case1b
done

# 2. MIT's gss-client to our server.
port=$(free_port)
start_server "$dir/our-server.log" $wrap "$sample" server -port "$port" -once
gss-client -port "$port" -mcount 2 -user alice -pass Alice-Pass-1 \
	localhost host@localhost "sealed by MIT" >"$dir/mit-client.log" 2>&1
client_rc=$?
stop_server
case2() {
	[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
		has "$dir/our-server.log" 'Accepted connection: "alice@SSPI.TEST"' &&
		[ "$(count "$dir/our-server.log" 'Received message: "sealed by MIT"')" -eq 2 ] &&
		[ "$(count "$dir/mit-client.log" 'Signature verified.')" -eq 2 ]
}
check "MIT gss-client -> sspi-gss server: handshake, 2 sealed messages, MICs back" case2

# 2b. MIT's gss-client without mutual authentication, with sequence
# detection: our acceptor numbers from its first number, as MIT expects.
port=$(free_port)
start_server "$dir/our-server-nm.log" $wrap "$sample" server -port "$port" -once
gss-client -port "$port" -seq -nomutual -mcount 2 -user alice -pass Alice-Pass-1 \
	localhost host@localhost "MIT, not mutual" >"$dir/mit-client-nm.log" 2>&1
client_rc=$?
stop_server
case2b() {
	[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
		[ "$(count "$dir/our-server-nm.log" 'Received message: "MIT, not mutual"')" -eq 2 ] &&
		[ "$(count "$dir/mit-client-nm.log" 'Signature verified.')" -eq 2 ]
}
check "MIT gss-client -seq -nomutual -> sspi-gss server: 2 MICs back in sequence" case2b

# 3. Our client and server, two processes.
for variant in "" "-dce" "-nx"; do
	port=$(free_port)
	start_server "$dir/server$variant.log" $wrap "$sample" server -port "$port" -once
	# shellcheck disable=SC2086
	$wrap "$sample" client -port "$port" $variant -user alice -pass Alice-Pass-1 \
		localhost HTTP/localhost "two processes $variant" >"$dir/client$variant.log" 2>&1
	client_rc=$?
	stop_server
	case3() {
		[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
			has "$dir/client$variant.log" 'Signature verified.' &&
			has "$dir/server$variant.log" "Received message: \"two processes $variant\""
	}
	check "sspi-gss client -> sspi-gss server ${variant:-(default)}" case3
done
dce() { has "$dir/client-dce.log" USED_DCE_STYLE && has "$dir/server-dce.log" USED_DCE_STYLE; }
check "DCE style reported on both sides" dce

# 4. Clock skew: the server's clock is two hours behind the KDC's and the
# client's, so the ticket is not yet valid for it; it answers with a
# KRB-ERROR and the client reports SEC_E_TIME_SKEW. (faketime preloads a
# library: a sanitizer build must not insist on coming first.)
port=$(free_port)
ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" start_server "$dir/skew-server.log" \
	faketime -f "-2h" "$sample" server -port "$port" -once
$wrap "$sample" client -port "$port" -user alice -pass Alice-Pass-1 \
	localhost HTTP/localhost "skewed" >"$dir/skew-client.log" 2>&1
client_rc=$?
stop_server
skew() {
	[ "$client_rc" -eq 1 ] && has "$dir/skew-client.log" 'InitializeSecurityContext: SEC_E_TIME_SKEW'
}
check "skewed server clock -> client gets SEC_E_TIME_SKEW" skew

# 4b. The same through Negotiate, NTLM at hand on both sides: the skew is
# reported, not hidden behind NTLM (Windows does not fall back either).
printf 'SSPI.TEST:alice:Alice-Pass-1\n' >"$dir/users"
chmod 600 "$dir/users"
port=$(free_port)
NTLM_USER_FILE=$dir/users ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
	start_server "$dir/skew-nego-server.log" faketime -f "-2h" "$sample" server -port "$port" \
	-once -package Negotiate
$wrap "$sample" client -port "$port" -package Negotiate -user alice -domain SSPI.TEST \
	-pass Alice-Pass-1 localhost HTTP/localhost "skewed" >"$dir/skew-nego-client.log" 2>&1
client_rc=$?
stop_server
skew_nego() {
	[ "$client_rc" -eq 1 ] &&
		has "$dir/skew-nego-client.log" 'InitializeSecurityContext: SEC_E_TIME_SKEW' &&
		not_has "$dir/skew-nego-server.log" 'NTLM'
}
check "Negotiate, skewed server clock -> SEC_E_TIME_SKEW, no NTLM fallback" skew_nego

# 4c. The server's clock ten minutes ahead: the ticket is valid for it, the
# authenticator too old, so Heimdal's client takes the server's time from
# the KRB-ERROR and sends the AP-REQ again. The second AP-REQ must claim
# what the application asked for (authentication only: neither
# confidentiality nor integrity), as the first does.
port=$(free_port)
ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" start_server \
	"$dir/skew-retry-server.log" faketime -f "+10m" "$sample" server -port "$port" -once
$wrap "$sample" client -port "$port" -nw -nm -user alice -pass Alice-Pass-1 \
	localhost HTTP/localhost "retried" >"$dir/skew-retry-client.log" 2>&1
client_rc=$?
stop_server
skew_retry() {
	[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
		has "$dir/skew-retry-server.log" '^flags: ' &&
		not_has "$dir/skew-retry-server.log" '^flags: .*CONFIDENTIALITY' &&
		not_has "$dir/skew-retry-server.log" '^flags: .*INTEGRITY'
}
check "server clock ahead: the retried AP-REQ claims only what was asked" skew_retry

# 5. SPNEGO both ways: MIT's acceptor takes SPNEGO with its default
# credentials; MIT's gss-client speaks it with -spnego.
port=$(free_port)
start_server "$dir/mit-spnego-server.log" gss-server -port "$port" -once \
	-keytab "$dir/service.keytab" host@localhost
$wrap "$sample" client -port "$port" -package Negotiate -mcount 2 -user alice \
	-pass Alice-Pass-1 localhost host/localhost "negotiated by sspi-gss" \
	>"$dir/our-nego-client.log" 2>&1
client_rc=$?
stop_server
case5a() {
	[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
		has "$dir/mit-spnego-server.log" 'Accepted connection: "alice@SSPI.TEST"' &&
		[ "$(count "$dir/mit-spnego-server.log" 'Received message: "negotiated by sspi-gss"')" -eq 2 ] &&
		[ "$(count "$dir/our-nego-client.log" 'Signature verified.')" -eq 2 ]
}
check "sspi-gss Negotiate client -> MIT gss-server (SPNEGO): 2 sealed messages, MICs back" case5a

port=$(free_port)
start_server "$dir/our-nego-server.log" $wrap "$sample" server -port "$port" -once \
	-package Negotiate
gss-client -port "$port" -spnego -mcount 2 -user alice -pass Alice-Pass-1 \
	localhost host@localhost "negotiated by MIT" >"$dir/mit-spnego-client.log" 2>&1
client_rc=$?
stop_server
case5b() {
	[ "$client_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] &&
		has "$dir/our-nego-server.log" 'Accepted connection: "alice@SSPI.TEST"' &&
		[ "$(count "$dir/our-nego-server.log" 'Received message: "negotiated by MIT"')" -eq 2 ] &&
		[ "$(count "$dir/mit-spnego-client.log" 'Signature verified.')" -eq 2 ]
}
check "MIT gss-client -spnego -> sspi-gss Negotiate server: 2 sealed messages, MICs back" case5b

exit $failed
