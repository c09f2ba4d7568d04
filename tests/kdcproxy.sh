#!/bin/sh
# A KDC proxy (MS-KKDCP) for tests: FreeIPA's kdcproxy under Apache httpd
# (mod_wsgi, mod_ssl) on 127.0.0.1, with a server certificate for
# "localhost" from a CA made here, in front of the KDC (and kpasswd
# server) given. Nothing outside DIR/kkdcp is written; Apache is stopped by
# its PID.
#
#   kdcproxy.sh check            exit 77 with "skipped: ..." when Apache,
#                                mod_ssl, mod_wsgi, kdcproxy or openssl is
#                                missing
#   kdcproxy.sh up DIR REALM KDC [KPASSWD [EXTRA_CONF]]
#       KDC, KPASSWD: kdcproxy's server URLs (kerberos+tcp://127.0.0.1:88,
#       kpasswd+udp://...); EXTRA_CONF: Apache configuration lines to add
#       (more WSGI applications). Writes DIR/kkdcp/url (the proxy's URL),
#       DIR/kkdcp/port, DIR/kkdcp/ssl/ca.pem (the CA to trust) and
#       DIR/kkdcp/ssl/other.pem (a CA nobody uses); DIR/kkdcp/www is the
#       document root (readable by Apache's workers).
#   kdcproxy.sh posts DIR        how many POSTs to /KdcProxy got HTTP 200
#   kdcproxy.sh down DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
apache=/usr/sbin/apache2
modules=/usr/lib/apache2/modules

cmd=${1:-}
case $cmd in
check)
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
	exit 0
	;;
up)
	dir=$2 realm=$3 kdc=$4 kpasswd=${5:-} extra=${6:-}
	k=$dir/kkdcp
	ssl=$k/ssl
	www=$k/www
	mkdir -p "$ssl" "$www" "$k/apache"
	# Certificates: a CA, the proxy's certificate for "localhost" only (so
	# that https://127.0.0.1 fails the host-name check), and a CA nobody uses.
	{
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ssl/ca.key" -out "$ssl/ca.pem" \
			-days 2 -subj "/CN=sspi-gss test CA"
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ssl/other.key" \
			-out "$ssl/other.pem" -days 2 -subj "/CN=sspi-gss untrusted CA"
		openssl req -newkey rsa:2048 -nodes -keyout "$ssl/server.key" -out "$ssl/server.csr" \
			-subj "/CN=localhost"
		printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$ssl/ext"
		openssl x509 -req -in "$ssl/server.csr" -CA "$ssl/ca.pem" -CAkey "$ssl/ca.key" \
			-CAcreateserial -out "$ssl/server.pem" -days 2 -extfile "$ssl/ext"
	} >"$k/openssl.log" 2>&1 || { cat "$k/openssl.log"; exit 1; }
	# kdcproxy: the realm's servers, no DNS.
	{
		printf '[global]\nuse_dns = false\n[%s]\nkerberos = %s\n' "$realm" "$kdc"
		[ -n "$kpasswd" ] && printf 'kpasswd = %s\n' "$kpasswd"
	} >"$www/kdcproxy.conf"
	cat >"$www/kdcproxy.wsgi" <<WSGI
import os
os.environ["KDCPROXY_CONFIG"] = "$www/kdcproxy.conf"
from kdcproxy import Application
application = Application()
WSGI
	port=$(sh "$here/realm.sh" port)
	user_lines=""
	if [ "$(id -u)" -eq 0 ]; then
		# Workers run as nobody: the tree they read must be readable by it.
		user_lines="User nobody
Group nogroup"
		chmod 755 "$dir" "$k" "$www"
	fi
	cat >"$k/apache/httpd.conf" <<CONF
ServerRoot $k/apache
ServerName localhost
Listen 127.0.0.1:$port
PidFile $k/apache/httpd.pid
DefaultRuntimeDir $k/apache
ErrorLog $k/apache/error.log
LogLevel warn
LogFormat "%m %U %>s" short
CustomLog $k/apache/access.log short
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
$extra
<Directory $www>
	Require all granted
</Directory>
CONF
	[ "$(id -u)" -eq 0 ] && chmod -R a+rX "$www"
	"$apache" -f "$k/apache/httpd.conf" -DFOREGROUND >"$k/apache/out.log" 2>&1 &
	echo $! >"$k/pid"
	for _ in $(seq 100); do
		grep -q 'resuming normal operations' "$k/apache/error.log" 2>/dev/null && break
		kill -0 "$(cat "$k/pid")" 2>/dev/null || break
		sleep 0.1
	done
	if ! kill -0 "$(cat "$k/pid")" 2>/dev/null; then
		echo "--- Apache did not start:"
		cat "$k/apache/out.log" "$k/apache/error.log" 2>/dev/null
		exit 1
	fi
	echo "$port" >"$k/port"
	echo "https://localhost:$port/KdcProxy" >"$k/url"
	;;
posts)
	grep -c '^POST /KdcProxy 200' "$2/kkdcp/apache/access.log" 2>/dev/null || true
	;;
down)
	pidfile=$2/kkdcp/pid
	if [ -f "$pidfile" ]; then
		pid=$(cat "$pidfile")
		kill "$pid" 2>/dev/null
		# Apache stops its workers first: wait for it, by its PID.
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		rm -f "$pidfile"
	fi
	;;
*)
	echo "usage: kdcproxy.sh check | up DIR REALM KDC [KPASSWD [EXTRA_CONF]] | posts DIR | down DIR" >&2
	exit 2
	;;
esac
