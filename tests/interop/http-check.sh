#!/bin/sh
# HTTP Negotiate (RFC 4559) with peers we did not write, on loopback, in a
# throwaway realm (tests/fixtures/realm.sh):
#   1. our client (tools/sspi-gss-http) -> Apache httpd with mod_auth_gssapi
#      (MIT krb5 inside), Kerberos through Negotiate, the server's last
#      token verified; without a ticket and with a wrong password: 401
#   2. curl --negotiate -u : (MIT krb5 inside) -> our server, with alice's
#      ticket; without a ticket: 401, and the server keeps serving
#   3. our client -> our server, Kerberos, and NTLM (one connection)
# Apache and our servers are started here and stopped by PID.
#
#   http-check.sh SSPI_GSS_HTTP
set -u
http=$1
wrap=${SSPI_GSS_SAMPLE_WRAPPER:-}
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
apache=/usr/sbin/apache2
module=/usr/lib/apache2/modules/mod_auth_gssapi.so
. "$fixtures/interop-lib.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-gss-http-XXXXXX")
apache_pid=""
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	[ -n "$apache_pid" ] && kill "$apache_pid" 2>/dev/null && wait "$apache_pid" 2>/dev/null
	sh "$fixtures/realm.sh" stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

sh "$fixtures/realm.sh" up "$dir" || exit 1
for line in $(sh "$fixtures/realm.sh" env "$dir"); do export "$line"; done
export KRB5CCNAME="FILE:$dir/ccache"
# The KDC was just started: up to 5 s for alice's ticket.
for _ in $(seq 50); do
	kinit.heimdal --password-file="$dir/alice.password" alice@SSPI.TEST 2>"$dir/kinit.log" && break
	sleep 0.1
done

# 1. Our client -> Apache mod_auth_gssapi.
if [ -x "$apache" ] && [ -f "$module" ]; then
	port=$(free_port)
	mkdir -p "$dir/www" "$dir/apache"
	echo "hello from apache" >"$dir/www/index.html"
	# Apache's workers run as nobody: the keytab and the tree must be
	# readable by it (they are throwaway, in this run's directory).
	chmod 755 "$dir" "$dir/www" "$dir/apache"
	chmod 644 "$dir/service.keytab" "$dir/krb5.conf" "$dir/www/index.html"
	cat >"$dir/apache/httpd.conf" <<CONF
ServerRoot $dir/apache
ServerName localhost
Listen 127.0.0.1:$port
PidFile $dir/apache/httpd.pid
ErrorLog $dir/apache/error.log
LogLevel warn auth_gssapi:debug
User nobody
Group nogroup
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authn_core_module /usr/lib/apache2/modules/mod_authn_core.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule authz_user_module /usr/lib/apache2/modules/mod_authz_user.so
LoadModule auth_gssapi_module $module
DocumentRoot $dir/www
<Location />
	AuthType GSSAPI
	AuthName "sspi-gss test"
	GssapiCredStore keytab:$dir/service.keytab
	GssapiAllowedMech krb5
	GssapiSignalPersistentAuth On
	Require valid-user
</Location>
CONF
	KRB5_CONFIG=$dir/krb5.conf "$apache" -f "$dir/apache/httpd.conf" -DFOREGROUND \
		>"$dir/apache/out.log" 2>&1 &
	apache_pid=$!
	for _ in $(seq 100); do
		grep -q 'resuming normal operations' "$dir/apache/error.log" 2>/dev/null && break
		kill -0 "$apache_pid" 2>/dev/null || break
		sleep 0.1
	done
	url=http://localhost:$port/index.html
	$wrap "$http" get "$url" >"$dir/c1.log" 2>&1
	rc=$?
	check "our client -> Apache mod_auth_gssapi: exit 0" test "$rc" -eq 0
	check "  Apache's page" has "$dir/c1.log" "hello from apache"
	check "  Apache's last token verified (mutual authentication)" has "$dir/c1.log" \
		"mutual: verified"
	check "  one 401, then 200" sh -c "grep -c '^status: 401' '$dir/c1.log' | grep -qx 1 &&
		grep -q '^status: 200' '$dir/c1.log'"
	KRB5CCNAME=FILE:$dir/no-such-cache $wrap "$http" get -package Kerberos "$url" \
		>"$dir/c2.log" 2>&1
	check "our client without a ticket -> Apache: 401, and no logon" sh -c \
		"grep -q '^status: 401' '$dir/c2.log' && ! grep -q '^status: 200' '$dir/c2.log'"
	$wrap "$http" get -package Kerberos -user alice -domain SSPI.TEST -pass wrong "$url" \
		>"$dir/c3.log" 2>&1
	check "our client with a wrong password -> Apache: 401, the KDC's refusal" sh -c \
		"grep -q '^status: 401' '$dir/c3.log' && grep -q 'SEC_E_LOGON_DENIED' '$dir/c3.log' &&
		! grep -q '^status: 200' '$dir/c3.log'"
	kill "$apache_pid" 2>/dev/null
	wait "$apache_pid" 2>/dev/null
	apache_pid=""
else
	echo "skipped: Apache httpd or mod_auth_gssapi not installed (tools/install-deps.sh)"
fi

# 2. curl --negotiate -> our server.
if command -v curl >/dev/null 2>&1; then
	port=$(free_port)
	start_server "$dir/s2.log" $wrap "$http" serve "$port" || exit 1
	curl -sS --negotiate -u : -o "$dir/curl.body" -w '%{http_code}\n' \
		"http://localhost:$port/" >"$dir/curl.out" 2>"$dir/curl.err"
	check "curl --negotiate -> our server: 200" has "$dir/curl.out" "^200"
	check "  our server names alice" has "$dir/s2.log" "authenticated: alice@SSPI.TEST"
	check "  alice is greeted" has "$dir/curl.body" "Hello, alice@SSPI.TEST"
	KRB5CCNAME=FILE:$dir/no-such-cache curl -sS --negotiate -u : -o /dev/null \
		-w '%{http_code}\n' "http://localhost:$port/" >"$dir/curl2.out" 2>&1
	check "curl without a ticket -> our server: 401" has "$dir/curl2.out" "^401"
	curl -sS --negotiate -u : -o /dev/null -w '%{http_code}\n' \
		"http://localhost:$port/" >"$dir/curl3.out" 2>&1
	check "  and the server still serves" has "$dir/curl3.out" "^200"
	kill "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=""
else
	echo "skipped: no curl"
fi

# 3. Ours to ours: Kerberos through Negotiate, and NTLM on one connection.
printf 'SSPI:alice:Alice-Pass-1\n' >"$dir/users"
chmod 600 "$dir/users"
port=$(free_port)
NTLM_USER_FILE=$dir/users start_server "$dir/s3.log" $wrap "$http" serve "$port" || exit 1
$wrap "$http" get "http://localhost:$port/" >"$dir/c4.log" 2>&1
check "our client -> our server, Negotiate (Kerberos): mutual" has "$dir/c4.log" "mutual: verified"
$wrap "$http" get -package NTLM -user alice -domain SSPI -pass Alice-Pass-1 \
	"http://localhost:$port/" >"$dir/c5.log" 2>&1
check "our client -> our server, NTLM on one connection" has "$dir/c5.log" "Hello, SSPI\\\\alice"
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
server_pid=""

if [ "$failed" -eq 0 ]; then echo "http-check: all passed"; else echo "http-check: FAILED"; fi
exit "$failed"
