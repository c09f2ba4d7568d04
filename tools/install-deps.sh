#!/bin/sh
# Installs what sspi-gss needs to build and test on Debian or Ubuntu (with
# what FreeRDP 3 needs to build, for tests/interop/freerdp3-check.sh, and MIT's
# krb5-multidev for its MIT build and the bench's MIT baseline).
# Runs apt-get directly as root, through sudo otherwise.
set -eu
packages="build-essential meson ninja-build pkg-config heimdal-dev heimdal-kdc heimdal-clients libssl-dev
libunistring-dev check libwinpr2-dev valgrind python3
krb5-gss-samples faketime clang libclang-rt-14-dev debhelper dpkg-dev winbind
apache2 libapache2-mod-auth-gssapi curl freerdp2-x11 freerdp2-shadow-x11 xvfb iproute2
mingw-w64-x86-64-dev g++ samba samba-ad-dc samba-ad-provision libwbclient-dev ldb-tools
python3-impacket python3-ntlm-auth libldap-dev ldap-utils
libcurl4-openssl-dev python3-kdcproxy libapache2-mod-wsgi-py3 openssl krb5-multidev
libx11-dev libxext-dev libxcursor-dev libxinerama-dev libxi-dev libxrandr-dev libxrender-dev
libxfixes-dev libxkbfile-dev libxv-dev libxdamage-dev libxtst-dev libxkbcommon-dev libcjson-dev
uuid-dev cmake"
if [ "$(id -u)" -eq 0 ]; then as_root=""; else as_root="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$as_root apt-get update -qq
# shellcheck disable=SC2086
$as_root apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "install-deps: build and test dependencies are installed"
