# Shell helpers the interoperability scripts share (sourced, not run, after
# the script has set $here to the tests directory). server_pid names the
# background server; a script's cleanup trap kills it.

server_pid=""
failed=0

# start_server LOG CMD...: runs a server in the background and waits for its
# "listening on"/"starting" line (a probe connection would use up a -once
# server's only accept).
start_server() {
	log=$1; shift
	"$@" >"$log" 2>&1 &
	server_pid=$!
	for _ in $(seq 200); do
		grep -q -e '^listening on' -e '^starting' "$log" 2>/dev/null && return 0
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "--- server did not start:"; cat "$log"
	return 1
}

# stop_server: gives the server 20 s to finish, then stops it; sets server_rc.
stop_server() {
	for _ in $(seq 200); do
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$server_pid" 2>/dev/null
	wait "$server_pid"
	server_rc=$?
	server_pid=""
}

check() { # name, then a command that must succeed
	name=$1; shift
	if "$@"; then echo "ok: $name"; else echo "FAILED: $name"; failed=1; fi
}
has() { # file, text it must contain
	grep -q -- "$2" "$1" && return 0
	echo "--- $1 lacks: $2"; cat "$1"; return 1
}
not_has() { # file, text it must not contain
	grep -q -- "$2" "$1" || return 0
	echo "--- $1 has: $2"; cat "$1"; return 1
}
count() { grep -c -- "$2" "$1"; }
free_port() { sh "$here/realm.sh" port; }
