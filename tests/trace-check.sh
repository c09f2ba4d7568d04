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
	'= SEC_E_LOGON_DENIED (0x8009030C): Preauthentication failed' \
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
exit $failed
