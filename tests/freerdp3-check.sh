#!/bin/sh
# FreeRDP 3's NLA (CredSSP over Negotiate) through our library, on
# loopback under Xvfb, every process stopped by PID:
#   client via /sspi-module and via LD_PRELOAD against FreeRDP's own server,
#   FreeRDP's server with our library preloaded against FreeRDP's own
#   client, and both sides ours; NTLM (SAM file / our user file) and
#   Kerberos (a throwaway realm, TERMSRV/localhost in a keytab) with a
#   password; a wrong password on each. (A ticket cache cannot be tried
#   here: FreeRDP's +auth-only insists on a password, and without it
#   FreeRDP prompts and passes what it reads as the identity.)
# Our trace shows that the calls were ours and which package Negotiate
# settled on. Ends with a table of the combinations.
#
# FreeRDP 3 is built from a source tree outside the checkout, once, and
# the build is kept:
#   SSPI_GSS_FREERDP3_SRC    the source tree (default /var/tmp/sspi-gss-freerdp3/src,
#                            e.g. `git archive 3.30.0` of github.com/FreeRDP/FreeRDP)
#   SSPI_GSS_FREERDP3_BUILD  its build directory (default: src/../build)
# Without a source tree it says "skipped" and exits 77.
#
#   freerdp3-check.sh LIBSSPI_GSS
set -u
lib=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${SSPI_GSS_FREERDP3_SRC:-/var/tmp/sspi-gss-freerdp3/src}
bld=${SSPI_GSS_FREERDP3_BUILD:-$(dirname "$src")/build}
if [ ! -f "$src/CMakeLists.txt" ]; then
	echo "skipped: no FreeRDP 3 source at $src (set SSPI_GSS_FREERDP3_SRC; docs/porting.md)"
	exit 77
fi
for p in cmake ninja Xvfb; do
	command -v "$p" >/dev/null 2>&1 || { echo "skipped: $p is not installed"; exit 77; }
done
here=$(cd "$(dirname "$0")" && pwd)

# ---- build (once; the build directory is the cache) ----
xfreerdp=$bld/client/X11/xfreerdp
shadow=$bld/server/shadow/cli/freerdp-shadow-cli
hash=$bld/winpr/tools/hash-cli/winpr-hash
if [ ! -x "$xfreerdp" ] || [ ! -x "$shadow" ] || [ ! -x "$hash" ]; then
	echo "building FreeRDP 3 in $bld (once)"
	mkdir -p "$bld" || exit 1
	(cd "$bld" && cmake -G Ninja "$src" -DCMAKE_BUILD_TYPE=Release \
		-DWITH_CLIENT_X11=ON -DWITH_CLIENT_SDL=OFF -DWITH_CLIENT_SDL2=OFF \
		-DWITH_CLIENT_SDL3=OFF -DWITH_SERVER=ON -DWITH_SHADOW=ON -DWITH_PROXY=OFF \
		-DWITH_SAMPLE=OFF -DWITH_PLATFORM_SERVER=OFF -DWITH_FFMPEG=OFF -DWITH_SWSCALE=OFF \
		-DWITH_DSP_FFMPEG=OFF -DWITH_CAIRO=OFF -DWITH_CUPS=OFF -DWITH_PULSE=OFF \
		-DWITH_ALSA=OFF -DWITH_OSS=OFF -DWITH_PCSC=OFF -DWITH_FUSE=OFF -DWITH_WAYLAND=OFF \
		-DWITH_MANPAGES=OFF -DWITH_JPEG=OFF -DWITH_OPENH264=OFF -DWITH_FAAD2=OFF \
		-DWITH_FAAC=OFF -DWITH_SOXR=OFF -DWITH_WEBVIEW=OFF -DWITH_KRB5=ON \
		-DBUILD_TESTING=OFF -DWITH_WINPR_TOOLS=ON -DWITH_URIPARSER=OFF \
		-DWITH_LIBSYSTEMD=OFF -DWITH_UNICODE_BUILTIN=ON -DWITH_SDL_IMAGE_DIALOGS=OFF \
		-DWITH_LAME=OFF -DWITH_OPUS=OFF -DWITH_GSM=OFF -DWITH_FDK_AAC=OFF -DWITH_X264=OFF \
		-DWITH_VAAPI=OFF -DWITH_PKCS11=OFF -DWITH_SMARTCARD_EMULATE=OFF -DWITH_AAD=OFF \
		>"$bld/configure.log" 2>&1 &&
		ninja xfreerdp freerdp-shadow-cli winpr-hash >"$bld/build.log" 2>&1) || {
		echo "FAILED: building FreeRDP 3 (see $bld/configure.log, $bld/build.log)"
		exit 1
	}
fi

dir=$(mktemp -d)
server_pid=""
xvfb_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	sh "$here/realm.sh" stop "$dir"
	[ -n "${SSPI_GSS_KEEP:-}" ] && { echo "kept $dir"; return; }
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
. "$here/interop-lib.sh"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:verify_asan_link_order=0"

# ---- the realm: TERMSRV/localhost in its own keytab ----
sh "$here/realm.sh" create "$dir" "$(free_port)" >"$dir/create.log" 2>&1 || exit 1
kadmin -l -c "$dir/krb5.conf" add --random-key --use-defaults TERMSRV/localhost >/dev/null &&
	kadmin -l -c "$dir/krb5.conf" ext_keytab -k "$dir/termsrv.keytab" TERMSRV/localhost || exit 1
sh "$here/realm.sh" start "$dir"
for line in $(sh "$here/realm.sh" env "$dir"); do export "$line"; done
for _ in $(seq 50); do
	kinit.heimdal --password-file="$dir/alice.password" -c "MEMORY:ready" alice@SSPI.TEST \
		2>/dev/null && break
	sleep 0.2
done
export KRB5_KTNAME="FILE:$dir/termsrv.keytab"

# ---- NTLM accounts: FreeRDP's SAM file and our user file ----
"$hash" -u alice -p Alice-Pass-1 -d SSPI -f sam >"$dir/sam" || exit 1
printf 'SSPI:alice:Alice-Pass-1\n' >"$dir/users"
printf 'SSPI\\alice nobody\nalice@SSPI.TEST nobody\n' >"$dir/accounts"

Xvfb -displayfd 3 -screen 0 800x600x24 -nolisten tcp -noreset 3>"$dir/display" >"$dir/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$dir/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$dir/display")" HOME="$dir"

table="$dir/table"
: >"$table"

# case NAME SERVER(freerdp|ours) CLIENT(freerdp|module|preload) AUTH(ntlm|kerberos)
#      PASSWORD EXPECT(pass|fail)
case_run() {
	name=$1 server=$2 client=$3 auth=$4 password=$5 expect=$6
	log=$dir/$name
	: >"$log.strace"
	: >"$log.ctrace"
	port=$(free_port)
	server_env="env"
	[ "$server" = ours ] && server_env="env LD_PRELOAD=$lib NTLM_USER_FILE=$dir/users SSPI_GSS_ACCOUNT_MAP=$dir/accounts SSPI_GSS_TRACE=$log.strace"
	# Up when its port listens; started again if it could not start.
	for _ in 1 2 3; do
		$server_env "$shadow" /port:"$port" /sec:nla /sam-file:"$dir/sam" >"$log.server" 2>&1 &
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
		port=$(free_port)
		sleep 0.5
	done
	case $auth in
	ntlm) who="/u:alice /d:SSPI /p:$password" host=127.0.0.1 ;;
	kerberos) who="/u:alice /d:SSPI.TEST /p:$password" host=localhost ;;
	esac
	client_env="env KRB5CCNAME=MEMORY:none"
	extra=""
	case $client in
	module) extra="/sspi-module:$lib" client_env="$client_env SSPI_GSS_TRACE=$log.ctrace" ;;
	preload) client_env="$client_env LD_PRELOAD=$lib SSPI_GSS_TRACE=$log.ctrace" ;;
	esac
	# The exit code, or "signal N" when the client died of one: FreeRDP's
	# own codes go past 128 too (132 AUTH_FAILURE, 134 LOGON_FAILURE).
	# shellcheck disable=SC2086
	rc=$($client_env python3 -c 'import subprocess, sys
with open(sys.argv[1], "w") as log:
    try:
        r = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT, timeout=60).returncode
    except subprocess.TimeoutExpired:
        r = "timeout"
print(r if not isinstance(r, int) or r >= 0 else "signal %d" % -r)' \
		"$log.client" "$xfreerdp" /v:"$host:$port" $who /cert:ignore +auth-only /sec:nla $extra)
	kill "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=""
	chosen=$(grep -ho 'context is established with [A-Za-z]*' "$log.ctrace" "$log.strace" |
		head -1 | awk '{print $NF}')
	if grep -q 'Accepted mechanism: Kerberos\|sspi.Kerberos' "$log.server" && [ -z "$chosen" ]; then
		chosen=Kerberos
	fi
	[ -z "$chosen" ] && chosen=-
	ok=yes
	if [ "$expect" = pass ]; then
		[ "$rc" = 0 ] || ok=no
		# Where a ticket is possible, Negotiate must have taken Kerberos.
		[ "$auth" = kerberos ] && [ "$chosen" != Kerberos ] && ok=no
		[ "$auth" = ntlm ] && [ "$chosen" != - ] && [ "$chosen" != NTLM ] && ok=no
	else
		# Refused, with FreeRDP's own exit code: no crash, no hang.
		case $rc in 0 | signal* | timeout) ok=no ;; esac
	fi
	# Our library, where it is in, made the calls (a refused Kerberos
	# password ends at AcquireCredentialsHandle, before any token).
	case $client in
	module | preload) grep -q 'AcquireCredentialsHandle.*(Negotiate' "$log.ctrace" || ok=no ;;
	esac
	if [ "$server" = ours ] && [ "$expect" = pass ]; then
		grep -q 'AcceptSecurityContext' "$log.strace" || ok=no
	fi
	# FreeRDP asks for WinPR's workstation name (1109) after NTLM; answered.
	if [ "$expect" = pass ] && [ "$auth" = ntlm ]; then
		cat "$log.ctrace" "$log.strace" | grep -q 'attribute 1109 .* = SEC_E_OK' || ok=no
	fi
	printf '| %-9s | %-12s | %-8s | %-6s | %9s | %-8s | %s |\n' "$client" "$server" "$auth" \
		"$expect" "$rc" "$chosen" "$ok" >>"$table"
	run() { [ "$ok" = yes ] || { tail -5 "$log.client"; tail -5 "$log.server"; false; }; }
	check "FreeRDP 3: client $client, server $server, $auth, expect $expect (exit $rc, $chosen)" run
}

W=not-the-password
case_run m-ntlm freerdp module ntlm Alice-Pass-1 pass
case_run p-ntlm freerdp preload ntlm Alice-Pass-1 pass
case_run m-krb freerdp module kerberos Alice-Pass-1 pass
case_run p-krb freerdp preload kerberos Alice-Pass-1 pass
case_run s-ntlm ours freerdp ntlm Alice-Pass-1 pass
case_run b-ntlm ours preload ntlm Alice-Pass-1 pass
case_run bm-ntlm ours module ntlm Alice-Pass-1 pass
case_run b-krb ours preload kerberos Alice-Pass-1 pass
case_run bm-krb ours module kerberos Alice-Pass-1 pass
case_run m-ntlm-bad freerdp module ntlm $W fail
case_run p-krb-bad freerdp preload kerberos $W fail
case_run s-ntlm-bad ours freerdp ntlm $W fail
case_run b-ntlm-bad ours preload ntlm $W fail
case_run b-krb-bad ours module kerberos $W fail

echo
echo "| client    | server       | auth     | expect | exit | package  | ok |"
echo "|-----------|--------------|----------|--------|------|----------|----|"
cat "$table"
exit $failed
