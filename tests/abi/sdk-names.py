#!/usr/bin/env python3
"""Name coverage: every name the Windows SDK's sspi.h and security.h declare
(the open copies of package mingw-w64-x86-64-dev are the list) must be
declared by our <security.h>, in C and in C++, with and without UNICODE,
except the names of tests/abi/sdk-names-left-out.txt.

    sdk-names.py SDK_INCLUDE_DIR OUR_INCLUDE_DIR CC CXX LEFT_OUT_FILE

Names are macros (#define), typedef names, enumerators and functions. A
probe per name checks it: defined as a macro, or usable in __typeof__ (in
C++, named in a using-declaration: the functions that also take unsigned
long * are overload sets there, which have no one type).
Exit 77 (skipped) when the SDK headers are not on the machine.
"""
import os
import re
import subprocess
import sys
import tempfile


def names_of(path):
    text = open(path, encoding="latin-1").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"\\\n", " ", text)
    found = {}
    for m in re.finditer(r"^\s*#\s*define\s+(\w+)", text, re.M):
        found.setdefault(m.group(1), "macro")
    body = re.sub(r"^\s*#[^\n]*", " ", text, flags=re.M)
    for m in re.finditer(r"\btypedef\b", body):
        i, depth = m.end(), 0
        while i < len(body):
            c = body[i]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif c == ";" and depth == 0:
                break
            i += 1
        stmt = body[m.end():i]
        enum = re.match(r"\s*enum\b[^{]*\{(.*)\}", stmt, re.S)
        if enum:
            for item in enum.group(1).split(","):
                ids = re.findall(r"\w+", item)
                if ids:
                    found.setdefault(ids[0], "enumerator")
        fp = re.search(r"\(\s*(?:\w+\s+)*\*\s*(\w+)\s*\)\s*\(", stmt)
        if fp:
            found.setdefault(fp.group(1), "type")
            continue
        tail = stmt[stmt.rindex("}") + 1:] if "}" in stmt else stmt
        for part in tail.split(","):
            ids = re.findall(r"\w+", re.sub(r"\[.*?\]", "", part))
            if ids:
                found.setdefault(ids[-1], "type")
    for m in re.finditer(r"\b(?:WINAPI|SEC_ENTRY|__stdcall)\s+(\w+)\s*\(", body):
        found.setdefault(m.group(1), "function")
    return {k: v for k, v in found.items() if not k.startswith("_")}


def missing(names, include, compiler, lang, unicode):
    src = ["#define SECURITY_WIN32"]
    if unicode:
        src += ["#define UNICODE", "#define _UNICODE"]
    src += ["#include <security.h>"]
    line_of = {}
    for i, n in enumerate(names):
        src.append("#if !defined(%s)" % n)
        line_of[len(src) + 1] = n
        if lang == "c":
            src.append("static __typeof__(%s) *probe_%d __attribute__((unused));" % (n, i))
        else:
            src.append("namespace probe_%d { using ::%s; }" % (i, n))
        src.append("#endif")
    with tempfile.NamedTemporaryFile("w", suffix=".c" if lang == "c" else ".cpp",
                                     delete=False) as f:
        f.write("\n".join(src) + "\n")
        probe = f.name
    try:
        limit = "-ferror-limit=0" if any("clang" in w for w in compiler) else "-fmax-errors=0"
        r = subprocess.run(compiler + ["-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                                       limit, "-I" + include, probe],
                           capture_output=True, text=True)
    finally:
        os.unlink(probe)
    bad = set()
    other = []
    for line in r.stderr.splitlines():
        m = re.search(r"\.c(?:pp)?:(\d+):\d+: error", line)
        if m and int(m.group(1)) in line_of:
            bad.add(line_of[int(m.group(1))])
        elif m:
            other.append(line)
    if other:
        print("%s%s: the headers themselves do not compile:" % (lang, " UNICODE" if unicode else ""))
        print("\n".join(other[:20]))
        bad.add("(header errors)")
    return bad


def main():
    sdk, include, cc, cxx, left_out_file = sys.argv[1:6]
    headers = [os.path.join(sdk, h) for h in ("sspi.h", "security.h")]
    if not all(os.path.exists(h) for h in headers):
        print("sdk-names: SKIPPED (no %s: package mingw-w64-x86-64-dev)" % headers[0])
        return 77
    names = {}
    for h in headers:
        for k, v in names_of(h).items():
            names.setdefault(k, v)
    left_out = set()
    for line in open(left_out_file):
        line = line.split("#", 1)[0].strip()
        if line:
            left_out.add(line)
    order = sorted(names)
    failed = 0
    for lang, compiler in (("c", cc.split()), ("c++", cxx.split())):
        for unicode in (False, True):
            lacking = missing(order, include, compiler, lang, unicode)
            unexpected = sorted(lacking - left_out)
            stale = sorted(left_out - lacking - {"(header errors)"})
            covered = len(order) - len(lacking)
            label = "%s%s" % (lang, ", UNICODE" if unicode else "")
            print("%s: %d names, %d declared, %d left out on purpose, %d missing; "
                  "%.1f %% of the names not left out" %
                  (label, len(order), covered, len(lacking & left_out), len(unexpected),
                   100.0 * covered / max(1, len(order) - len(left_out))))
            if unexpected:
                print("  missing: " + " ".join(unexpected))
                failed = 1
            if stale:
                print("  on the left-out list but declared: " + " ".join(stale))
                failed = 1
    kinds = {}
    for k in order:
        kinds[names[k]] = kinds.get(names[k], 0) + 1
    print("kinds: " + ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    print("%d passed, %d failed" % (1 - failed, failed))
    return failed


sys.exit(main())
