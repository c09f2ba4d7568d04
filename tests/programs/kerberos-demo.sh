#!/bin/sh
# The Kerberos demo: a throwaway realm on 127.0.0.1
# (tests/fixtures/realm.sh), an SSPI server and an SSPI client
# (tools/sspi-gss-sample) authenticating through it as alice@SSPI.TEST to
# HTTP/localhost, then a sealed message each way round: EncryptMessage ->
# DecryptMessage, MakeSignature -> VerifySignature; then a wrong password,
# to show the error and its cause.
# Nothing outside a temporary directory is touched. With SSPI_GSS_TRACE set
# (stderr or a file) every SSPI call is traced.
#
#   tests/programs/kerberos-demo.sh [BUILD_DIR]     (default: build)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
sample=$build/tools/sspi-gss-sample
realm="sh $top/tests/fixtures/realm.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-gss-demo-XXXXXX")
server_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	$realm stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

echo "== realm SSPI.TEST, KDC on 127.0.0.1 (in $dir)"
$realm up "$dir"
for line in $($realm env "$dir"); do export "$line"; done
export KRB5CCNAME="MEMORY:demo"

p=$($realm port)
"$sample" server -port "$p" -once >"$dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q '^listening' "$dir/server.log" && break; sleep 0.1; done

echo "== client: AcquireCredentialsHandle(alice, password), InitializeSecurityContext(HTTP/localhost)"
rc=0
"$sample" client -port "$p" -mcount 2 -user alice -pass "$(cat "$dir/alice.password")" \
	localhost HTTP/localhost "hello over SSPI" || rc=$?
wait "$server_pid" || rc=1
server_pid=""
echo "== server: AcceptSecurityContext with the HTTP/localhost key from the keytab"
grep -v '^listening' "$dir/server.log"
echo "== and a wrong password, for contrast: the status and the KDC's reason"
# AcquireCredentialsHandle keeps the password; InitializeSecurityContext,
# talking to a server, asks the KDC (as on Windows).
p=$($realm port)
"$sample" server -port "$p" -once >"$dir/server2.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q '^listening' "$dir/server2.log" && break; sleep 0.1; done
if "$sample" client -port "$p" -user alice -pass not-her-password localhost HTTP/localhost x
then rc=1; fi
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""
[ "$rc" -eq 0 ] && echo "== demo: ok"
exit "$rc"
