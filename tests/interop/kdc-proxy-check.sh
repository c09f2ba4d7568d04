#!/bin/sh
# Kerberos through a real KDC proxy (MS-KKDCP): FreeIPA's kdcproxy under
# Apache httpd (mod_wsgi, mod_ssl) on 127.0.0.1, with a certificate from a
# CA made here, in front of the throwaway realm (tests/fixtures/realm.sh). The
# clients' krb5.conf names a KDC port where nothing listens: every
# Kerberos message they send must go through the proxy. The proxy's own
# configuration names the real KDC.
#
#   1. SSPI_GSS_KDC_PROXY: a Kerberos logon with a password (AS exchange
#      at the first InitializeSecurityContext, service tickets for
#      HTTP/localhost, then host/localhost), and a Negotiate one, sealing
#      both ways afterwards; without a proxy the same credential is made
#      (no KDC asked) and its first context finds no KDC;
#   2. the attribute (SetCredentialsAttributesW, KDC_PROXY_SETTINGS) on
#      default credentials from a ticket cache, URL and Windows' form;
#      without it the same credential reaches no KDC; and on a password
#      credential, whose AS exchange it carries;
#   3. ticket renewal: a user whose TGT lives 20 s, renewable for 40 s:
#      renewed through the proxy, then, past its renewal time, a new AS
#      exchange with the password, a context for each (the proxy set by
#      the variable and by the attribute); krb5.conf's [sspi-gss]
#      kdc_proxy;
#   4. ChangeAccountPassword (kpasswd) through the proxy, then a logon with
#      the new password; FORCEPROXY with the proxy down refuses it;
#   5. sspi-gss-info --check: the proxy, its answer and its certificate;
#      a proxy with a certificate the client does not trust; none set;
#   6. faults: the proxy down (FORCEPROXY: SEC_E_NO_AUTHENTICATING_AUTHORITY
#      and the reason; without it: the KDC directly), a certificate from a
#      CA the client does not trust, a host name the certificate does not
#      name, HTTP 500 and 404, replies that are not KDC-PROXY-MESSAGEs, a
#      proxy's reply that is no Kerberos, replies to other requests; each
#      bounded in time.
# Apache, the KDC and kpasswdd are started here and stopped by PID.
#
#   kdc-proxy-check.sh TEST_KDC_PROXY SSPI_GSS_INFO
set -u
client=$1
info=$2
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$fixtures/interop-lib.sh"

sh "$fixtures/kdcproxy.sh" check || exit $?
"$client" available || {
	echo "skipped: libcurl (libcurl4-openssl-dev, needed when the library is built)"
	exit 77
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-gss-kdc-proxy-XXXXXX")
kpasswdd_pid=""
cleanup() {
	sh "$fixtures/kdcproxy.sh" down "$dir"
	[ -n "$kpasswdd_pid" ] && kill "$kpasswdd_pid" 2>/dev/null && wait "$kpasswdd_pid" 2>/dev/null
	sh "$fixtures/realm.sh" stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

sh "$fixtures/realm.sh" up "$dir" || exit 1
kdc_port=$(cat "$dir/port")
kpasswd_port=$(cat "$dir/kpasswd_port")
# The password service (UDP), and a user whose TGT ages fast.
/usr/lib/heimdal-servers/kpasswdd --config-file="$dir/krb5.conf" --port="$kpasswd_port" \
	--addresses=127.0.0.1 --realm=SSPI.TEST >"$dir/kpasswdd.log" 2>&1 &
kpasswdd_pid=$!
kadmin -l -c "$dir/krb5.conf" add --password=Carol-Pass-1 --use-defaults \
	--max-ticket-life=20s --max-renewable-life=40s carol >"$dir/kadmin.log" 2>&1 ||
	{ cat "$dir/kadmin.log"; exit 1; }
# The proxy's client talks to 127.0.0.1 directly, whatever proxy this
# machine's environment names.
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY PYTHONHOME PYTHONPATH
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# Replies a proxy should not give, next to the real one (/KdcProxy).
bad=$dir/bad
mkdir -p "$bad"
cat >"$bad/bad.wsgi" <<WSGI
import io
import os

os.environ["KDCPROXY_CONFIG"] = "$dir/kkdcp/www/kdcproxy.conf"
from kdcproxy import Application
proxy = Application()
kept = "$bad/stale.reply"
WSGI
cat >>"$bad/bad.wsgi" <<'WSGI'


def stale(env, start_response):
    # A genuine proxy that answers each request with the reply to the one
    # before (kept in a file: Apache's processes share nothing else).
    body = env["wsgi.input"].read(int(env.get("CONTENT_LENGTH") or 0))
    inner = dict(env)
    inner["wsgi.input"] = io.BytesIO(body)
    inner["PATH_INFO"] = "/"
    got = []
    reply = b"".join(proxy(inner, lambda status, headers, exc=None: got.append(status)))
    with open(kept, "rb") as f:
        previous = f.read() or reply
    with open(kept, "wb") as f:
        f.write(reply)
    start_response("200 OK", [("Content-Type", "application/kerberos")])
    return [previous]


def application(env, start_response):
    path = env.get("PATH_INFO", "")
    if path == "/stale":
        return stale(env, start_response)
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
# Written by the workers, as whoever they run as.
: >"$bad/stale.reply"
chmod 755 "$dir" "$bad"
chmod 644 "$bad/bad.wsgi"
chmod 666 "$bad/stale.reply"
sh "$fixtures/kdcproxy.sh" up "$dir" SSPI.TEST "kerberos+tcp://127.0.0.1:$kdc_port" \
	"kpasswd+udp://127.0.0.1:$kpasswd_port" "WSGIScriptAlias /bad $bad/bad.wsgi
<Directory $bad>
	Require all granted
</Directory>" || exit 1
ssl=$dir/kkdcp/ssl
url=$(cat "$dir/kkdcp/url")
port=$(cat "$dir/kkdcp/port")
apache_pid=$(cat "$dir/kkdcp/pid")

# The clients: a KDC and a password service where nothing listens.
dead_port=$(free_port)
sed -e "s/kdc = 127.0.0.1:$kdc_port/kdc = 127.0.0.1:$dead_port/" \
	-e "s/kpasswd_server = 127.0.0.1:$kpasswd_port/kpasswd_server = 127.0.0.1:$dead_port/" \
	"$dir/krb5.conf" >"$dir/client.conf"
grep -q "kdc = 127.0.0.1:$dead_port" "$dir/client.conf" &&
	grep -q "kpasswd_server = 127.0.0.1:$dead_port" "$dir/client.conf" ||
	{ echo "client.conf not made"; exit 1; }
export KRB5_CONFIG=$dir/client.conf
export KRB5_KTNAME=FILE:$dir/service.keytab
export KRB5CCNAME=FILE:$dir/no-such-cache
export SSPI_GSS_KDC_PROXY_CAFILE=$ssl/ca.pem
unset SSPI_GSS_KDC_PROXY SSPI_GSS_KDC_PROXY_FORCE
posts() { sh "$fixtures/kdcproxy.sh" posts "$dir"; }


# 1. By the environment.
before=$(posts)
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	bounded "$dir/c1.log" "$client" client Kerberos alice Alice-Pass-1 HTTP/localhost host/localhost
check "Kerberos, password, SSPI_GSS_KDC_PROXY: logon" has "$dir/c1.log" \
	"ok: AcquireCredentialsHandle Kerberos"
check "  HTTP/localhost: ticket through the proxy, sealing both ways" has "$dir/c1.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  then host/localhost" has "$dir/c1.log" "ok: host/localhost logon and sealing SEC_E_OK"
check "  the proxy carried the AS and both TGS exchanges" test "$(($(posts) - before))" -ge 3

SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	bounded "$dir/c2.log" "$client" client Negotiate alice Alice-Pass-1 HTTP/localhost
check "Negotiate, password, SSPI_GSS_KDC_PROXY: logon and sealing" has "$dir/c2.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  Negotiate chose Kerberos" has "$dir/c2.log" "package: Kerberos"

bounded "$dir/c0.log" "$client" client Kerberos alice Alice-Pass-1 HTTP/localhost
check "no proxy, the KDC unreachable: AcquireCredentialsHandle with a password works" has \
	"$dir/c0.log" "ok: AcquireCredentialsHandle Kerberos"
check "  its first context finds no KDC" has "$dir/c0.log" \
	"failed: HTTP/localhost SEC_E_NO_AUTHENTICATING_AUTHORITY"

# 2. By the attribute, on default credentials: alice's TGT from the KDC
# directly (the realm's own configuration), then service tickets through
# the proxy only.
KRB5_CONFIG=$dir/krb5.conf KRB5CCNAME=FILE:$dir/ccache \
	kinit.heimdal --password-file="$dir/alice.password" alice@SSPI.TEST >"$dir/kinit.log" 2>&1
check "kinit for the ticket cache" test -s "$dir/ccache"
# First without a proxy (service tickets obtained later are written back to
# the cache, and would be used without asking any KDC).
KRB5CCNAME=FILE:$dir/ccache bounded "$dir/c5.log" "$client" client Kerberos - - HTTP/localhost:8080
check "ticket cache, no proxy: no KDC for a service ticket" has "$dir/c5.log" \
	"failed: HTTP/localhost:8080 SEC_E_NO_AUTHENTICATING_AUTHORITY"
before=$(posts)
KRB5CCNAME=FILE:$dir/ccache bounded "$dir/c3.log" "$client" client Kerberos - - \
	-attr "$url" -force HTTP/localhost host/localhost
check "Kerberos, ticket cache, the attribute (URL, FORCEPROXY)" has "$dir/c3.log" \
	"ok: SetCredentialsAttributesW KDC_PROXY_SETTINGS SEC_E_OK"
check "  HTTP/localhost: ticket through the proxy, sealing both ways" has "$dir/c3.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  then host/localhost" has "$dir/c3.log" "ok: host/localhost logon and sealing SEC_E_OK"
check "  two TGS exchanges through the proxy" test "$(($(posts) - before))" -eq 2
KRB5CCNAME=FILE:$dir/ccache bounded "$dir/c4.log" "$client" client Negotiate - - \
	-attr "localhost:$port:KdcProxy" HTTP/localhost:8080
check "Negotiate, the attribute in Windows' form (host:port:path)" has "$dir/c4.log" \
	"ok: HTTP/localhost:8080 logon and sealing SEC_E_OK"

# ...and on a password credential: the AS exchange is the first
# context's, after the attribute is set, as on Windows.
before=$(posts)
bounded "$dir/c6.log" "$client" client Kerberos alice Alice-Pass-1 -attr "$url" -force HTTP/localhost
check "Kerberos, password, the attribute: the AS exchange through the proxy" has "$dir/c6.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  AS and TGS exchanges through the proxy" test "$(($(posts) - before))" -ge 2
bounded "$dir/c7.log" "$client" client Negotiate alice Alice-Pass-1 -attr "localhost:$port:KdcProxy" \
	HTTP/localhost
check "Negotiate, password, the attribute: Kerberos through the proxy" has "$dir/c7.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  Negotiate chose Kerberos" has "$dir/c7.log" "package: Kerberos"

# 3. Renewal: carol's TGT lives 20 s and may be renewed for 40 s. At 16 s
# it is renewed (a TGS exchange with the RENEW option), at 36 s it can
# no longer be: a new AS exchange with the password. Twice at once: the
# proxy set by the environment, and by the credential's attribute.
before=$(posts)
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 SSPI_GSS_TRACE=$dir/renew-env.trace \
	bounded "$dir/r-env.log" "$client" client Kerberos carol Carol-Pass-1 \
	HTTP/localhost +16 host/localhost +20 HTTP/localhost:8080 &
renew_env=$!
SSPI_GSS_TRACE=$dir/renew-attr.trace \
	bounded "$dir/r-attr.log" "$client" client Kerberos carol Carol-Pass-1 -attr "$url" -force \
	HTTP/localhost +16 host/localhost +20 HTTP/localhost:8080
wait "$renew_env"
for how in env attr; do
	check "renewal ($how): a logon through the proxy" has "$dir/r-$how.log" \
		"ok: HTTP/localhost logon and sealing SEC_E_OK"
	check "  16 s later the TGT renewed, a second service" has "$dir/r-$how.log" \
		"ok: host/localhost logon and sealing SEC_E_OK"
	check "  the trace says it was renewed" has "$dir/renew-$how.trace" \
		"the TGT of carol@SSPI.TEST renewed"
	check "  36 s later, past renewal: a new logon with the password, a third service" has \
		"$dir/r-$how.log" "ok: HTTP/localhost:8080 logon and sealing SEC_E_OK"
	check "  the trace says it logged on again" has "$dir/renew-$how.trace" \
		"carol@SSPI.TEST logged on again with the password"
done
# Each: AS (2: the first answers PREAUTH_REQUIRED), TGS, renewal TGS, TGS,
# AS (2), TGS.
check "  every exchange through the proxy" test "$(($(posts) - before))" -ge 12

# krb5.conf's [sspi-gss] section, for programs that set no variable.
cp "$dir/client.conf" "$dir/client-proxy.conf"
printf '[sspi-gss]\n\tkdc_proxy = %s\n\tkdc_proxy_force = true\n' "$url" >>"$dir/client-proxy.conf"
before=$(posts)
KRB5_CONFIG=$dir/client-proxy.conf bounded "$dir/k1.log" "$client" client Kerberos alice \
	Alice-Pass-1 HTTP/localhost host/localhost
check "krb5.conf [sspi-gss] kdc_proxy: Kerberos logon, two services, sealing" has \
	"$dir/k1.log" "ok: host/localhost logon and sealing SEC_E_OK"
check "  AS and TGS exchanges through the proxy" test "$(($(posts) - before))" -ge 3
KRB5_CONFIG=$dir/client-proxy.conf bounded "$dir/k2.log" "$client" client Negotiate alice \
	Alice-Pass-1 HTTP/localhost
check "  Negotiate: Kerberos through it" has "$dir/k2.log" "package: Kerberos"

# 4. ChangeAccountPassword through the proxy (kpasswd), then the new
# password logs on through it.
before=$(posts)
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	bounded "$dir/p1.log" "$client" chpw bob Bob-Pass-2 Bob-New-Pass-3
check "ChangeAccountPassword through the proxy" has "$dir/p1.log" \
	"ok: ChangeAccountPasswordA SEC_E_OK"
check "  the kpasswd request went through it" test "$(($(posts) - before))" -ge 2
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	bounded "$dir/p2.log" "$client" client Kerberos bob Bob-New-Pass-3 HTTP/localhost
check "  the new password logs on, sealing afterwards" has "$dir/p2.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	bounded "$dir/p3.log" "$client" client Kerberos bob Bob-Pass-2 HTTP/localhost
check "  the old one is refused" has "$dir/p3.log" "failed: HTTP/localhost SEC_E_LOGON_DENIED"
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	bounded "$dir/p4.log" "$client" chpw bob not-the-password Bob-Other-Pass-4
check "  a wrong old password: SEC_E_LOGON_DENIED" has "$dir/p4.log" \
	"failed: ChangeAccountPasswordA SEC_E_LOGON_DENIED"
SSPI_GSS_KDC_PROXY=https://localhost:$(free_port)/KdcProxy SSPI_GSS_KDC_PROXY_FORCE=1 \
	bounded "$dir/p5.log" "$client" chpw bob Bob-New-Pass-3 Bob-Other-Pass-4
check "  the proxy down, FORCEPROXY: SEC_E_NO_AUTHENTICATING_AUTHORITY" has "$dir/p5.log" \
	"failed: ChangeAccountPasswordA SEC_E_NO_AUTHENTICATING_AUTHORITY: KDC proxy"
# The proxy had the request and failed (HTTP 500), FORCEPROXY off, the
# password server reachable directly: not sent again, as the proxy may
# have passed it on; the password is what it was. The proxy down instead
# (nothing sent): the change goes to the password server directly.
KRB5_CONFIG=$dir/krb5.conf SSPI_GSS_KDC_PROXY=https://localhost:$port/bad/error \
	bounded "$dir/p6.log" "$client" chpw bob Bob-New-Pass-3 Bob-Other-Pass-4
check "  HTTP 500 after the request, no FORCEPROXY: not sent again" has "$dir/p6.log" \
	"failed: ChangeAccountPasswordA SEC_E_NO_AUTHENTICATING_AUTHORITY: .*HTTP 500.*not sent again"
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	bounded "$dir/p7.log" "$client" client Kerberos bob Bob-New-Pass-3 HTTP/localhost
check "    the password is unchanged" has "$dir/p7.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
KRB5_CONFIG=$dir/krb5.conf SSPI_GSS_KDC_PROXY=https://localhost:$(free_port)/KdcProxy \
	bounded "$dir/p8.log" "$client" chpw bob Bob-New-Pass-3 Bob-Pass-6
check "  the proxy down, no FORCEPROXY: the password server directly" has "$dir/p8.log" \
	"ok: ChangeAccountPasswordA SEC_E_OK"
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 \
	bounded "$dir/p9.log" "$client" client Kerberos bob Bob-Pass-6 HTTP/localhost
check "    the new password logs on" has "$dir/p9.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"

# 5. sspi-gss-info --check.
SSPI_GSS_KDC_PROXY=$url "$info" --check Kerberos >"$dir/i1.log" 2>&1
check "sspi-gss-info --check: the proxy answers, the KDC behind it" has "$dir/i1.log" \
	"ok    KDC proxy: $url answers; the KDC of SSPI.TEST behind it said: .*sspi-gss-check"
check "  its certificate" has "$dir/i1.log" "certificate: subject CN *= *localhost, issuer CN *= *sspi-gss test CA"
check "  the KDCs out of reach directly are no problem" has "$dir/i1.log" \
	"no KDC of SSPI.TEST answers directly; the KDC proxy does"
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_CAFILE=$ssl/other.pem "$info" --check Kerberos \
	>"$dir/i2.log" 2>&1
check "sspi-gss-info --check: an untrusted certificate is a problem, with the reason" has \
	"$dir/i2.log" "FAIL  KDC proxy: $url does not answer for SSPI.TEST: .*certificate"
"$info" --check Kerberos >"$dir/i3.log" 2>&1
check "sspi-gss-info --check: no proxy set" has "$dir/i3.log" "ok    KDC proxy: none set"

# 6. Faults, each a password logon through SSPI_GSS_KDC_PROXY.
fault() { # log, URL, force (1 or empty), then extra environment
	log=$1 u=$2 f=$3
	shift 3
	bounded "$log" env SSPI_GSS_KDC_PROXY="$u" SSPI_GSS_KDC_PROXY_FORCE="$f" "$@" \
		"$client" client Kerberos alice Alice-Pass-1 HTTP/localhost
}
refused() { # log, reason text
	has "$1" "failed: HTTP/localhost SEC_E_NO_AUTHENTICATING_AUTHORITY: KDC proxy" &&
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
check "a proxy's reply that is no Kerberos: no usable KDC, the reason" has "$dir/f8.log" \
	"^failed: HTTP/localhost SEC_E_NO_AUTHENTICATING_AUTHORITY: Kerberos logon: ."
check "  and no hang" not_has "$dir/f8.log" TIMEOUT
fault "$dir/f10.log" "https://localhost:$port/bad/stale" 1
check "replies to other requests (each the one before): no usable KDC, the reason" has \
	"$dir/f10.log" "^failed: HTTP/localhost SEC_E_NO_AUTHENTICATING_AUTHORITY: Kerberos logon: ."
check "  and no hang" not_has "$dir/f10.log" TIMEOUT
fault "$dir/f9.log" "https://localhost:$port/bad/error" "" KRB5_CONFIG="$dir/krb5.conf"
check "HTTP 500, no FORCEPROXY, the KDC reachable: logon directly" has "$dir/f9.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "Apache is still up" kill -0 "$apache_pid"

if [ "$failed" -eq 0 ]; then echo "kdc-proxy-check: all passed"; else echo "kdc-proxy-check: FAILED"; fi
exit "$failed"
