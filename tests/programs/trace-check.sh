#!/bin/sh
# SSPI_GSS_TRACE: the Kerberos demo traced to a file must show every call
# with its status, the failed logon with the KDC's reason, and never a
# password.
#
#   trace-check.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
trace=$(mktemp "${TMPDIR:-/tmp}/sspi-gss-trace-XXXXXX")
trap 'rm -f "$trace"' EXIT
SSPI_GSS_TRACE=$trace "$here/kerberos-demo.sh" "$1" >/dev/null 2>&1 || {
	echo "the demo failed"; exit 1; }
failed=0
want() {
	if grep -q -- "$1" "$trace"; then echo "ok: trace has: $1"
	else echo "FAILED: trace lacks: $1"; failed=1; fi
}
for line in \
	'AcquireCredentialsHandleA(Kerberos, principal null, use 2, identity) = SEC_E_OK' \
	'InitializeSecurityContextA(Kerberos, new, target HTTP/localhost, req 0x[0-9A-F]* MUTUAL_AUTH|' \
	'= SEC_I_CONTINUE_NEEDED (0x00090312)' \
	'AcceptSecurityContext(Kerberos, new, req .*in \[TOKEN [0-9]*\], out \[TOKEN [0-9]*\]' \
	'EncryptMessage(Kerberos, qop 0x0, \[TOKEN 60, DATA 15, PADDING 0\]) = SEC_E_OK' \
	'DecryptMessage(Kerberos, qop 0x0, \[STREAM 75, DATA 15\]) = SEC_E_OK' \
	'MakeSignature(Kerberos, .*\[DATA 15, TOKEN 28\]) = SEC_E_OK' \
	'VerifySignature(Kerberos, .*) = SEC_E_OK' \
	'QueryContextAttributesA(Kerberos, attribute 0 SIZES) = SEC_E_OK' \
	'DeleteSecurityContext(Kerberos) = SEC_E_OK' \
	'FreeContextBuffer(buffer) = SEC_E_OK' \
	'= SEC_E_LOGON_DENIED (0x8009030C): Kerberos logon: Preauthentication failed' \
	' tid [0-9]* '; do
	want "$line"
done
# The package calls, through sspi-gss-info.
SSPI_GSS_TRACE=$trace "$1/tools/sspi-gss-info" >/dev/null 2>&1
want 'EnumerateSecurityPackagesA(3 packages) = SEC_E_OK'
for secret in Alice-Pass-1 not-her-password; do
	if grep -q -- "$secret" "$trace"; then echo "FAILED: a password is in the trace"; failed=1
	else echo "ok: no '$secret' in the trace"; fi
done

# The identity helpers, impersonation and the access token, from their
# suites: every call traced, no password in the trace.
: >"$trace"
SSPI_GSS_TRACE=$trace SSPI_GSS_REALM_SH="$here/../fixtures/realm.sh" CK_FORK=no \
	"$1/tests/unit/test_identity_helpers" >/dev/null 2>&1 || {
	echo "FAILED: the identity helpers' suite failed traced"; failed=1; }
for line in \
	'SspiEncodeStringsAsAuthIdentity(user given, domain given, password) = SEC_E_OK' \
	'SspiMarshalAuthIdentity(.* bytes) = SEC_E_OK' \
	'SspiUnmarshalAuthIdentity(.* bytes) = SEC_E_OK' \
	'SspiEncryptAuthIdentity(options 2) = SEC_E_OK' \
	'SspiPromptForCredentialsW(Win32 error 0) = SEC_E_OK' \
	'SspiLocalFree(not a block of this library: left alone)' \
	'AcquireCredentialsHandleW(Kerberos, principal null, use 2, identity) = SEC_E_OK'; do
	want "$line"
done
for secret in Alice-Pass-1 Not-Her-Pass; do
	if grep -q -- "$secret" "$trace"; then echo "FAILED: a password is in the trace"; failed=1
	else echo "ok: no '$secret' in the helpers' trace"; fi
done

# The trace file: created private, never through a planted symbolic link,
# and a name with a line break cannot forge a line of its own.
dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-gss-trace-dir-XXXXXX")
trap 'rm -f "$trace"; rm -rf "$dir"' EXIT
printf 'SSPI:alice:Alice-Pass-1\n' >"$dir/users"
NTLM_USER_FILE=$dir/users SSPI_GSS_TRACE=$dir/new "$1/tools/sspi-gss-info" --check NTLM \
	--target "$(printf 'HTTP/x\nsspi-gss FORGED')" >/dev/null 2>&1
if [ "$(stat -c %a "$dir/new")" = 600 ]; then echo "ok: a new trace file is private (600)"
else echo "FAILED: a new trace file has mode $(stat -c %a "$dir/new")"; failed=1; fi
if grep -q '^sspi-gss FORGED' "$dir/new"; then echo "FAILED: a target name forged a trace line"; failed=1
elif grep -q 'HTTP/x?sspi-gss FORGED' "$dir/new"; then echo "ok: the line break in a name is neutralised"
else echo "FAILED: the traced target is missing"; failed=1; fi
ln -s "$dir/victim" "$dir/link"
SSPI_GSS_TRACE=$dir/link "$1/tools/sspi-gss-info" >/dev/null 2>&1
if [ -e "$dir/victim" ]; then echo "FAILED: the trace followed a symbolic link"; failed=1
else echo "ok: the trace does not follow a symbolic link"; fi
exit $failed
