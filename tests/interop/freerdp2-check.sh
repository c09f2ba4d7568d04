#!/bin/sh
# FreeRDP's server path through our library: Debian's freerdp-shadow-cli
# (FreeRDP 2.11, built against WinPR) with libsspi-gss preloaded, under
# Xvfb, and Debian's xfreerdp (WinPR's own NTLM) as the client, NLA only
# (+auth-only), all on loopback, every process stopped by PID. FreeRDP's
# server calls ImpersonateSecurityContext after CredSSP and drops the
# client when it fails:
#   - the client mapped to a local account (SSPI_GSS_ACCOUNT_MAP: nobody):
#     authentication passes, the trace shows the impersonation and revert;
#   - no local account for the client: SEC_E_NO_IMPERSONATION, refused;
#   - a wrong password: SEC_E_LOGON_DENIED, refused.
# SKIPPED (exit 77) when FreeRDP 2 or Xvfb is not installed.
#
#   freerdp2-check.sh LIBSSPI_GSS
set -u
lib=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
for p in freerdp-shadow-cli xfreerdp Xvfb; do
	if ! command -v "$p" >/dev/null 2>&1; then
		echo "freerdp2-check: SKIPPED ($p is not installed: packages freerdp2-x11 freerdp2-shadow-x11 xvfb)"
		exit 77
	fi
done
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
dir=$(mktemp -d)
server_pid=""
xvfb_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
. "$fixtures/interop-lib.sh"
# In a sanitizer build the preloaded library comes before the sanitizer
# runtime on purpose, and FreeRDP's own leaks are not ours.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:verify_asan_link_order=0"

# Xvfb picks a free display itself and writes its number to fd 3.
Xvfb -displayfd 3 -screen 0 800x600x24 -nolisten tcp -noreset 3>"$dir/display" >"$dir/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$dir/display" ] && break; sleep 0.1; done
n=$(cat "$dir/display")
[ -n "$n" ] || { echo "Xvfb did not start"; cat "$dir/xvfb.log"; exit 1; }
export DISPLAY=":$n" HOME="$dir"

printf 'SSPI:alice:Alice-Pass-1\n' >"$dir/users"
chmod 600 "$dir/users"
printf 'SSPI\\alice nobody\n' >"$dir/accounts"

# session NAME PASSWORD [MAP]: one NLA session; sets client_rc.
session() {
	name=$1 password=$2 map=${3:-}
	# The server is up when its port listens (its log is written only at
	# exit); one that could not start (a display or a port another
	# program took first) is started again.
	for _ in 1 2 3 4 5; do
		port=$(free_port)
		env NTLM_USER_FILE="$dir/users" SSPI_GSS_ACCOUNT_MAP="$map" \
			SSPI_GSS_TRACE="$dir/$name.trace" LD_PRELOAD="$lib" \
			freerdp-shadow-cli /port:"$port" /sec:nla >"$dir/$name.server" 2>&1 &
		server_pid=$!
		up=no
		for _ in $(seq 100); do
			ss -ltn "sport = :$port" | grep -q LISTEN && up=yes && break
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		[ "$up" = yes ] && break
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
		sleep 0.5
	done
	timeout 30 xfreerdp /v:127.0.0.1:"$port" /u:alice /p:"$password" /d:SSPI /cert:ignore \
		+auth-only /sec:nla >"$dir/$name.client" 2>&1
	client_rc=$?
	kill "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=""
}

# On a failed check: what both sides said.
logs() {
	for f in "$dir/$1.client" "$dir/$1.server"; do echo "--- $f"; tail -20 "$f"; done
	return 1
}

session mapped Alice-Pass-1 "$dir/accounts"
mapped() {
	[ "$client_rc" -eq 0 ] &&
		has "$dir/mapped.trace" 'AcceptSecurityContext(Negotiate, continued.*= SEC_E_OK' &&
		has "$dir/mapped.trace" 'ImpersonateSecurityContext(as nobody) = SEC_E_OK' &&
		has "$dir/mapped.trace" 'RevertSecurityContext() = SEC_E_OK' || logs mapped
}
check "FreeRDP 2 server (preloaded): NLA, impersonation of alice (domain SSPI) as nobody" mapped

session unmapped Alice-Pass-1
unmapped() {
	[ "$client_rc" -ne 0 ] &&
		has "$dir/unmapped.trace" 'ImpersonateSecurityContext() = SEC_E_NO_IMPERSONATION' &&
		not_has "$dir/unmapped.trace" 'ImpersonateSecurityContext(as' || logs unmapped
}
check "FreeRDP 2 server (preloaded): no local account, SEC_E_NO_IMPERSONATION, client refused" unmapped

session wrong not-the-password "$dir/accounts"
wrong() {
	[ "$client_rc" -ne 0 ] &&
		has "$dir/wrong.trace" 'AcceptSecurityContext(Negotiate, continued.*= SEC_E_LOGON_DENIED' &&
		not_has "$dir/wrong.trace" 'ImpersonateSecurityContext' || logs wrong
}
check "FreeRDP 2 server (preloaded): wrong password, SEC_E_LOGON_DENIED" wrong
exit $failed
