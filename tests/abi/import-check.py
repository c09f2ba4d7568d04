#!/usr/bin/env python3
"""No import circle in the library (docs/design.md, "The tree"): from the
core archive's object files, which file calls which (a file's undefined
symbols that another file defines, by `nm`), and no file may reach itself
through others. core/table.c and core/packages.c are left out: they
assemble the library, naming every entry point and every package's
sg_mech_ops. Prints the folder graph and "1 passed, 0 failed" or the
circles found.

    import-check.py LIBSSPI-GSS-CORE.a
"""
import collections
import os
import re
import subprocess
import sys

ASSEMBLY = {"core_table", "core_packages"}


def main():
    out = subprocess.run(["nm", "--print-file-name", sys.argv[1]], capture_output=True,
                         text=True, check=True).stdout
    defs, undefs = {}, collections.defaultdict(set)
    for line in out.splitlines():
        # ARCHIVE:MEMBER:nm's line (GNU nm; a thin archive names the
        # member by its path), or MEMBER: nm's line.
        m = re.match(r"^(?:.*?\.a:)?(.*?\.c\.o):\s*(.*)$", line)
        if m is None:
            continue
        name = os.path.basename(m.group(1))[:-len(".c.o")]
        parts = m.group(2).split()
        if len(parts) == 3 and parts[1] in "TDBR":
            defs[parts[2]] = name
        elif len(parts) == 2 and parts[0] == "U":
            undefs[name].add(parts[1])
    if not defs:
        print("FAILED: no object files read from", sys.argv[1])
        return 1
    graph = collections.defaultdict(set)
    folders = collections.defaultdict(set)
    for name, syms in undefs.items():
        if name in ASSEMBLY:
            continue
        for s in syms:
            d = defs.get(s)
            if d is None or d == name or d in ASSEMBLY:
                continue
            graph[name].add(d)
            if d.split("_", 1)[0] != name.split("_", 1)[0]:
                folders[name.split("_", 1)[0]].add(d.split("_", 1)[0])
    for f in sorted(folders):
        print(f"{f} -> {' '.join(sorted(folders[f]))}")
    # Tarjan's strongly connected components: a group of two or more files
    # is a circle.
    index, low, stack, on, circles, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    for c in circles:
        print("FAILED: a circle among", ", ".join(c))
    print(f"{0 if circles else 1} passed, {1 if circles else 0} failed")
    return 1 if circles else 0


if __name__ == "__main__":
    sys.exit(main())
