#!/bin/sh
# NTLM on the wire, across processes, against FreeRDP WinPR's NTLM engine:
#   1. our client -> our server (two processes, 3 sealed messages + MICs);
#   2. WinPR's client -> our server (sealed message, sealed echo back);
#   3. our client -> WinPR's server (sealed message, sealed echo back);
#   4. wrong password, each way: the server refuses (SEC_E_LOGON_DENIED);
#   K. our client -> our server on the KDC backend (a throwaway realm's
#      digest service, tests/fixtures/realm.sh): authentication only, plaintext
#      message, and a wrong password refused.
# Our server reads NTLM_USER_FILE (or, in K, asks the KDC); WinPR's reads a
# SAM file. Everything runs
# on 127.0.0.1 and stops by PID. SSPI_GSS_SAMPLE_WRAPPER (e.g. valgrind)
# runs our program under a wrapper.
#
#   interop-ntlm.sh SSPI_GSS_SAMPLE WINPR_NTLM_PEER
set -u
sample=$1
peer=${2:-}
wrap=${SSPI_GSS_SAMPLE_WRAPPER:-}
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)

. "$fixtures/interop-lib.sh"
dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-gss-ntlm-XXXXXX")
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	[ -d "$dir/realm" ] && sh "$fixtures/realm.sh" stop "$dir/realm"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# WinPR 2.11 never frees the SAM file name it copies (ntlm_ContextFree):
# its leak, not ours, so LeakSanitizer is off for the WinPR peer only.
winpr_env="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# alice's NT hash (MD4 of "Alice-Pass-1" in UTF-16LE) for WinPR's SAM.
printf 'SSPI:alice:Alice-Pass-1\n' >"$dir/users"
printf 'alice:SSPI::be2929b503cf53fe397f467acb5f2501:::\n' >"$dir/sam"
export NTLM_USER_FILE="$dir/users"

# 1. Ours to ours.
p=$(free_port)
start_server "$dir/s1.log" $wrap "$sample" server -port "$p" -once -package NTLM || exit 1
$wrap "$sample" client -port "$p" -package NTLM -mcount 3 -user alice -domain SSPI \
	-pass Alice-Pass-1 127.0.0.1 HTTP/localhost "ntlm hello" >"$dir/c1.log" 2>&1
rc=$?
stop_server
check "our client -> our server: exit codes" test "$rc" -eq 0 -a "$server_rc" -eq 0
check "our client -> our server: 3 sealed, 3 MICs" \
	test "$(count "$dir/s1.log" 'Received message: "ntlm hello"')" -eq 3 \
	-a "$(count "$dir/c1.log" 'Signature verified')" -eq 3
check "our server names the client" has "$dir/s1.log" 'SSPI\\alice'

# K. The KDC backend: the server holds host/localhost's tickets and no user
# file; the KDC gives no session key, so the message goes unsealed (-nw
# -nm) and the server must not claim integrity or confidentiality.
mkdir "$dir/realm"
sh "$fixtures/realm.sh" up "$dir/realm" || exit 1
(
	for line in $(sh "$fixtures/realm.sh" env "$dir/realm"); do export "$line"; done
	unset NTLM_USER_FILE
	export NTLM_ACCEPTOR_CCACHE="FILE:$dir/realm/service.ccache"
	# The KDC was just started: give it up to 5 s to answer.
	for _ in $(seq 50); do
		kinit.heimdal -k -t "$dir/realm/service.keytab" --cache="$NTLM_ACCEPTOR_CCACHE" \
			host/localhost@SSPI.TEST 2>"$dir/kinit.log" && break
		sleep 0.1
	done
	[ -s "$dir/realm/service.ccache" ] || { cat "$dir/kinit.log"; exit 1; }
	p=$(free_port)
	start_server "$dir/k1.log" $wrap "$sample" server -port "$p" -once -package NTLM -nw -nm \
		|| exit 1
	$wrap "$sample" client -port "$p" -package NTLM -nw -nm -user alice -domain SSPI \
		-pass Alice-Pass-1 127.0.0.1 HTTP/localhost "kdc hello" >"$dir/k1c.log" 2>&1
	rc=$?
	stop_server
	check "KDC backend: exit codes" test "$rc" -eq 0 -a "$server_rc" -eq 0
	check "KDC backend: our server names the client" has "$dir/k1.log" 'Accepted connection: "SSPI\\alice"'
	check "KDC backend: message received" has "$dir/k1.log" 'Received message: "kdc hello"'
	check "KDC backend: no session security claimed" not_has "$dir/k1.log" 'CONFIDENTIALITY'
	p=$(free_port)
	start_server "$dir/k2.log" $wrap "$sample" server -port "$p" -once -package NTLM -nw -nm \
		|| exit 1
	$wrap "$sample" client -port "$p" -package NTLM -nw -nm -user alice -domain SSPI \
		-pass wrong 127.0.0.1 HTTP/localhost "x" >"$dir/k2c.log" 2>&1
	stop_server
	check "KDC backend, wrong password: our server refuses" has "$dir/k2.log" 'SEC_E_LOGON_DENIED'
	exit $failed
) || failed=1
sh "$fixtures/realm.sh" stop "$dir/realm"

if [ -z "$peer" ] || [ ! -x "$peer" ]; then
	echo "interop-ntlm: WinPR peer not built (libwinpr2-dev missing): WinPR cases skipped"
	exit $failed
fi

# 2. WinPR's client to our server.
p=$(free_port)
start_server "$dir/s2.log" $wrap "$sample" server -port "$p" -once -package NTLM -echo || exit 1
env "$winpr_env" "$peer" client "$p" HTTP/localhost alice SSPI Alice-Pass-1 "from winpr" >"$dir/c2.log" 2>&1
rc=$?
stop_server
check "WinPR client -> our server: exit codes" test "$rc" -eq 0 -a "$server_rc" -eq 0
check "WinPR client -> our server: message opened" has "$dir/s2.log" 'Received message: "from winpr"'
check "WinPR client -> our server: WinPR opened our sealed echo" \
	has "$dir/c2.log" "sealed echo opened"

# 3. Our client to WinPR's server.
p=$(free_port)
start_server "$dir/s3.log" env "$winpr_env" "$peer" server "$p" "$dir/sam" || exit 1
$wrap "$sample" client -port "$p" -package NTLM -nm -user alice -domain SSPI -pass Alice-Pass-1 \
	127.0.0.1 HTTP/localhost "to winpr" >"$dir/c3.log" 2>&1
rc=$?
stop_server
check "our client -> WinPR server: exit codes" test "$rc" -eq 0 -a "$server_rc" -eq 0
check "our client -> WinPR server: WinPR opened our sealed message" \
	has "$dir/s3.log" 'received "to winpr"'
check "our client -> WinPR server: we opened WinPR's sealed echo" has "$dir/c3.log" 'Echo verified'

# 4. Wrong passwords are refused both ways.
p=$(free_port)
start_server "$dir/s4.log" $wrap "$sample" server -port "$p" -once -package NTLM || exit 1
env "$winpr_env" "$peer" client "$p" HTTP/localhost alice SSPI wrong "x" >"$dir/c4.log" 2>&1
stop_server
check "WinPR client, wrong password: our server refuses" has "$dir/s4.log" 'SEC_E_LOGON_DENIED'
p=$(free_port)
start_server "$dir/s5.log" env "$winpr_env" "$peer" server "$p" "$dir/sam" || exit 1
$wrap "$sample" client -port "$p" -package NTLM -nm -user alice -domain SSPI -pass wrong \
	127.0.0.1 HTTP/localhost "x" >"$dir/c5.log" 2>&1
rc=$?
stop_server
check "our client, wrong password: WinPR's server refuses" \
	test "$rc" -ne 0 -a "$server_rc" -ne 0
exit $failed
