#!/bin/sh
# Kerberos through a real KDC proxy (MS-KKDCP): FreeIPA's kdcproxy under
# Apache httpd (mod_wsgi, mod_ssl) on 127.0.0.1, with a certificate from a
# CA made here, in front of the throwaway realm (tests/fixtures/realm.sh). The
# clients' krb5.conf names a KDC port where nothing listens: every
# Kerberos message they send must go through the proxy. The proxy's own
# configuration names the real KDC.
#
#   1. SSPI_GSS_KDC_PROXY: a Kerberos logon with a password (AS exchange
#      and service tickets for HTTP/localhost, then host/localhost), and a
#      Negotiate one, sealing both ways afterwards;
#   2. the attribute (SetCredentialsAttributesW, KDC_PROXY_SETTINGS) on
#      default credentials from a ticket cache, URL and Windows' form;
#      without it the same credential reaches no KDC;
#   3. faults: the proxy down (FORCEPROXY: SEC_E_NO_AUTHENTICATING_AUTHORITY
#      and the reason; without it: the KDC directly), a certificate from a
#      CA the client does not trust, a host name the certificate does not
#      name, HTTP 500 and 404, replies that are not KDC-PROXY-MESSAGEs, a
#      proxy's reply that is no Kerberos; each bounded in time.
# Apache and the KDC are started here and stopped by PID.
#
#   kdc-proxy-check.sh TEST_KDC_PROXY     (the test_kdc_proxy program)
set -u
client=$1
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
apache=/usr/sbin/apache2
modules=/usr/lib/apache2/modules
. "$fixtures/interop-lib.sh"

skip() {
	echo "skipped: $1 is not installed (tools/install-deps.sh)"
	exit 77
}
[ -x "$apache" ] || skip "Apache httpd (apache2)"
[ -f "$modules/mod_ssl.so" ] || skip "Apache's mod_ssl (apache2)"
[ -f "$modules/mod_wsgi.so" ] || skip "Apache's mod_wsgi (libapache2-mod-wsgi-py3)"
# mod_wsgi runs Debian's python3, whatever python3 comes first in PATH.
/usr/bin/python3 -c 'import kdcproxy' 2>/dev/null || skip "kdcproxy (python3-kdcproxy)"
command -v openssl >/dev/null 2>&1 || skip "openssl"
"$client" available || skip "libcurl (libcurl4-openssl-dev, needed when the library is built)"

dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-gss-kdc-proxy-XXXXXX")
apache_pid=""
cleanup() {
	[ -n "$apache_pid" ] && kill "$apache_pid" 2>/dev/null && wait "$apache_pid" 2>/dev/null
	sh "$fixtures/realm.sh" stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

sh "$fixtures/realm.sh" up "$dir" || exit 1
kdc_port=$(cat "$dir/port")
# The proxy's client talks to 127.0.0.1 directly, whatever proxy this
# machine's environment names.
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY PYTHONHOME PYTHONPATH
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# Certificates: a CA, the proxy's certificate for "localhost" only (so
# that https://127.0.0.1 fails the host-name check), and a CA nobody uses.
ssl=$dir/ssl
mkdir -p "$ssl"
{
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ssl/ca.key" -out "$ssl/ca.pem" \
		-days 2 -subj "/CN=sspi-gss test CA"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ssl/other.key" -out "$ssl/other.pem" \
		-days 2 -subj "/CN=sspi-gss untrusted CA"
	openssl req -newkey rsa:2048 -nodes -keyout "$ssl/server.key" -out "$ssl/server.csr" \
		-subj "/CN=localhost"
	printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$ssl/ext"
	openssl x509 -req -in "$ssl/server.csr" -CA "$ssl/ca.pem" -CAkey "$ssl/ca.key" \
		-CAcreateserial -out "$ssl/server.pem" -days 2 -extfile "$ssl/ext"
} >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log"; exit 1; }

# kdcproxy: the realm's KDC over TCP, no DNS.
www=$dir/www
mkdir -p "$www"
cat >"$www/kdcproxy.conf" <<CONF
[global]
use_dns = false
[SSPI.TEST]
kerberos = kerberos+tcp://127.0.0.1:$kdc_port
CONF
cat >"$www/kdcproxy.wsgi" <<WSGI
import os
os.environ["KDCPROXY_CONFIG"] = "$www/kdcproxy.conf"
from kdcproxy import Application
application = Application()
WSGI
# Replies a proxy should not give.
cat >"$www/bad.wsgi" <<'WSGI'
def application(env, start_response):
    path = env.get("PATH_INFO", "")
    if path == "/error":
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
        return [b"broken\n"]
    if path == "/kerberos-junk":
        # A well-formed KDC-PROXY-MESSAGE around three bytes of no Kerberos.
        body = bytes([0x30, 0x0b, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3, 2])
    else:
        body = b"<html>not a KDC-PROXY-MESSAGE</html>\n"
    start_response("200 OK", [("Content-Type", "application/kerberos")])
    return [body]
WSGI

port=$(free_port)
mkdir -p "$dir/apache"
user_lines=""
if [ "$(id -u)" -eq 0 ]; then
	# Workers run as nobody: the tree they read must be readable by it.
	user_lines="User nobody
Group nogroup"
	chmod 755 "$dir" "$www"
	chmod 644 "$www"/*
fi
cat >"$dir/apache/httpd.conf" <<CONF
ServerRoot $dir/apache
ServerName localhost
Listen 127.0.0.1:$port
PidFile $dir/apache/httpd.pid
DefaultRuntimeDir $dir/apache
ErrorLog $dir/apache/error.log
LogLevel warn
LogFormat "%m %U %>s" short
CustomLog $dir/apache/access.log short
$user_lines
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule ssl_module $modules/mod_ssl.so
LoadModule wsgi_module $modules/mod_wsgi.so
SSLEngine on
SSLCertificateFile $ssl/server.pem
SSLCertificateKeyFile $ssl/server.key
DocumentRoot $www
WSGIScriptAlias /KdcProxy $www/kdcproxy.wsgi
WSGIScriptAlias /bad $www/bad.wsgi
<Directory $www>
	Require all granted
</Directory>
CONF
"$apache" -f "$dir/apache/httpd.conf" -DFOREGROUND >"$dir/apache/out.log" 2>&1 &
apache_pid=$!
for _ in $(seq 100); do
	grep -q 'resuming normal operations' "$dir/apache/error.log" 2>/dev/null && break
	kill -0 "$apache_pid" 2>/dev/null || break
	sleep 0.1
done
if ! kill -0 "$apache_pid" 2>/dev/null; then
	echo "--- Apache did not start:"
	cat "$dir/apache/out.log" "$dir/apache/error.log" 2>/dev/null
	exit 1
fi

# The clients: a KDC where nothing listens.
dead_port=$(free_port)
sed "s/kdc = 127.0.0.1:$kdc_port/kdc = 127.0.0.1:$dead_port/" "$dir/krb5.conf" >"$dir/client.conf"
grep -q "kdc = 127.0.0.1:$dead_port" "$dir/client.conf" || { echo "client.conf not made"; exit 1; }
export KRB5_CONFIG=$dir/client.conf
export KRB5_KTNAME=FILE:$dir/service.keytab
export KRB5CCNAME=FILE:$dir/no-such-cache
export SSPI_GSS_KDC_PROXY_CAFILE=$ssl/ca.pem
unset SSPI_GSS_KDC_PROXY SSPI_GSS_KDC_PROXY_FORCE
url=https://localhost:$port/KdcProxy
posts() { grep -c '^POST /KdcProxy 200' "$dir/apache/access.log" 2>/dev/null; }

# run LOG CMD...: the client, never longer than 60 s.
run() {
	log=$1
	shift
	timeout 60 "$@" >"$log" 2>&1
	rc=$?
	[ "$rc" -ne 124 ] || echo "TIMEOUT" >>"$log"
}

# 1. By the environment.
before=$(posts)
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	run "$dir/c1.log" "$client" client Kerberos alice Alice-Pass-1 HTTP/localhost host/localhost
check "Kerberos, password, SSPI_GSS_KDC_PROXY: logon" has "$dir/c1.log" \
	"ok: AcquireCredentialsHandle Kerberos"
check "  HTTP/localhost: ticket through the proxy, sealing both ways" has "$dir/c1.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  then host/localhost" has "$dir/c1.log" "ok: host/localhost logon and sealing SEC_E_OK"
check "  the proxy carried the AS and both TGS exchanges" test "$(($(posts) - before))" -ge 3

SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	run "$dir/c2.log" "$client" client Negotiate alice Alice-Pass-1 HTTP/localhost
check "Negotiate, password, SSPI_GSS_KDC_PROXY: logon and sealing" has "$dir/c2.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  Negotiate chose Kerberos" has "$dir/c2.log" "package: Kerberos"

# 2. By the attribute, on default credentials: alice's TGT from the KDC
# directly (the realm's own configuration), then service tickets through
# the proxy only.
KRB5_CONFIG=$dir/krb5.conf KRB5CCNAME=FILE:$dir/ccache \
	kinit.heimdal --password-file="$dir/alice.password" alice@SSPI.TEST >"$dir/kinit.log" 2>&1
check "kinit for the ticket cache" test -s "$dir/ccache"
# First without a proxy (service tickets obtained later are written back to
# the cache, and would be used without asking any KDC).
KRB5CCNAME=FILE:$dir/ccache run "$dir/c5.log" "$client" client Kerberos - - HTTP/localhost:8080
check "ticket cache, no proxy: no KDC for a service ticket" has "$dir/c5.log" \
	"failed: HTTP/localhost:8080 SEC_E_NO_AUTHENTICATING_AUTHORITY"
before=$(posts)
KRB5CCNAME=FILE:$dir/ccache run "$dir/c3.log" "$client" client Kerberos - - \
	-attr "$url" -force HTTP/localhost host/localhost
check "Kerberos, ticket cache, the attribute (URL, FORCEPROXY)" has "$dir/c3.log" \
	"ok: SetCredentialsAttributesW KDC_PROXY_SETTINGS SEC_E_OK"
check "  HTTP/localhost: ticket through the proxy, sealing both ways" has "$dir/c3.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  then host/localhost" has "$dir/c3.log" "ok: host/localhost logon and sealing SEC_E_OK"
check "  two TGS exchanges through the proxy" test "$(($(posts) - before))" -eq 2
KRB5CCNAME=FILE:$dir/ccache run "$dir/c4.log" "$client" client Negotiate - - \
	-attr "localhost:$port:KdcProxy" HTTP/localhost:8080
check "Negotiate, the attribute in Windows' form (host:port:path)" has "$dir/c4.log" \
	"ok: HTTP/localhost:8080 logon and sealing SEC_E_OK"

# 3. Faults, each a password logon through SSPI_GSS_KDC_PROXY.
fault() { # log, URL, force (1 or empty), then extra environment
	log=$1 u=$2 f=$3
	shift 3
	env SSPI_GSS_KDC_PROXY="$u" SSPI_GSS_KDC_PROXY_FORCE="$f" "$@" \
		timeout 60 "$client" client Kerberos alice Alice-Pass-1 HTTP/localhost >"$log" 2>&1
	[ $? -ne 124 ] || echo "TIMEOUT" >>"$log"
}
refused() { # log, reason text
	has "$1" "failed: AcquireCredentialsHandle SEC_E_NO_AUTHENTICATING_AUTHORITY: KDC proxy" &&
		has "$1" "$2" && not_has "$1" TIMEOUT
}
down=https://localhost:$(free_port)/KdcProxy
fault "$dir/f1.log" "$down" 1
check "proxy down, FORCEPROXY: SEC_E_NO_AUTHENTICATING_AUTHORITY, the reason" \
	refused "$dir/f1.log" "connect"
fault "$dir/f2.log" "$down" "" KRB5_CONFIG="$dir/krb5.conf"
check "proxy down, no FORCEPROXY, the KDC reachable: logon directly" has "$dir/f2.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
fault "$dir/f3.log" "$url" 1 SSPI_GSS_KDC_PROXY_CAFILE="$ssl/other.pem"
check "a certificate from a CA the client does not trust: refused" refused "$dir/f3.log" \
	"certificate"
fault "$dir/f4.log" "https://127.0.0.1:$port/KdcProxy" 1
check "a host name the certificate does not name: refused" refused "$dir/f4.log" \
	"127.0.0.1"
fault "$dir/f5.log" "https://localhost:$port/bad/error" 1
check "HTTP 500: refused with the code" refused "$dir/f5.log" "HTTP 500"
fault "$dir/f6.log" "https://localhost:$port/no-such-proxy" 1
check "HTTP 404: refused with the code" refused "$dir/f6.log" "HTTP 404"
fault "$dir/f7.log" "https://localhost:$port/bad/html" 1
check "a reply that is no KDC-PROXY-MESSAGE: refused" refused "$dir/f7.log" \
	"no KDC-PROXY-MESSAGE"
fault "$dir/f8.log" "https://localhost:$port/bad/kerberos-junk" 1
check "a proxy's reply that is no Kerberos: a failure" has "$dir/f8.log" \
	"^failed: AcquireCredentialsHandle SEC_E_"
check "  and no hang" not_has "$dir/f8.log" TIMEOUT
fault "$dir/f9.log" "https://localhost:$port/bad/error" "" KRB5_CONFIG="$dir/krb5.conf"
check "HTTP 500, no FORCEPROXY, the KDC reachable: logon directly" has "$dir/f9.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "Apache is still up" kill -0 "$apache_pid"

if [ "$failed" -eq 0 ]; then echo "kdc-proxy-check: all passed"; else echo "kdc-proxy-check: FAILED"; fi
exit "$failed"
