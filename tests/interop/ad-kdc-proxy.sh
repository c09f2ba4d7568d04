#!/bin/sh
# The Samba AD DC behind a KDC proxy (MS-KKDCP), as a domain's users reach
# it from outside: kdcproxy under Apache (tests/fixtures/kdcproxy.sh) in front of
# the DC's KDC and kpasswd service, inside the AD fixture's namespace; the
# clients' krb5.conf names a KDC and a kpasswd server where nothing
# listens. Kerberos and Negotiate logons with a password (by the variable
# and by the credential attribute), sealing both ways, ChangeAccountPassword
# and a logon with the new password, all through the proxy.
#
#   samba-dc.sh run ad-kdc-proxy.sh TEST_KDC_PROXY
set -u
client=$1
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
. "$fixtures/interop-lib.sh"

sh "$fixtures/kdcproxy.sh" check || exit $?
"$client" available || {
	echo "skipped: libcurl (libcurl4-openssl-dev, needed when the library is built)"
	exit 77
}
[ -n "${SSPI_GSS_AD_DIR:-}" ] || {
	echo "skipped: needs the Samba AD DC fixture (tests/fixtures/samba-dc.sh run ad-kdc-proxy.sh ...)"
	exit 77
}
realm=AD.SSPI.TEST
dir=$SSPI_GSS_AD_DIR/kdc-proxy
mkdir -p "$dir"
trap 'sh "$fixtures/kdcproxy.sh" down "$dir"' EXIT INT TERM
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY PYTHONHOME PYTHONPATH
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# A user may change a password just set (Windows' default waits a day).
samba-tool domain passwordsettings set --min-pwd-age=0 -s "$SSPI_GSS_AD_SMBCONF" \
	>"$dir/settings.log" 2>&1 || { cat "$dir/settings.log"; exit 1; }
sh "$fixtures/kdcproxy.sh" up "$dir" "$realm" kerberos+tcp://127.0.0.1:88 \
	kpasswd+tcp://127.0.0.1:464 || exit 1
url=$(cat "$dir/kkdcp/url")
port=$(cat "$dir/kkdcp/port")
export SSPI_GSS_KDC_PROXY_CAFILE=$dir/kkdcp/ssl/ca.pem

dead=$(free_port)
sed -e "s/kdc = 127.0.0.1\$/kdc = 127.0.0.1:$dead/" \
	-e "s/kpasswd_server = 127.0.0.1\$/kpasswd_server = 127.0.0.1:$dead/" \
	"$KRB5_CONFIG" >"$dir/client.conf"
grep -q "kdc = 127.0.0.1:$dead" "$dir/client.conf" &&
	grep -q "kpasswd_server = 127.0.0.1:$dead" "$dir/client.conf" ||
	{ echo "client.conf not made"; exit 1; }
export KRB5_CONFIG=$dir/client.conf
export KRB5_KTNAME=FILE:$SSPI_GSS_AD_KEYTAB
export KRB5CCNAME=FILE:$dir/no-such-cache
posts() { sh "$fixtures/kdcproxy.sh" posts "$dir"; }

bounded "$dir/c0.log" "$client" client Kerberos alice Alice-Pass-1 -domain "$realm" HTTP/localhost
check "no proxy: the DC out of reach" has "$dir/c0.log" \
	"failed: HTTP/localhost SEC_E_NO_AUTHENTICATING_AUTHORITY"
before=$(posts)
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 bounded "$dir/c1.log" \
	"$client" client Kerberos alice Alice-Pass-1 -domain "$realm" HTTP/localhost
check "AD, Kerberos, SSPI_GSS_KDC_PROXY: logon and sealing" has "$dir/c1.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  AS and TGS exchanges through the proxy" test "$(($(posts) - before))" -ge 2
bounded "$dir/c2.log" "$client" client Negotiate alice Alice-Pass-1 -domain "$realm" \
	-attr "localhost:$(cat "$dir/kkdcp/port"):KdcProxy" -force HTTP/localhost
check "AD, Negotiate, the attribute: logon and sealing" has "$dir/c2.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
check "  Negotiate chose Kerberos" has "$dir/c2.log" "package: Kerberos"
bounded "$dir/c3.log" "$client" client Kerberos alice Wrong-Pass-9 -domain "$realm" \
	-attr "$url" -force HTTP/localhost
check "AD, a wrong password: the DC's refusal through the proxy" has "$dir/c3.log" \
	"failed: HTTP/localhost SEC_E_LOGON_DENIED"

before=$(posts)
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 bounded "$dir/p1.log" \
	"$client" chpw bob Bob-Pass-1 'Bob-New-Pass-2!' "$realm"
check "AD, ChangeAccountPassword through the proxy" has "$dir/p1.log" \
	"ok: ChangeAccountPasswordA SEC_E_OK"
check "  AS and kpasswd through it" test "$(($(posts) - before))" -ge 2
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 bounded "$dir/p2.log" \
	"$client" client Kerberos bob 'Bob-New-Pass-2!' -domain "$realm" HTTP/localhost
check "  the new password logs on, sealing afterwards" has "$dir/p2.log" \
	"ok: HTTP/localhost logon and sealing SEC_E_OK"
SSPI_GSS_KDC_PROXY=$url SSPI_GSS_KDC_PROXY_FORCE=1 bounded "$dir/p3.log" \
	"$client" client Kerberos bob Bob-Pass-1 -domain "$realm" HTTP/localhost
check "  the old one is refused" has "$dir/p3.log" "failed: HTTP/localhost SEC_E_LOGON_DENIED"

if [ "$failed" -eq 0 ]; then echo "ad-kdc-proxy: all passed"; else echo "ad-kdc-proxy: FAILED"; fi
exit "$failed"
