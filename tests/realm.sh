#!/bin/sh
# A throwaway Heimdal realm, SSPI.TEST, on 127.0.0.1, entirely inside DIR.
# Nothing outside DIR is read or written: every tool gets the config file
# explicitly (kadmin -l without -c would use the system database).
#
#   realm.sh create DIR PORT   config, database, principals, keytab; no daemon
#   realm.sh start DIR         start the KDC in the background (pid in DIR/kdc.pid)
#   realm.sh stop DIR          stop it by that PID
#   realm.sh env DIR           print the environment lines for clients
#   realm.sh port              print a free TCP port on 127.0.0.1
#   realm.sh up DIR            create on a free port and start (the scripts' way)
#
# Principals: alice@SSPI.TEST (password in DIR/alice.password),
# bob@SSPI.TEST, HTTP/localhost, host/localhost and HTTP/localhost:8080 (keys
# in DIR/service.keytab). The KDC's digest service is on, for the NTLM
# acceptor's KDC backend: digest/SSPI.TEST exists and host/localhost may use
# it (allow-digest); NTLMv2 only.
set -eu
KDC=${SSPI_GSS_KDC:-/usr/lib/heimdal-servers/kdc}
cmd=$1
self=$0

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
if [ "$cmd" = port ]; then
	free_port
	exit 0
fi
dir=$(cd "$2" && pwd)
conf=$dir/krb5.conf

case $cmd in
create)
	port=$3
	# The password change service (kpasswdd, UDP), started by the
	# suites that change passwords.
	kpasswd_port=$(free_port)
	cat > "$conf" <<CONF
[libdefaults]
	default_realm = SSPI.TEST
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	dns_canonicalize_hostname = false
	udp_preference_limit = 1
	# Tickets that may be delegated (ISC_REQ_DELEGATE), as a Windows
	# domain's are.
	forwardable = true
[realms]
	SSPI.TEST = {
		# host:port, no tcp/ prefix: MIT krb5 (the interop peers) reads
		# this file too and finds no KDC behind "tcp/". udp_preference_limit
		# = 1 keeps MIT on TCP, but Heimdal 7.8's kinit still sends its
		# first AS-REQ over UDP to a host:port KDC (strace shows it): the
		# KDC serves both on this port (ports = below), so either works.
		kdc = 127.0.0.1:$port
		kpasswd_server = 127.0.0.1:$kpasswd_port
	}
[domain_realm]
	localhost = SSPI.TEST
[kdc]
	database = {
		dbname = $dir/heimdal
		realm = SSPI.TEST
		mkey_file = $dir/m-key
		# The database's change log (iprop), kadmin's: never the KDC's
		# text log, which the KDC appends to while kadmin -l writes this.
		log_file = $dir/heimdal.log
	}
	ports = $port
	addresses = 127.0.0.1
	enable-digest = true
	digests_allowed = ntlm-v2
[logging]
	kdc = FILE:$dir/kdc.log
CONF
	kstash --random-key -k "$dir/m-key" >/dev/null 2>&1
	kadmin -l -c "$conf" init --realm-max-ticket-life=unlimited \
		--realm-max-renewable-life=unlimited SSPI.TEST
	printf 'Alice-Pass-1\n' > "$dir/alice.password"
	printf 'Bob-Pass-2\n' > "$dir/bob.password"
	kadmin -l -c "$conf" add --password=Alice-Pass-1 --use-defaults alice
	kadmin -l -c "$conf" add --password=Bob-Pass-2 --use-defaults bob
	kadmin -l -c "$conf" add --random-key --use-defaults HTTP/localhost
	kadmin -l -c "$conf" add --random-key --use-defaults host/localhost
	# An SPN with a port, as Windows services register them.
	kadmin -l -c "$conf" add --random-key --use-defaults HTTP/localhost:8080
	kadmin -l -c "$conf" add --random-key --use-defaults digest/SSPI.TEST
	kadmin -l -c "$conf" modify --attributes=+allow-digest host/localhost
	kadmin -l -c "$conf" ext_keytab -k "$dir/service.keytab" HTTP/localhost host/localhost \
		HTTP/localhost:8080
	echo "$port" > "$dir/port"
	echo "$kpasswd_port" > "$dir/kpasswd_port"
	;;
start)
	"$KDC" --config-file="$conf" --ports="$(cat "$dir/port")" --addresses=127.0.0.1 \
		>>"$dir/kdc.out" 2>&1 &
	echo $! > "$dir/kdc.pid"
	;;
stop)
	if [ -f "$dir/kdc.pid" ]; then
		pid=$(cat "$dir/kdc.pid")
		kill "$pid" 2>/dev/null || true
		# Wait until it is gone, so that nothing writes into DIR while
		# the caller removes it (5 s, then SIGKILL).
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
		rm -f "$dir/kdc.pid"
	fi
	;;
up)
	sh "$self" create "$dir" "$(free_port)" >"$dir/create.log" 2>&1 || {
		cat "$dir/create.log" >&2
		exit 1
	}
	sh "$self" start "$dir"
	;;
env)
	echo "KRB5_CONFIG=$conf"
	echo "KRB5_KTNAME=FILE:$dir/service.keytab"
	echo "KRB5CCNAME=FILE:$dir/ccache"
	;;
*)
	echo "usage: realm.sh create DIR PORT | start DIR | stop DIR | env DIR | port | up DIR" >&2
	exit 2
	;;
esac
