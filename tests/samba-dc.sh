#!/bin/sh
# A throwaway Active Directory domain controller (Samba), realm AD.SSPI.TEST,
# NetBIOS domain ADSSPI, on loopback inside a private network and mount
# namespace: nothing leaves the namespace's own lo and nothing outside the
# fixture's directory is written (/run/samba and /etc/resolv.conf are bind
# mounts visible only inside the namespace).
#
#   samba-dc.sh run CMD [ARG...]
#       provisions a domain into a temporary directory, enters a new
#       namespace, starts the DC (samba -i, stopped by its PID), waits until
#       a kinit and winbind answer, runs CMD inside the namespace with the
#       environment below, stops the DC and removes the directory. The exit
#       status is CMD's; 77 ("skipped") without root or without Samba.
#
# CMD sees: SSPI_GSS_AD_DIR (the fixture directory), KRB5_CONFIG (the
# domain's krb5.conf, kdc = 127.0.0.1), KRB5CCNAME (a FILE cache in the
# directory, empty), SSPI_GSS_AD_KEYTAB (HTTP/localhost's AES keytab),
# SSPI_GSS_AD_KRBTGT_KEYTAB (the domain's krbtgt keys, so tests can check the
# KDC signature of a PAC), SSPI_GSS_AD_SMBCONF, SSPI_GSS_AD_SAMBA_PID and
# the account passwords:
#   alice   Alice-Pass-1   member of sspi-staff
#   bob     Bob-Pass-1
#   carol   Carol-Pass-1   disabled
#   svc-http               service account, SPN HTTP/localhost, AES keys
#   DC1$                   the DC, also SPNs ldap/dc1.ad.sspi.test and ldap/dc1;
#                          its LDAP server requires signing or sealing
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:-}

skip() {
	echo "skipped: $*"
	exit 77
}

# Waits for COMMAND to succeed, up to SECONDS; 1 if it never did.
wait_for() {
	secs=$1
	shift
	i=0
	while [ "$i" -lt $((secs * 5)) ]; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

case $cmd in
run)
	shift
	[ "$(id -u)" -eq 0 ] || skip "the Samba AD DC fixture needs root (namespaces, samba)"
	for p in samba samba-tool wbinfo unshare ip; do
		command -v "$p" >/dev/null 2>&1 || skip "no $p (packages samba, samba-ad-dc, winbind, iproute2)"
	done
	dir=$(mktemp -d "${TMPDIR:-/tmp}/sspi-gss-ad-XXXXXX")
	chmod 755 "$dir"
	rc=0
	unshare -n -m --propagation private sh ${SSPI_GSS_AD_TRACE:+-x} "$here/samba-dc.sh" inside "$dir" "$@" || rc=$?
	rm -rf "$dir"
	exit "$rc"
	;;
inside)
	dir=$2
	shift 2
	;;
*)
	echo "usage: samba-dc.sh run CMD [ARG...]" >&2
	exit 2
	;;
esac

# --- inside the namespace from here on ---
ip link set lo up
log=$dir/fixture.log
: >"$log"

# Name resolution: the namespace's own resolv.conf and hosts, so Samba's
# tools and Kerberos find the DC at 127.0.0.1 and never the host's resolver.
printf 'nameserver 127.0.0.1\n' >"$dir/resolv.conf"
printf '127.0.0.1 localhost dc1.ad.sspi.test dc1\n::1 localhost\n' >"$dir/hosts"
mount --bind "$dir/resolv.conf" /etc/resolv.conf
mount --bind "$dir/hosts" /etc/hosts
# Debian's libwbclient looks for winbindd's socket only under /run/samba.
mkdir -p "$dir/run" "$dir/private" "$dir/state" "$dir/cache" "$dir/lock" "$dir/logs"
mkdir -p /run/samba
mount --bind "$dir/run" /run/samba
# Samba reads /etc/samba/smb.conf when a tool is not told otherwise: make
# that the fixture's inside the namespace, so no tool can touch the host's.
mkdir -p "$dir/etc"
: >"$dir/etc/smb.conf"
mount --bind "$dir/etc" /etc/samba

smbconf=$dir/etc/smb.conf
mv "$smbconf" "$dir/etc/smb.conf.empty"
samba-tool domain provision --realm=AD.SSPI.TEST --domain=ADSSPI \
	--adminpass='Admin-Pass-1' --server-role=dc --dns-backend=SAMBA_INTERNAL \
	--use-rfc2307 --host-name=dc1 --host-ip=127.0.0.1 --targetdir="$dir" \
	--option="interfaces=lo" --option="bind interfaces only=yes" \
	--option="dns forwarder = 127.0.0.1" >>"$log" 2>&1 || {
	echo "samba-dc.sh: provisioning failed:" >&2
	tail -20 "$log" >&2
	exit 1
}
# Every path into the directory; no forwarder, no printing, no NetBIOS.
sed -i -e '/dns forwarder/d' -e '/^\[global\]/a\
	dns forwarder =\
	log file = '"$dir"'/logs/%m.log\
	pid directory = '"$dir"'/run\
	ncalrpc dir = '"$dir"'/run/ncalrpc\
	winbindd socket directory = '"$dir"'/run/winbindd\
	ntp signd socket directory = '"$dir"'/run/ntp_signd\
	smb passwd file = '"$dir"'/private/smbpasswd\
	usershare path = '"$dir"'/usershares\
	disable netbios = yes\
	load printers = no\
	printcap name = /dev/null\
	disable spoolss = yes\
	dns update command = /bin/true\
	spn update command = /bin/true\
	ldap server require strong auth = yes\
	kerberos encryption types = all' "$smbconf"
mkdir -p "$dir/usershares"

# The domain's accounts. AES keys for the service: without
# msDS-SupportedEncryptionTypes its keytab would hold RC4 only.
st() { samba-tool "$@" -s "$smbconf" >>"$log" 2>&1; }
st user create alice 'Alice-Pass-1' --given-name=Alice --surname=Liddell
st user create bob 'Bob-Pass-1'
st user create carol 'Carol-Pass-1'
st user disable carol
st group add sspi-staff
st group addmembers sspi-staff alice
st user create svc-http 'Svc-Http-Pass-1!'
st user setexpiry svc-http --noexpiry
st user setexpiry alice --noexpiry
st user setexpiry bob --noexpiry
st spn add HTTP/localhost svc-http
# LDAP with Kerberos asks for ldap/<DC>; provisioning gives the DC's account
# HOST/ names only.
st spn add ldap/dc1.ad.sspi.test 'DC1$'
st spn add ldap/dc1 'DC1$'
cat >"$dir/enctypes.ldif" <<LDIF
dn: CN=svc-http,CN=Users,DC=ad,DC=sspi,DC=test
changetype: modify
replace: msDS-SupportedEncryptionTypes
msDS-SupportedEncryptionTypes: 24
LDIF
ldbmodify -H "$dir/private/sam.ldb" "$dir/enctypes.ldif" >>"$log" 2>&1
# New keys after the change, so the keytab holds the AES ones.
st user setpassword svc-http --newpassword='Svc-Http-Pass-2!'
st domain exportkeytab "$dir/http.keytab" --principal=HTTP/localhost
st domain exportkeytab "$dir/krbtgt.keytab" --principal=krbtgt
chmod 644 "$dir/http.keytab"

# The domain's krb5.conf (Heimdal and MIT both read it), kdc on loopback.
cat >"$dir/krb5.conf" <<CONF
[libdefaults]
	default_realm = AD.SSPI.TEST
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	dns_canonicalize_hostname = false
	udp_preference_limit = 1
	forwardable = true
[realms]
	AD.SSPI.TEST = {
		kdc = 127.0.0.1
		kpasswd_server = 127.0.0.1
	}
[domain_realm]
	localhost = AD.SSPI.TEST
	.ad.sspi.test = AD.SSPI.TEST
CONF

samba -i -M standard -s "$smbconf" >>"$dir/logs/samba.out" 2>&1 &
samba_pid=$!
stop_dc() {
	kill "$samba_pid" 2>/dev/null || true
	i=0
	while kill -0 "$samba_pid" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	kill -9 "$samba_pid" 2>/dev/null || true
	# Its children (winbindd, the task processes) share its process group
	# only when started from a shell with job control: end any left.
	for p in $(pgrep -f "$smbconf" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
}
trap stop_dc EXIT INT TERM

export KRB5_CONFIG=$dir/krb5.conf
export KRB5CCNAME=FILE:$dir/fixture.ccache
# The KDC answers about a second after port 88 opens: wait for a real kinit,
# then for winbind's trust with the DC (wbinfo -P).
printf 'Alice-Pass-1' >"$dir/alice.password"
if ! wait_for 60 kinit --password-file="$dir/alice.password" alice@AD.SSPI.TEST; then
	echo "samba-dc.sh: the KDC never answered a kinit" >&2
	tail -30 "$dir/logs/samba.out" >&2
	exit 1
fi
rm -f "$dir/fixture.ccache"
if ! wait_for 60 wbinfo -P; then
	echo "samba-dc.sh: winbind never answered" >&2
	exit 1
fi
# The LDAP server opens its port after making its TLS key: wait for an
# anonymous read of the rootDSE.
if ! wait_for 60 ldbsearch -H ldap://127.0.0.1 --scope=base -b '' dnsHostName; then
	echo "samba-dc.sh: the LDAP server never answered" >&2
	exit 1
fi

export SSPI_GSS_AD_DIR="$dir"
export SSPI_GSS_AD_KEYTAB="$dir/http.keytab"
export SSPI_GSS_AD_KRBTGT_KEYTAB="$dir/krbtgt.keytab"
export SSPI_GSS_AD_SMBCONF="$smbconf"
export SSPI_GSS_AD_SAMBA_PID="$samba_pid"
export KRB5CCNAME=FILE:$dir/test.ccache
export SSPI_GSS_PAC_KDC_KEYTAB="$dir/krbtgt.keytab"
export KRB5_KTNAME="FILE:$dir/http.keytab"
rc=0
# shellcheck disable=SC2086
${SSPI_GSS_AD_WRAPPER:-} "$@" || rc=$?
stop_dc
trap - EXIT INT TERM
exit "$rc"
