#!/usr/bin/env python3
"""file-deps.py - which engine file calls which, the cycles between them, and
headers that declare functions of other files.

Usage: scripts/file-deps.py [--objects DIR] [--check] [--dot]
  --objects DIR  the built objects to read (default build/release/engine: run make first)
  --check        print only the problems; exit 1 when there is a cycle or a header
                 declares a function another .c defines
  --dot          the graph in Graphviz form (dot -Tsvg) instead of text

A file depends on another when it calls a function or uses a variable the other
defines: read from the objects' symbol tables (nm), so macros, static functions
and comments do not count and nothing is guessed from the text. Headers are read
for the functions they declare (a line `... s3e_name(`), each matched with the .c
that defines it: x.h and x_int.h belong to x.c (s3.h to s3_ops.c, client.h to s3_client.c) and declare only its
functions; cred_int.h and script_int.h are shared by several files on purpose.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# headers that are meant to declare the functions of several files (their first line
# says so); every other header declares the functions of its own .c only
SHARED_HEADERS = {"engine/cred_int.h", "engine/script_int.h"}
# headers named for their subject rather than their file
HEADER_OF = {"include/s3engine/s3.h": "engine/s3_ops.c",
             "include/s3engine/client.h": "engine/s3_client.c"}


def symbols(objdir):
    """{file: (defined, used)} from nm, file named as engine/x.c."""
    out = {}
    for name in sorted(os.listdir(objdir)):
        if not name.endswith(".o"):
            continue
        text = subprocess.run(["nm", os.path.join(objdir, name)], capture_output=True,
                              text=True, check=True).stdout
        defined, used = set(), set()
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                used.add(parts[1])
            elif len(parts) == 3 and parts[1] in "TDBRGSC" and parts[1].isupper():
                defined.add(parts[2])
        out["engine/" + name[:-2] + ".c"] = (defined, used)
    return out


def edges(syms):
    owner = {s: f for f, (d, _) in syms.items() for s in d}
    graph = {f: {} for f in syms}
    for f, (_, used) in syms.items():
        for s in sorted(used):
            g = owner.get(s)
            if g and g != f:
                graph[f].setdefault(g, []).append(s)
    return graph, owner


def cycles(graph):
    """Strongly connected components of more than one file (Tarjan, iterative)."""
    index, low, on, stack, comps, n = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = n[0]
        n[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        x = stack.pop()
                        on.discard(x)
                        comp.append(x)
                        if x == v:
                            break
                    if len(comp) > 1:
                        comps.append(sorted(comp))
            elif w not in index:
                index[w] = low[w] = n[0]
                n[0] += 1
                stack.append(w)
                on.add(w)
                work.append((w, iter(sorted(graph[w]))))
            elif w in on:
                low[v] = min(low[v], index[w])
    return comps


DECL = re.compile(r"^(?!\s|#|typedef|static|extern\s+\"C\")[^;(){}=]*?\b(s3e_\w+)\s*\(", re.M)


def header_problems(owner):
    """(header, function, file that defines it) for functions declared away from their .c."""
    found = []
    heads = []
    for d in ("engine", "include/s3engine"):
        for name in sorted(os.listdir(os.path.join(ROOT, d))):
            if name.endswith(".h"):
                heads.append(d + "/" + name)
    for h in heads:
        if h in SHARED_HEADERS:
            continue
        with open(os.path.join(ROOT, h), encoding="utf-8") as fh:
            text = fh.read()
        base = os.path.basename(h)[:-2]
        base = base[:-4] if base.endswith("_int") else base  # x_int.h: x.c's insides
        own = HEADER_OF.get(h, "engine/" + base + ".c")
        for m in DECL.finditer(text):
            fn = m.group(1)
            where = owner.get(fn)
            if where and where != own:
                found.append((h, fn, where))
    return found


def main(argv):
    objdir = os.path.join(ROOT, "build/release/engine")
    check = dot = False
    args = iter(argv)
    for a in args:
        if a == "--objects":
            objdir = next(args, "")
        elif a == "--check":
            check = True
        elif a == "--dot":
            dot = True
        else:
            print(__doc__.strip(), file=sys.stderr)
            return 2
    if not os.path.isdir(objdir) or not any(n.endswith(".o") for n in os.listdir(objdir)):
        print(f"file-deps: no objects in {objdir}: run make first", file=sys.stderr)
        return 2
    syms = symbols(objdir)
    graph, owner = edges(syms)
    comps = cycles(graph)
    misplaced = header_problems(owner)
    if dot:
        print("digraph engine {\n  rankdir=LR; node [shape=box];")
        for f in sorted(graph):
            for g in sorted(graph[f]):
                print(f'  "{f[7:-2]}" -> "{g[7:-2]}";')
        print("}")
        return 0
    if not check:
        print("# file -> the files whose functions it calls")
        for f in sorted(graph):
            print(f"{f[7:]:<18} -> {' '.join(g[7:] for g in sorted(graph[f])) or '-'}")
        print()
    for comp in comps:
        print("cycle: " + " <-> ".join(c[7:] for c in comp))
        for f in comp:
            for g in sorted(graph[f]):
                if g in comp:
                    print(f"  {f[7:]} -> {g[7:]}: {', '.join(graph[f][g][:4])}")
    for h, fn, where in misplaced:
        print(f"header: {h} declares {fn}, defined in {where}")
    if not comps and not misplaced:
        print("no cycles; every header declares only its own .c's functions")
    return 1 if check and (comps or misplaced) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
