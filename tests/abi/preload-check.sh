#!/bin/sh
# A program built against FreeRDP WinPR (tests/abi/winpr_preload.c) takes our
# library with LD_PRELOAD: run as it is, WinPR answers and our trace stays
# empty; preloaded, our library answers every SSPI call it makes, through
# WinPR's InitSecurityInterfaceExA table and directly, and traces them.
#
#   preload-check.sh WINPR_PRELOAD LIBSSPI_GSS
set -u
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
prog=$1
lib=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
. "$fixtures/interop-lib.sh"

printf 'SSPI:alice:Alice-Pass-1\n' >"$dir/users"
printf 'alice:SSPI::be2929b503cf53fe397f467acb5f2501:::\n' >"$dir/sam"
export NTLM_USER_FILE="$dir/users"
# WinPR 2.11 never frees the SAM file name it copies: its leak, not ours;
# and a preloaded library comes before a sanitizer runtime on purpose.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:verify_asan_link_order=0"

SSPI_GSS_TRACE="$dir/trace-winpr" "$prog" "$dir/sam" >"$dir/winpr.log" 2>&1
winpr_rc=$?
plain() {
	[ "$winpr_rc" -eq 0 ] && has "$dir/winpr.log" '^ok$' && [ ! -s "$dir/trace-winpr" ]
}
check "without LD_PRELOAD: WinPR's NTLM, sealed message, no sspi-gss trace" plain

LD_PRELOAD="$lib" SSPI_GSS_TRACE="$dir/trace-ours" "$prog" "$dir/sam" >"$dir/ours.log" 2>&1
ours_rc=$?
preloaded() {
	[ "$ours_rc" -eq 0 ] && has "$dir/ours.log" '^ok$' && has "$dir/ours.log" '^packages: 3$' &&
		has "$dir/trace-ours" 'EnumerateSecurityPackagesA(3 packages) = SEC_E_OK' &&
		has "$dir/trace-ours" 'AcquireCredentialsHandleA(NTLM' &&
		has "$dir/trace-ours" 'InitializeSecurityContextA(NTLM.* = SEC_E_OK' &&
		has "$dir/trace-ours" 'AcceptSecurityContext(NTLM.* = SEC_E_OK' &&
		has "$dir/trace-ours" 'EncryptMessage(NTLM.* = SEC_E_OK' &&
		has "$dir/trace-ours" 'DecryptMessage(NTLM.* = SEC_E_OK'
}
check "with LD_PRELOAD: sspi-gss answers InitSecurityInterfaceExA and the direct calls" preloaded
exit $failed
