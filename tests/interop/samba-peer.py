#!/usr/bin/env python3
"""Our NTLM and Negotiate packages against Samba's, both ways, on no network
at all: Samba's ntlm_auth helpers (package winbind) and our
tests/interop/ntlm_auth_peer speak one line protocol on their standard input and
output, and this script carries each side's tokens to the other.

    samba-peer.py PEER_BINARY

Inside the Samba AD DC fixture (tests/fixtures/samba-dc.sh sets
SSPI_GSS_AD_SMBCONF) the same checks run against the domain: Samba's acceptors
check through winbind (no password on their command line), ours use the
winbind backend (SSPI_GSS_NTLM_BACKEND=winbind), and the user is the domain's.

Prints one "ok:" or "FAILED:" line per check and a closing
"N passed, N failed" line; exits 0 only if all passed. Without ntlm_auth
on the machine it says "skipped" and exits 0 (tools/install-deps.sh
installs it).
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile

USER, DOMAIN, PASSWORD = "alice", "SSPI", "Alice-Pass-1"
SMBCONF = os.environ.get("SSPI_GSS_AD_SMBCONF")
if SMBCONF:
    DOMAIN = "ADSSPI"
# Samba's tools read the fixture's smb.conf, never the host's.
SAMBA_OPTS = ["--configfile=" + SMBCONF] if SMBCONF else []


class Helper:
    """A helper process, one request line in, one answer line out."""

    def __init__(self, argv, env=None):
        self.log = tempfile.TemporaryFile(mode="w+")
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.log, text=True, env=env)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        answer = self.p.stdout.readline().rstrip("\n")
        return answer

    def close(self):
        """Ends the helper; its standard error, and whether it exited 0."""
        self.p.stdin.close()
        rc = self.p.wait(timeout=60)
        self.log.seek(0)
        return self.log.read(), rc == 0


def exchange(client, server):
    """Runs one authentication; returns (outcome, user, transcript), outcome
    'AF' (accepted), 'NA' (refused by the server) or 'BH:...' (a side broke)."""
    transcript = []
    answer = client.ask("YR")
    transcript.append("client " + answer[:2])
    if not answer.startswith("YR "):
        return "BH: client " + answer, None, transcript
    request = "YR " + answer[3:]
    for _ in range(6):
        reply = server.ask(request)
        transcript.append("server " + reply[:2])
        words = reply.split(" ")
        if words[0] == "TT":
            answer = client.ask("TT " + words[1])
            transcript.append("client " + answer[:2])
            if answer[:2] in ("KK", "AF") and len(answer) > 3 and answer[3:] != "*":
                request = "KK " + answer[3:]
                continue
            return "BH: client " + answer, None, transcript
        if words[0] == "AF":
            user = words[-1]
            if len(words) == 3:
                # SPNEGO: a last token for the client, which must accept it.
                answer = client.ask("TT " + words[1])
                transcript.append("client " + answer[:2])
                if not answer.startswith("AF"):
                    return "BH: client refused the last token: " + answer, user, transcript
            return "AF", user, transcript
        if words[0] == "NA":
            return "NA", None, transcript
        return "BH: server " + reply, None, transcript
    return "BH: too many legs", None, transcript


def samba_client(protocol, password=PASSWORD):
    return Helper(["ntlm_auth", *SAMBA_OPTS, "--helper-protocol=" + protocol,
                   "--username=" + USER, "--domain=" + DOMAIN, "--password=" + password])


def samba_server(protocol):
    if SMBCONF:
        # The domain controller decides, through winbind.
        return Helper(["ntlm_auth", *SAMBA_OPTS, "--helper-protocol=" + protocol])
    return Helper(["ntlm_auth", "--helper-protocol=" + protocol, "--username=" + USER,
                   "--domain=" + DOMAIN, "--password=" + PASSWORD])


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    peer = sys.argv[1]
    if shutil.which("ntlm_auth") is None:
        print("skipped: no ntlm_auth (Debian package winbind) on this machine")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    work = tempfile.mkdtemp(prefix="sspi-gss-samba-")
    users = os.path.join(work, "users")
    with open(users, "w") as f:
        f.write(f"{DOMAIN}:{USER}:{PASSWORD}\n")
    os.chmod(users, 0o600)
    env = dict(os.environ, NTLM_USER_FILE=users)
    if SMBCONF:
        del env["NTLM_USER_FILE"]
        env["SSPI_GSS_NTLM_BACKEND"] = "winbind"
    # A name Kerberos has no ticket for, so Negotiate settles on NTLM (in the
    # domain HTTP/localhost is a service account's, whose keys Samba's own
    # SPNEGO acceptor does not hold).
    target = "HTTP/127.0.0.1" if SMBCONF else "HTTP/localhost"
    # Under valgrind in tests/run-all.sh: our helper runs inside it.
    wrapper = os.environ.get("SSPI_GSS_SAMPLE_WRAPPER", "").split()
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("ok: " + name)
        else:
            failed += 1
            print("FAILED: " + name + (": " + detail if detail else ""))

    def our_server(package, *extra):
        return Helper([*wrapper, peer, "server", package, *extra], env=env)

    def our_client(package, password=PASSWORD, protect="seal"):
        return Helper([*wrapper, peer, "client", package, USER, DOMAIN, password,
                       target, protect], env=env)

    def run(name, client, server, want, want_user=None, samba=None, seal=False):
        """One exchange; our helper (whichever side) must also exit cleanly.
        samba names Samba's side ('client' or 'server'): after a logon its
        session key (GK) must be ours, and with seal its flags (GF) must
        have SEAL."""
        outcome, user, transcript = exchange(client, server)
        key = flags = None
        if outcome == "AF" and samba is not None:
            helper = client if samba == "client" else server
            key = helper.ask("GK")
            flags = helper.ask("GF")
        (clog, cok), (slog, sok) = client.close(), server.close()
        detail = f"{outcome} after {' '.join(transcript)}; client: {clog.strip()} " \
                 f"server: {slog.strip()}"
        check(name, outcome == want and (want_user is None or user == want_user) and cok and sok,
              detail)
        if key is not None:
            ours = slog if samba == "client" else clog
            mine = [w[4:] for w in ours.split() if w.startswith("key=")]
            theirs = base64.b64decode(key[3:]).hex() if key.startswith("GK ") else key
            check("  the same session key as Samba's", mine and mine[0] == theirs,
                  f"Samba {theirs}, ours {mine}")
            if seal:
                check("  Samba negotiated sealing", flags.startswith("GF ") and
                      int(flags[3:], 16) & 0x20 != 0, flags)
        return clog, slog

    # Samba's client against our acceptors. Its NTLMSSP asks for no
    # signing and sends no MIC; Windows lets such clients in, so do we.
    run("Samba NTLMSSP client -> our NTLM server", samba_client("ntlmssp-client-1"),
        our_server("NTLM"), "AF", f"{DOMAIN}\\{USER}", samba="client")
    run("Samba NTLMSSP client, wrong password -> our NTLM server refuses",
        samba_client("ntlmssp-client-1", "wrong"), our_server("NTLM"), "NA")
    _, slog = run("Samba NTLMSSP client (no MIC) -> our NTLM server requiring a MIC refuses",
                  samba_client("ntlmssp-client-1"), our_server("NTLM", "require-mic"), "NA")
    check("  ...saying why", "sent no MIC" in slog, slog.strip())
    run("Samba SPNEGO client -> our Negotiate server", samba_client("gss-spnego-client"),
        our_server("Negotiate"), "AF", f"{DOMAIN}\\{USER}")

    # Our initiators against Samba's acceptors (it checks the password
    # given on its command line).
    for protect in ("seal", "none"):
        run(f"our NTLM client ({protect}) -> Samba NTLMSSP server", our_client("NTLM",
            protect=protect), samba_server("squid-2.5-ntlmssp"), "AF", samba="server",
            seal=protect == "seal")
    run("our NTLM client, wrong password -> Samba NTLMSSP server refuses",
        our_client("NTLM", "wrong"), samba_server("squid-2.5-ntlmssp"), "NA")
    run("our Negotiate client -> Samba SPNEGO server", our_client("Negotiate", protect="none"),
        samba_server("gss-spnego"), "AF")

    shutil.rmtree(work)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
