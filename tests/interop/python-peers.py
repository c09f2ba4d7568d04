#!/usr/bin/env python3
"""Debian's Python NTLM and Kerberos clients against our acceptors and our
message calls: python3-ntlm-auth (the NTLM engine of requests-ntlm and
pywinrm) and python3-impacket (its LDAP, SMB and DCE/RPC logons and
message protection). The clients run in this process; our side is
tests/interop/ntlm_auth_peer, one process per logon, whose line protocol carries
the tokens and the messages (its header comment). Nothing goes over a
network but impacket's LDAP binds, which reach our acceptor through an
in-process socket object, and the realm's KDC on 127.0.0.1.

    python-peers.py PEER ntlm       NTLM and Negotiate (a user file)
    python-peers.py PEER kerberos   Kerberos and Negotiate on a throwaway
                                    realm (tests/fixtures/realm.sh)

Windows is the expectation: a case our library gets wrong fails here.
Prints one "ok:" or "FAILED:" line per check and a closing
"N passed, N failed" line; exits 0 only if all passed, 77 after a
"skipped:" line when a package or tool it needs is missing.

Found on the way, and worked around here (not our library's doing):
- python3-ntlm-auth hashes with hashlib's MD4, which OpenSSL 3 offers only
  in its legacy provider: the script runs itself again with an
  OPENSSL_CONF that loads that provider, for this Python process only.
- Debian's packages live in /usr/lib/python3/dist-packages, which only
  /usr/bin/python3 reads: under another python3 the script runs itself
  again with that one.
- impacket 0.10's getKerberosTGS puts no checksum in its TGS-REQ
  authenticator, which Heimdal's KDC refuses (KRB_AP_ERR_INAPP_CKSUM), and
  its CCache.fromTGT needs the starttime Heimdal's AS-REP leaves out; so
  Heimdal's kinit and kgetcred fetch the tickets and impacket takes them
  from the ticket cache (KRB5CCNAME), as its tools do with "-k".
"""
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

USER, DOMAIN, PASSWORD = "alice", "SSPI", "Alice-Pass-1"
REALM = "SSPI.TEST"
DEBIAN_PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
# OpenSSL 3's MD4 (NTOWFv1) is in its legacy provider.
LEGACY_CONF = """openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
"""


def importable(name):
    try:
        __import__(name)
        return True
    except ImportError:
        return False


def has_md4():
    try:
        hashlib.new("md4")
        return True
    except ValueError:
        return False


def run_again_if_needed(mode):
    """Runs the script again under Debian's python3, or with OpenSSL's
    legacy provider, when that gives it the packages it needs. Returns only
    if nothing is gained by it."""
    env = os.environ
    wanted = ["impacket"] + (["ntlm_auth"] if mode == "ntlm" else [])
    if (not all(importable(m) for m in wanted) and "SSPI_GSS_PY_AGAIN" not in env and
            os.path.exists(DEBIAN_PYTHON) and
            os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON)):
        env = dict(env, SSPI_GSS_PY_AGAIN="1")
        os.execve(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__), *sys.argv[1:]], env)
    if mode == "ntlm" and importable("ntlm_auth") and not has_md4() and \
            "SSPI_GSS_PY_LEGACY_CONF" not in env:
        fd, path = tempfile.mkstemp(prefix="sspi-gss-openssl-", suffix=".cnf")
        os.write(fd, LEGACY_CONF.encode())
        os.close(fd)
        env = dict(env, SSPI_GSS_PY_LEGACY_CONF=path, OPENSSL_CONF=path)
        if "OPENSSL_CONF" in os.environ:
            env["SSPI_GSS_PY_OPENSSL_CONF_WAS"] = os.environ["OPENSSL_CONF"]
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *sys.argv[1:]], env)
    conf = os.environ.pop("SSPI_GSS_PY_LEGACY_CONF", None)
    if conf is not None:
        # OpenSSL read it when hashlib loaded; our peers get the caller's.
        if os.path.exists(conf):
            os.unlink(conf)
        was = os.environ.pop("SSPI_GSS_PY_OPENSSL_CONF_WAS", None)
        if was is None:
            os.environ.pop("OPENSSL_CONF", None)
        else:
            os.environ["OPENSSL_CONF"] = was


def b64(data):
    return base64.b64encode(data).decode()


def unb64(text):
    return base64.b64decode(text)


def flip(data, index=-1):
    """data with one bit of byte index changed."""
    data = bytearray(data)
    data[index] ^= 0x01
    return bytes(data)


class Peer:
    """Our acceptor (tests/interop/ntlm_auth_peer server): one request line
    in, one answer line out."""

    def __init__(self, argv, env):
        self.log = tempfile.TemporaryFile(mode="w+")
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.log, text=True, env=env)
        self.transcript = []

    def ask(self, line):
        try:
            self.p.stdin.write(line + "\n")
            self.p.stdin.flush()
            answer = self.p.stdout.readline().rstrip("\n")
        except BrokenPipeError:  # it died; close() says how
            answer = ""
        self.transcript.append(line[:2] + "->" + (answer[:2] if answer[:2] != "NA" else answer))
        return answer

    def accept(self, token, first):
        """One AcceptSecurityContext: ('TT'|'AF'|'NA'|..., token or status,
        user)."""
        words = self.ask(("YR " if first else "KK ") + b64(token)).split(" ")
        if words[0] == "TT" and len(words) == 2:
            return "TT", unb64(words[1]), None
        if words[0] == "AF":
            return "AF", unb64(words[1]) if len(words) == 3 else b"", words[-1]
        return words[0], " ".join(words[1:]), None

    def seal(self, data, signed=None):
        """EncryptMessage: (token, sealed data) or an 'ER ...' string."""
        words = self.ask("SE " + b64(data) + (" " + b64(signed) if signed is not None else ""))
        words = words.split(" ")
        return (unb64(words[1]), unb64(words[2])) if words[0] == "SE" else " ".join(words)

    def unseal(self, token, data, signed=None):
        """DecryptMessage: the plaintext or an 'ER ...' string."""
        words = self.ask(f"UN {b64(token)} {b64(data)}" +
                         (" " + b64(signed) if signed is not None else "")).split(" ")
        return unb64(words[1]) if words[0] == "UN" else " ".join(words)

    def sign(self, data):
        words = self.ask("SG " + b64(data)).split(" ")
        return unb64(words[1]) if words[0] == "SG" else " ".join(words)

    def verify(self, data, signature):
        return self.ask(f"VF {b64(data)} {b64(signature)}")

    def session_key(self):
        words = self.ask("GK").split(" ")
        return unb64(words[1]) if words[0] == "GK" else None

    def close(self):
        """Ends the process; its standard error, and whether it exited 0."""
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        rc = self.p.wait(timeout=120)
        self.log.seek(0)
        return self.log.read().strip(), rc == 0


class Results:
    def __init__(self):
        self.passed = self.failed = 0
        self.skipped = []

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok: " + name)
        else:
            self.failed += 1
            print("FAILED: " + name + (": " + detail if detail else ""))
        sys.stdout.flush()
        return ok

    def skip(self, reason):
        self.skipped.append(reason)
        print("skipped: " + reason)


class Suite:
    """Starts our acceptors and checks how each exchange ends."""

    def __init__(self, peer, env, results):
        self.peer, self.env, self.r = peer, env, results
        # Under valgrind in tests/run-all.sh: our peer runs inside it.
        self.wrapper = os.environ.get("SSPI_GSS_SAMPLE_WRAPPER", "").split()

    def server(self, package, *options):
        return Peer([*self.wrapper, self.peer, "server", package, *options], self.env)

    def finish(self, name, server, ok, detail=""):
        """Stops server; the check passes if ok and it exited cleanly."""
        log, clean = server.close()
        self.r.check(name, ok and clean, f"{detail}; legs: {' '.join(server.transcript)}; "
                     f"our acceptor: {log or '(nothing on stderr)'}"
                     + ("" if clean else "; it did not exit cleanly"))


# ---------------------------------------------------------------------------
# python3-ntlm-auth: NtlmContext (requests-ntlm, pywinrm) and the older Ntlm


def ntlm_auth_cases(s):
    from ntlm_auth.gss_channel_bindings import GssChannelBindingsStruct
    from ntlm_auth.ntlm import Ntlm, NtlmContext

    want_user = f"{DOMAIN}\\{USER}"

    def bindings(app_data):
        cbt = GssChannelBindingsStruct()
        cbt[cbt.APPLICATION_DATA] = app_data
        return cbt

    def logon(server, password=PASSWORD, cbt=None):
        """NEGOTIATE -> CHALLENGE -> AUTHENTICATE; (outcome, context, detail)."""
        # As requests-ntlm 1.1 makes it: a domain, no workstation.
        ctx = NtlmContext(USER, password, DOMAIN, cbt_data=cbt)
        kind, token, _ = server.accept(ctx.step(), True)
        if kind != "TT":
            return kind + " " + str(token), ctx, "at the NEGOTIATE"
        kind, token, user = server.accept(ctx.step(token), False)
        if kind == "AF":
            return "AF " + user, ctx, "at the AUTHENTICATE"
        return f"{kind} {token}", ctx, "at the AUTHENTICATE"

    name = "ntlm-auth NtlmContext -> our NTLM"
    srv = s.server("NTLM")
    outcome, ctx, where = logon(srv)
    ok = outcome == "AF " + want_user
    key = srv.session_key() if ok else None
    s.finish(f"{name}: logon (its NEGOTIATE offers OEM, not UNICODE)", srv, ok,
             f"expected AF {want_user}, got {outcome} {where}")
    if ok:
        s.r.check("  the same session key on both sides", key == ctx.session_key,
                  f"ours {key.hex() if key else None}, its {ctx.session_key.hex()}")

    srv = s.server("NTLM")
    outcome, _, where = logon(srv, "Wrong-Pass")
    s.finish(f"{name}: wrong password refused", srv, outcome == "NA SEC_E_LOGON_DENIED",
             f"expected NA SEC_E_LOGON_DENIED, got {outcome} {where}")

    # Sealing and signing both ways on one context; its RC4 stream is shared
    # by seals and signatures (KEY_EXCH), so the order is part of the test.
    srv = s.server("NTLM")
    outcome, ctx, where = logon(srv)
    detail = f"no logon: {outcome} {where}"
    ok = outcome.startswith("AF")
    if ok:
        for i, size in enumerate((1, 100, 4000)):
            plain = bytes((i + j) & 0xff for j in range(size))
            sealed = ctx.wrap(plain)
            got = srv.unseal(sealed[:16], sealed[16:])
            if got != plain:
                ok, detail = False, f"its message {i}: DecryptMessage gave {got!r:.80}"
                break
            answer = srv.seal(plain[::-1])
            if isinstance(answer, str):
                ok, detail = False, f"our message {i}: EncryptMessage: {answer}"
                break
            try:
                got = ctx.unwrap(answer[0] + answer[1])
            except Exception as e:  # its unwrap raises on a bad signature
                got = f"its unwrap: {e}"
            if got != plain[::-1]:
                ok, detail = False, f"our message {i}: {got!r:.80}"
                break
    s.finish("ntlm-auth wrap -> our DecryptMessage, our EncryptMessage -> its unwrap "
             "(3 messages each way)", srv, ok, detail)

    srv = s.server("NTLM")
    outcome, ctx, where = logon(srv)
    detail = f"no logon: {outcome} {where}"
    ok = outcome.startswith("AF")
    if ok:
        security = ctx._session_security
        msg = b"signed, not sealed"
        answer = srv.verify(msg, security._get_signature(msg))
        ok, detail = answer == "VF ok", f"our VerifySignature of its signature: {answer}"
        if ok:
            sig = srv.sign(msg + b" back")
            try:
                security._verify_signature(msg + b" back", sig)
            except Exception as e:
                ok, detail = False, f"its check of our MakeSignature: {e}"
        if ok:
            sealed = ctx.wrap(b"sealed after signing")
            got = srv.unseal(sealed[:16], sealed[16:])
            ok, detail = got == b"sealed after signing", f"a seal after the signatures: {got!r}"
    s.finish("ntlm-auth signature -> our VerifySignature, our MakeSignature -> its check, "
             "then a seal", srv, ok, detail)

    # A changed message must be refused (each on a fresh logon: a refused
    # message leaves the two RC4 streams apart).
    for what, call in (("wrap with its sealed data", "DecryptMessage"),
                       ("wrap with its signature", "DecryptMessage"),
                       ("signature with the message", "VerifySignature")):
        srv = s.server("NTLM")
        outcome, ctx, where = logon(srv)
        got = f"no logon: {outcome} {where}"
        msg = b"a message changed on the way"
        if outcome.startswith("AF") and call == "DecryptMessage":
            sealed = ctx.wrap(msg)
            token, data = sealed[:16], sealed[16:]
            if what.endswith("data"):
                data = flip(data, 3)
            else:
                token = flip(token, 6)
            got = srv.unseal(token, data)
        elif outcome.startswith("AF"):
            got = srv.verify(flip(msg, 0), ctx._session_security._get_signature(msg))
        s.finish(f"ntlm-auth {what} changed: our {call} refuses", srv,
                 got == "ER SEC_E_MESSAGE_ALTERED",
                 f"expected ER SEC_E_MESSAGE_ALTERED, got {got!r:.80}")

    # Channel bindings: its cbt_data (a gss_channel_bindings_struct with a
    # tls-server-end-point binding, as requests-ntlm builds it) against
    # our SECBUFFER_CHANNEL_BINDINGS.
    cert_hash = hashlib.sha256(b"the server's certificate").digest()
    ours = "bindings=" + b64(b"tls-server-end-point:" + cert_hash)
    other = bindings(b"tls-server-end-point:" + hashlib.sha256(b"another one").digest())
    for label, options, cbt, want in (
            ("the same bindings: logon", [ours],
             bindings(b"tls-server-end-point:" + cert_hash), "AF " + want_user),
            ("other bindings: refused", [ours], other, "NA SEC_E_BAD_BINDINGS"),
            ("no bindings from it, ours set: logon (not required, as Windows by default)",
             [ours], None, "AF " + want_user),
            ("its bindings, none of ours: logon", [], other, "AF " + want_user)):
        srv = s.server("NTLM", *options)
        outcome, ctx, where = logon(srv, cbt=cbt)
        ok = outcome == want
        if ok and want.startswith("AF") and cbt is not None:
            sealed = ctx.wrap(b"bound")
            got = srv.unseal(sealed[:16], sealed[16:])
            ok, where = got == b"bound", f"then a sealed message: {got!r}"
        s.finish(f"ntlm-auth channel bindings, {label}", srv, ok,
                 f"expected {want}, got {outcome} {where}")

    # The older API (requests-ntlm before 1.1): domain and workstation in
    # the NEGOTIATE, base64 in and out.
    srv = s.server("NTLM")
    old = Ntlm()
    kind, token, _ = srv.accept(unb64(old.create_negotiate_message(DOMAIN, "PYCLIENT")), True)
    outcome = f"{kind} {token}" if kind != "TT" else None
    if kind == "TT":
        old.parse_challenge_message(b64(token))
        kind, token, user = srv.accept(unb64(old.create_authenticate_message(
            USER, PASSWORD, DOMAIN, "PYCLIENT")), False)
        outcome = f"{kind} {user if kind == 'AF' else token}"
    s.finish("ntlm-auth Ntlm (older API, domain and workstation supplied) -> our NTLM: logon",
             srv, outcome == "AF " + want_user, f"expected AF {want_user}, got {outcome}")
    print("note: python3-ntlm-auth has no SPNEGO, so no Negotiate case for it")


# ---------------------------------------------------------------------------
# python3-impacket, NTLM


class LdapSocket:
    """In place of LDAPConnection's TCP socket: each LDAP message impacket
    sends is decoded, the bind's token goes to our acceptor, and the bind
    response an Active Directory DC gives comes back (the NTLM CHALLENGE of
    a sicily bind in matchedDN, MS-ADTS 5.1.1.1.3). Without an acceptor it
    only keeps the tokens and answers success."""

    def __init__(self, server):
        self.server, self.pending, self.first = server, b"", True
        self.outcomes, self.tokens = [], []

    def sendall(self, data):
        from impacket.ldap import ldapasn1
        from pyasn1.codec.ber import decoder, encoder

        message, _ = decoder.decode(data, asn1Spec=ldapasn1.LDAPMessage())
        auth = message["protocolOp"]["bindRequest"]["authentication"]
        choice = auth.getName()
        token = bytes(auth["sasl"]["credentials"] if choice == "sasl" else auth[choice])
        self.tokens.append(token)
        if self.server is None:
            kind, answer, user = "AF", b"", ""
        else:
            kind, answer, user = self.server.accept(token, self.first)
        self.first = False
        self.outcomes.append(f"{kind} {user if kind == 'AF' else answer if kind != 'TT' else ''}")
        response = ldapasn1.BindResponse()
        response["resultCode"] = ldapasn1.ResultCode(
            "success" if kind in ("TT", "AF") else "invalidCredentials")
        response["matchedDN"] = answer if kind == "TT" else b""
        response["diagnosticMessage"] = "" if kind in ("TT", "AF") else answer
        reply = ldapasn1.LDAPMessage()
        reply["messageID"] = message["messageID"]
        reply["protocolOp"]["bindResponse"] = response
        self.pending += encoder.encode(reply)

    def recv(self, size):
        data, self.pending = self.pending[:size], self.pending[size:]
        return data

    def close(self):
        pass


def ldap_connection(server):
    """impacket's LDAPConnection, its socket ours (it connects in its
    constructor, to port 389, so the constructor is left out)."""
    from impacket.ldap.ldap import LDAPConnection

    conn = LDAPConnection.__new__(LDAPConnection)
    conn._dstHost, conn._dstIp, conn._baseDN, conn._SSL = "localhost", None, "", False
    conn._socket = LdapSocket(server)
    return conn


def impacket_ntlm_cases(s):
    from Cryptodome.Cipher import ARC4
    from impacket import ntlm
    from impacket.ldap.ldap import LDAPSessionError
    from impacket.spnego import SPNEGO_NegTokenInit, SPNEGO_NegTokenResp, TypesMech

    want_user = f"{DOMAIN}\\{USER}"

    # LDAP's sicily bind: raw NTLM, no signing asked for.
    for password, want in ((PASSWORD, "AF " + want_user), ("Wrong-Pass", "NA SEC_E_LOGON_DENIED")):
        srv = s.server("NTLM")
        conn = ldap_connection(srv)
        try:
            conn.login(USER, password, DOMAIN)
            said = "bound"
        except LDAPSessionError as e:
            said = f"refused ({str(e)[:60]})"
        outcomes = conn._socket.outcomes
        ok = outcomes[-1:] == [want] and (said == "bound") == want.startswith("AF")
        s.finish("impacket LDAPConnection.login (sicily NTLM) -> our NTLM: " +
                 ("logon" if password == PASSWORD else "wrong password refused"),
                 srv, ok, f"expected {want}, our answers {outcomes}, impacket {said}")

    # DCE/RPC's NTLM (rpcrt.py): signing and sealing asked for; messages
    # sealed with ntlm.SEAL over the PDU header (signed) and the stub
    # (sealed), signed with ntlm.SIGN, and the server's checked with its
    # SEALKEY/SIGNKEY handles and MAC.
    def dce_logon(srv, password=PASSWORD):
        type1 = ntlm.getNTLMSSPType1("", "", signingRequired=True)
        kind, challenge, _ = srv.accept(type1.getData(), True)
        if kind != "TT":
            return f"{kind} {challenge}", None, None
        type3, key = ntlm.getNTLMSSPType3(type1, challenge, USER, password, DOMAIN)
        kind, answer, user = srv.accept(type3.getData(), False)
        return f"{kind} {user if kind == 'AF' else answer}", type3["flags"], key

    srv = s.server("NTLM")
    outcome, flags, key = dce_logon(srv)
    detail, ok = f"no logon: {outcome}", outcome == "AF " + want_user
    if ok:
        ours = srv.session_key()
        ok, detail = ours == key, f"session keys: ours {ours!r}, its {key!r}"
    if ok:
        client_sign = ntlm.SIGNKEY(flags, key)
        server_sign = ntlm.SIGNKEY(flags, key, b"Server")
        client_seal_key = ntlm.SEALKEY(flags, key)
        client_seal = ARC4.new(client_seal_key).encrypt
        server_seal = ARC4.new(ntlm.SEALKEY(flags, key, b"Server")).encrypt
        header = b"\x05\x00\x00\x03\x10\x00\x00\x00 a PDU header"
        for seq in range(3):
            stub = bytes(range(seq, seq + 50 * (seq + 1)))
            if seq == 1:
                sig = ntlm.SIGN(flags, client_sign, stub, seq, client_seal)
                got = srv.verify(stub, sig.getData())
                if got != "VF ok":
                    ok, detail = False, f"its SIGN {seq}: our VerifySignature: {got}"
                    break
            else:
                sealed, sig = ntlm.SEAL(flags, client_sign, client_seal_key, header + stub, stub,
                                        seq, client_seal)
                got = srv.unseal(sig.getData(), sealed, header)
                if got != stub:
                    ok, detail = False, f"its SEAL {seq}: our DecryptMessage: {got!r:.80}"
                    break
            answer = srv.seal(stub[::-1], header)
            if isinstance(answer, str):
                ok, detail = False, f"our EncryptMessage {seq}: {answer}"
                break
            plain = server_seal(answer[1])
            mac = ntlm.MAC(flags, server_seal, server_sign, seq, header + plain)
            if plain != stub[::-1] or mac.getData() != answer[0]:
                ok, detail = False, f"our EncryptMessage {seq}: opened {plain!r:.60}, " \
                    f"signature {'right' if mac.getData() == answer[0] else 'wrong'}"
                break
    s.finish("impacket DCE/RPC NTLM (sign+seal) -> our NTLM: logon, ntlm.SEAL/SIGN against "
             "our Decrypt/VerifySignature and our EncryptMessage against its keys, "
             "header signed only", srv, ok, detail)

    srv = s.server("NTLM")
    outcome, flags, key = dce_logon(srv)
    got = f"no logon: {outcome}"
    if outcome.startswith("AF"):
        seal_key = ntlm.SEALKEY(flags, key)
        stub = b"a stub changed on the way"
        sealed, sig = ntlm.SEAL(flags, ntlm.SIGNKEY(flags, key), seal_key, stub, stub, 0,
                                ARC4.new(seal_key).encrypt)
        got = srv.unseal(sig.getData(), flip(sealed, 5))
    s.finish("impacket ntlm.SEAL with the sealed stub changed: our DecryptMessage refuses",
             srv, got == "ER SEC_E_MESSAGE_ALTERED",
             f"expected ER SEC_E_MESSAGE_ALTERED, got {got!r:.80}")

    # SMB's session setup (smb3.py login): SPNEGO NegTokenInit with NTLM
    # alone, then a NegTokenResp with the AUTHENTICATE and no mechListMIC.
    # Windows completes at that second leg.
    ntlm_oid = TypesMech["NTLMSSP - Microsoft NTLM Security Support Provider"]
    for signing, password in ((False, PASSWORD), (True, PASSWORD), (False, "Wrong-Pass")):
        srv = s.server("Negotiate")
        type1 = ntlm.getNTLMSSPType1("PYCLIENT", DOMAIN, signing)
        init = SPNEGO_NegTokenInit()
        init["MechTypes"] = [ntlm_oid]
        init["MechToken"] = type1.getData()
        kind, answer, _ = srv.accept(init.getData(), True)
        outcome = f"{kind} at the NegTokenInit: {answer}"
        if kind == "TT":
            challenge = SPNEGO_NegTokenResp(answer)["ResponseToken"]
            type3, _ = ntlm.getNTLMSSPType3(type1, challenge, USER, password, DOMAIN)
            resp = SPNEGO_NegTokenResp()
            resp["ResponseToken"] = type3.getData()
            kind, answer, user = srv.accept(resp.getData(), False)
            if kind == "AF":
                outcome = "AF " + user
            elif kind == "TT":
                outcome = "TT (accept-incomplete) at the NegTokenResp(AUTHENTICATE)"
            else:
                outcome = f"{kind} {answer}"
        want = "AF " + want_user if password == PASSWORD else "NA SEC_E_LOGON_DENIED"
        label = "logon" if password == PASSWORD else "wrong password refused"
        s.finish(f"impacket SMB session setup (SPNEGO, NTLM, signing "
                 f"{'required' if signing else 'enabled'}) -> our Negotiate: {label}",
                 srv, outcome == want, f"expected {want}, got {outcome}")


# ---------------------------------------------------------------------------
# python3-impacket, Kerberos


class Realm:
    """The throwaway realm (tests/fixtures/realm.sh) with the principals
    impacket's cases need: ldap/localhost, and host/aes256.localhost and
    host/aes128.localhost, whose only keys are of that enctype, so that the
    KDC gives their tickets a session key of it."""

    def __init__(self, work):
        self.dir = os.path.join(work, "realm")
        os.mkdir(self.dir)
        self.sh = os.environ.get("SSPI_GSS_REALM_SH",
                                 os.path.join(HERE, "..", "fixtures", "realm.sh"))
        port = subprocess.run(["sh", self.sh, "port"], capture_output=True, text=True,
                              check=True).stdout.strip()
        self.run("create", self.dir, port)
        conf = os.path.join(self.dir, "krb5.conf")
        # kadmin -l before the KDC starts (the KDC's log shares the file
        # that kadmin keeps its change log in); aes128 is not among
        # Heimdal's default keys.
        kadmin_conf = os.path.join(work, "kadmin.conf")
        with open(conf) as f, open(kadmin_conf, "w") as out:
            out.write(f.read() + "[kadmin]\n\tdefault_keys = aes256-cts-hmac-sha1-96:pw-salt "
                      "aes128-cts-hmac-sha1-96:pw-salt\n")
        self.kadmin(kadmin_conf, "add", "--random-key", "--use-defaults", "ldap/localhost",
                    "host/aes256.localhost", "host/aes128.localhost")
        self.kadmin(kadmin_conf, "del_enctype", "host/aes256.localhost",
                    "aes128-cts-hmac-sha1-96")
        self.kadmin(kadmin_conf, "del_enctype", "host/aes128.localhost",
                    "aes256-cts-hmac-sha1-96")
        self.kadmin(conf, "ext_keytab", "-k", os.path.join(self.dir, "service.keytab"),
                    "ldap/localhost", "host/aes256.localhost", "host/aes128.localhost")
        self.run("start", self.dir)
        self.env = dict(os.environ, KRB5_CONFIG=conf,
                        KRB5_KTNAME="FILE:" + os.path.join(self.dir, "service.keytab"),
                        KRB5CCNAME=os.path.join(self.dir, "ccache"))
        self.caches = 0

    def run(self, *args):
        done = subprocess.run(["sh", self.sh, *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"realm.sh {args[0]}: {done.stdout}{done.stderr}")

    def kadmin(self, conf, *args):
        done = subprocess.run(["kadmin", "-l", "-c", conf, *args], capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise RuntimeError(f"kadmin {' '.join(args)}: {done.stdout}{done.stderr}")

    def tickets_for(self, spn):
        """A fresh ticket cache with alice's TGT and a ticket for spn, set
        as KRB5CCNAME for impacket (a plain path: impacket opens it
        itself)."""
        self.caches += 1
        cache = os.path.join(self.dir, f"py{self.caches}.cc")
        env = dict(self.env, KRB5CCNAME=cache)
        for argv in (["kinit", "--password-file=" + os.path.join(self.dir, "alice.password"),
                      f"{USER}@{REALM}"], ["kgetcred", f"{spn}@{REALM}"]):
            done = subprocess.run(argv, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{argv[0]}: {done.stdout}{done.stderr}")
        os.environ["KRB5CCNAME"] = cache

    def stop(self):
        self.run("stop", self.dir)


def impacket_kerberos_cases(s, realm):
    from impacket.dcerpc.v5.rpcrt import SEC_TRAILER
    from impacket.krb5 import gssapi, kerberosv5
    from impacket.ldap.ldap import LDAPSessionError
    from impacket.spnego import SPNEGO_NegTokenInit, SPNEGO_NegTokenResp

    want_user = f"{USER}@{REALM}"

    # LDAP's kerberosLogin: SPNEGO with the Microsoft Kerberos OID and a
    # bare AP-REQ (no GSS framing, no checksum, no mutual authentication).
    realm.tickets_for("ldap/localhost")
    srv = s.server("Negotiate")
    conn = ldap_connection(srv)
    try:
        conn.kerberosLogin(USER, "", REALM, useCache=True)
        said = "bound"
    except LDAPSessionError as e:
        said = f"refused ({str(e)[:60]})"
    outcomes = conn._socket.outcomes
    s.finish("impacket LDAPConnection.kerberosLogin (SPNEGO, bare AP-REQ) -> our Negotiate: "
             "logon", srv, outcomes == ["AF " + want_user] and said == "bound",
             f"expected AF {want_user}, our answers {outcomes}, impacket {said}")

    # The same AP-REQ, out of its SPNEGO wrapping, to our Kerberos package;
    # then with a byte of its authenticator changed.
    realm.tickets_for("ldap/localhost")
    conn = ldap_connection(None)
    conn.kerberosLogin(USER, "", REALM, useCache=True)
    ap_req = SPNEGO_NegTokenInit(conn._socket.tokens[0])["MechToken"]
    for label, token, want in (("logon", ap_req, "AF"),
                               ("its authenticator changed: refused", flip(ap_req, -3), "NA")):
        srv = s.server("Kerberos")
        kind, answer, user = srv.accept(token, True)
        outcome = f"{kind} {user if kind == 'AF' else answer}"
        ok = kind == want and (kind != "AF" or user == want_user)
        s.finish(f"impacket's LDAP AP-REQ (bare) -> our Kerberos: {label}", srv, ok,
                 f"expected {want}{' ' + want_user if want == 'AF' else ''}, got {outcome}")

    # DCE/RPC's Kerberos (rpcrt.py, auth type GSS_NEGOTIATE):
    # getKerberosType1 (SPNEGO, GSS-framed AP-REQ, DCE style and mutual
    # authentication in its checksum), our AP-REP, getKerberosType3 (its
    # AP-REP back), then GSS_Wrap/GSS_Unwrap under the acceptor's subkey.
    def dce_logon(srv, service, raw=False):
        realm.tickets_for("host/" + service)
        cipher, key, blob = kerberosv5.getKerberosType1(USER, "", REALM, "", "", "",
                                                        targetName=service, useCache=True)
        first = SPNEGO_NegTokenInit(blob)["MechToken"] if raw else blob
        kind, answer, _ = srv.accept(first, True)
        if kind != "TT":
            return f"{kind} {answer} at the AP-REQ", None, None
        if raw:
            resp = SPNEGO_NegTokenResp()
            resp["ResponseToken"] = answer
            answer = resp.getData()
        cipher, subkey, third = kerberosv5.getKerberosType3(cipher, key, answer)
        if raw:
            third = SPNEGO_NegTokenResp(third)["ResponseToken"]
        kind, answer, user = srv.accept(third, False)
        if kind != "AF":
            return f"{kind} {answer} at its AP-REP", None, None
        return "AF " + user, gssapi.GSSAPI(cipher), subkey

    trailer = bytes(len(SEC_TRAILER()))
    for service, wrap_class, package in (("aes256.localhost", "GSSAPI_AES256", "Negotiate"),
                                         ("aes128.localhost", "GSSAPI_AES128", "Negotiate"),
                                         ("aes256.localhost", "GSSAPI_AES256", "Kerberos")):
        srv = s.server(package, "dce")
        outcome, gss, key = dce_logon(srv, service, raw=package == "Kerberos")
        ok, detail = outcome == "AF " + want_user, f"expected AF {want_user}, got {outcome}"
        if ok:
            ok = type(gss).__name__ == wrap_class
            detail = f"impacket chose {type(gss).__name__}"
        if ok:
            ours = srv.session_key()
            ok, detail = ours == key.contents, \
                f"session keys: ours {ours.hex() if ours else None}, its {key.contents.hex()}"
        # impacket numbers the client's messages from 0; lengths with and
        # without filler to a cipher block (EC).
        for seq, size in enumerate((32, 15, 1000)):
            if not ok:
                break
            stub = bytes((seq * 7 + j) & 0xff for j in range(size))
            data, token = gss.GSS_Wrap(key, stub, seq)
            got = srv.unseal(token, data)
            if got != stub:
                ok, detail = False, f"its GSS_Wrap {seq} ({size} bytes): our DecryptMessage: " \
                    f"{got!r:.80}"
                break
            answer = srv.seal(stub[::-1])
            if isinstance(answer, str):
                ok, detail = False, f"our EncryptMessage {seq}: {answer}"
                break
            try:
                plain, _ = gss.GSS_Unwrap(key, answer[1], seq, authData=trailer + answer[0])
            except Exception as e:  # its decryption raises on a bad checksum
                plain = f"its GSS_Unwrap: {e}"
            if plain != stub[::-1]:
                ok, detail = False, f"our EncryptMessage {seq} ({size} bytes): {plain!r:.80}"
                break
        # (impacket 0.10's GSS_GetMIC for AES adds a str to bytes and raises
        # under Python 3 whatever the length, so MICs are left out.)
        if ok:
            data, token = gss.GSS_Wrap(key, b"changed on the way", 3)
            got = srv.unseal(token, flip(data, 2))
            ok, detail = got == "ER SEC_E_MESSAGE_ALTERED", \
                f"a changed GSS_Wrap token: expected ER SEC_E_MESSAGE_ALTERED, got {got!r:.80}"
        s.finish(f"impacket DCE/RPC Kerberos ({wrap_class}) -> our {package} (DCE style): "
                 f"logon, GSS_Wrap -> our DecryptMessage, our EncryptMessage -> GSS_Unwrap, "
                 f"a changed token refused", srv, ok, detail)


# ---------------------------------------------------------------------------


def run_cases(r, name, cases, *args):
    """A case that raises (a peer's library refusing something, say) is one
    failed check, and the others still run."""
    try:
        cases(*args)
    except Exception as e:
        r.check(name, False, f"{type(e).__name__}: {e} (line {e.__traceback__.tb_next.tb_lineno}"
                f" of {os.path.basename(__file__)})" if e.__traceback__.tb_next else str(e))


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("ntlm", "kerberos"):
        print(__doc__)
        return 2
    peer, mode = os.path.abspath(sys.argv[1]), sys.argv[2]
    run_again_if_needed(mode)
    r = Results()
    work = tempfile.mkdtemp(prefix="sspi-gss-python-")
    try:
        # Our acceptors' NTLM users, in both modes (so that winbind, should
        # the machine run it, is never asked).
        users = os.path.join(work, "users")
        with open(users, "w") as f:
            f.write(f"{DOMAIN}:{USER}:{PASSWORD}\n")
        os.chmod(users, 0o600)
        os.environ["NTLM_USER_FILE"] = users
        if mode == "ntlm":
            # Kerberos reads an empty configuration and no keytab, never
            # the machine's: Negotiate has NTLM only.
            empty = os.path.join(work, "krb5.conf")
            open(empty, "w").close()
            env = dict(os.environ, KRB5_CONFIG=empty,
                       KRB5_KTNAME="FILE:" + os.path.join(work, "no.keytab"),
                       KRB5CCNAME="FILE:" + os.path.join(work, "no.cc"))
            s = Suite(peer, env, r)
            if not importable("ntlm_auth"):
                r.skip("python3-ntlm-auth is not installed (tools/install-deps.sh)")
            elif not has_md4():
                r.skip("python3-ntlm-auth needs MD4, which this OpenSSL does not provide "
                       "(its legacy provider)")
            else:
                run_cases(r, "python3-ntlm-auth cases", ntlm_auth_cases, s)
            if not importable("impacket"):
                r.skip("python3-impacket is not installed (tools/install-deps.sh)")
            else:
                run_cases(r, "impacket NTLM cases", impacket_ntlm_cases, s)
        else:
            kdc = os.environ.get("SSPI_GSS_KDC", "/usr/lib/heimdal-servers/kdc")
            missing = [t for t in ("kadmin", "kinit", "kgetcred") if shutil.which(t) is None]
            if not os.access(kdc, os.X_OK):
                missing.insert(0, kdc)
            if not importable("impacket"):
                r.skip("python3-impacket is not installed (tools/install-deps.sh)")
            elif missing:
                r.skip(f"no {', '.join(missing)} (Heimdal's KDC and clients: packages "
                       "heimdal-kdc and heimdal-clients)")
            else:
                try:
                    realm = Realm(work)
                except (RuntimeError, subprocess.CalledProcessError) as e:
                    r.check("the throwaway realm starts", False, str(e))
                    realm = None
                if realm is not None:
                    try:
                        run_cases(r, "impacket Kerberos cases", impacket_kerberos_cases,
                                  Suite(peer, realm.env, r), realm)
                    finally:
                        realm.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{r.passed} passed, {r.failed} failed")
    if r.failed:
        return 1
    return 77 if r.skipped else 0


if __name__ == "__main__":
    sys.exit(main())
