#!/usr/bin/env python3
#   check_shape.py - enforce huishang's code shape (standard library only).
#
#   The rules, and why:
#     lines   no source file over 800 lines: a file is read whole.
#     txn     hs_txn.c is the one owner of the write transaction: only it calls
#             hs_store_begin/commit/abort, and only hs_store.c opens raw LMDB
#             transactions (mdb_txn_begin; tests/ may, the benchmark does).
#             The self test of a class below hs_txn (a function named *_test,
#             or a helper named s_test_*) may stand in for it.
#     pack    protocol/ owns every msgpack layout: daemon/ and clients/ do not
#             write msgpack themselves (they may create and read a packer).
#     cycle   no include cycles among daemon/, protocol/ and clients/ modules
#             (X.c and X.h are one module).
#     prefix  one class per file: every external function a daemon/ or
#             clients/ .c file defines is named after the file (hs_txn_...).
#
#   Usage: tools/check_shape.py [--root DIR]   (default: the repository root)
#          tools/check_shape.py --self-test
#   Prints one line per violation, "path:line: rule: message", and exits 1;
#   or prints "check-shape: ok (...)" and exits 0.

import argparse
import os
import re
import sys
import tempfile

MAX_LINES = 800
FOLDERS = ("daemon", "protocol", "clients", "web", "tests", "tools")
SKIP_DIRS = ("build", "__pycache__")
SKIP_PATHS = ("tests/fuzz/corpus",)
SOURCE_EXTS = (".c", ".h", ".py", ".sh")
C_EXTS = (".c", ".h")
GRAPH_FOLDERS = ("daemon", "protocol", "clients", "web")

TXN_OWNER = "daemon/hs_txn.c"
#   hs_store.h declares these and hs_store.c defines them; the store's own
#   internal calls (commit aborting on failure, its self-test) are its own.
TXN_EXEMPT = ("daemon/hs_store.h", "daemon/hs_store.c")
TXN_CALL = re.compile(r"\b(hs_store_begin|hs_store_commit|hs_store_abort)\s*\(")
MDB_CALL = re.compile(r"\b(mdb_txn_begin)\s*\(")
PACK_CALL = re.compile(
    r"\b(hs_pack_(?:map|array|str|strn|int|bool|nil|bin|raw|object|strv|flags)"
    r"|hs_map_(?:begin|key|str|int|end)"
    r"|msgpack_pack_\w+|msgpack_packer_init|msgpack_sbuffer_\w+)\s*\(")
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"', re.M)
IDENT_END = re.compile(r"[A-Za-z_][A-Za-z_0-9]*$")
ATTRIBUTES = ("__attribute__", "__attribute", "__asm__", "asm")


def strip_c(text, keep_strings=False):
    """Blank out comments (and, unless keep_strings, the insides of string
    and char literals) with spaces. Newlines and offsets are kept, so a
    position in the result is the same line in the source."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            while j < n and text[j - 1] == "\\":     # spliced onto the next line
                k = text.find("\n", j + 1)
                j = n if k < 0 else k
            blank, resume = (i, j), j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank, resume = (i, j), j
        elif c in "\"'":
            j = i + 1                               # find the closing quote
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j, n)
            closed = j < n and text[j] == c
            resume = j + 1 if closed else j
            blank = (resume, resume) if keep_strings else (i + 1, j)
        else:
            i += 1
            continue
        for k in range(*blank):
            if out[k] != "\n":
                out[k] = " "
        i = resume
    return "".join(out)


def strip_preprocessor(code):
    """Blank out preprocessor lines (with their continuations)."""
    lines = code.split("\n")
    in_directive = False
    for number, line in enumerate(lines):
        if in_directive or line.lstrip().startswith("#"):
            in_directive = line.rstrip().endswith("\\")
            lines[number] = " " * len(line)
    return "\n".join(lines)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def matching_open(code, close):
    """The position of the '(' matching the ')' at close, or -1."""
    depth = 0
    for i in range(close, -1, -1):
        if code[i] == ")":
            depth += 1
        elif code[i] == "(":
            depth -= 1
            if depth == 0:
                return i
    return -1


def definition_name(code, brace):
    """If the '{' at brace opens a function body, return (name, pos)."""
    end = brace
    while True:
        head = code[:end].rstrip()
        if not head.endswith(")"):
            return None
        opening = matching_open(code, len(head) - 1)
        if opening < 0:
            return None
        match = IDENT_END.search(code[:opening].rstrip())
        if not match:
            return None                 # e.g. (*fp) (int): not followed
        if match.group() in ATTRIBUTES:
            end = match.start()         # f (void) __attribute__ ((x)) {
            continue
        return match.group(), match.start()


def external_definitions(text):
    """(name, line) of every top-level function definition not marked static."""
    code = strip_preprocessor(strip_c(text))
    found = []
    depth = 0
    statement = 0                       # where the current top-level item began
    for pos, c in enumerate(code):
        if c == "{":
            if depth == 0:
                named = definition_name(code, pos)
                if named and not re.search(r"\bstatic\b", code[statement:named[1]]):
                    found.append((named[0], line_of(code, named[1])))
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
            if depth == 0:
                statement = pos + 1
        elif c == ";" and depth == 0:
            statement = pos + 1
    return found


def source_files(root):
    """Relative paths (with '/') of the source files the rules look at."""
    found = []
    for folder in FOLDERS:
        for here, dirs, files in os.walk(os.path.join(root, folder)):
            rel_here = os.path.relpath(here, root).replace(os.sep, "/")
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS
                             and rel_here + "/" + d not in SKIP_PATHS)
            for name in sorted(files):
                if name.endswith(SOURCE_EXTS):
                    found.append(rel_here + "/" + name)
    return found


def self_test_spans(code):
    """(start, end) of the bodies of top-level functions that are self tests
    (named *_test) or their helpers (named s_test_*)."""
    spans, depth, start = [], 0, None
    for pos, c in enumerate(code):
        if c == "{":
            if depth == 0:
                named = definition_name(code, pos)
                if named and (named[0].endswith("_test") or named[0].startswith("s_test")):
                    start = pos
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
            if depth == 0 and start is not None:
                spans.append((start, pos))
                start = None
    return spans


def calls(path, code, pattern, rule, why, allowed=()):
    return [(path, line_of(code, m.start()), rule, "%s %s" % (m.group(1), why))
            for m in pattern.finditer(code)
            if not any(a <= m.start() <= b for a, b in allowed)]


def check_includes(root, texts):
    """The cycle rule: strongly connected modules of the include graph."""
    edges = {}                          # module -> {module: (path, line)}
    modules = {p[:-2] for p in texts if p.endswith(C_EXTS) and p.split("/")[0] in GRAPH_FOLDERS}
    for path, text in texts.items():
        if not path.endswith(C_EXTS) or path.split("/")[0] not in GRAPH_FOLDERS:
            continue
        module = path[:-2]
        kept = strip_c(text, keep_strings=True)
        for m in INCLUDE.finditer(kept):
            target = os.path.normpath(os.path.join(os.path.dirname(path), m.group(1)))
            target = target.replace(os.sep, "/")
            if target.endswith(C_EXTS) and target[:-2] in modules and target[:-2] != module:
                edges.setdefault(module, {}).setdefault(
                    target[:-2], (path, line_of(kept, m.start())))
    problems = []
    for component in strongly_connected(edges):
        start = min(component)
        cycle = shortest_cycle(edges, start, set(component))
        where = edges[cycle[0]][cycle[1]]
        message = "include cycle " + " -> ".join(cycle)
        if len(component) > len(cycle) - 1:
            message += " (tangled modules: %s)" % ", ".join(sorted(component))
        problems.append((where[0], where[1], "cycle", message))
    return problems


def strongly_connected(edges):
    """Tarjan's algorithm, iterative; components of more than one module."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    nodes = sorted(set(edges) | {b for a in edges for b in edges[a]})
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, {}))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        result.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, {})))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(result)


def shortest_cycle(edges, start, members):
    """Breadth-first: the shortest path from start back to start."""
    parents, frontier = {start: None}, [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(edges.get(node, {})):
                if child == start:
                    path = [node]
                    while parents[path[-1]] is not None:
                        path.append(parents[path[-1]])
                    return path[::-1] + [start]
                if child in members and child not in parents:
                    parents[child] = node
                    following.append(child)
        frontier = following
    return [start, start]


def check(root):
    """Every violation under root, as (path, line, rule, message), and the
    file count and the longest file (path, lines)."""
    problems, texts, longest = [], {}, ("", 0)
    for path in source_files(root):
        with open(os.path.join(root, path), "rb") as handle:
            data = handle.read()
        lines = data.count(b"\n")
        texts[path] = data.decode("utf-8", errors="replace")
        if lines > longest[1]:
            longest = (path, lines)
        if lines > MAX_LINES:
            problems.append((path, MAX_LINES + 1, "lines",
                             "%d lines, over %d" % (lines, MAX_LINES)))
    for path, text in texts.items():
        if not path.endswith(C_EXTS):
            continue
        top = path.split("/")[0]
        code = strip_c(text)
        if path != TXN_OWNER and path not in TXN_EXEMPT:
            problems += calls(path, code, TXN_CALL, "txn",
                              "called outside %s (use hs_txn)" % TXN_OWNER,
                              self_test_spans(strip_preprocessor(code)))
        if path != "daemon/hs_store.c" and top != "tests":
            problems += calls(path, code, MDB_CALL, "txn",
                              "called outside daemon/hs_store.c")
        if top in ("daemon", "clients", "web"):
            problems += calls(path, code, PACK_CALL, "pack",
                              "writes msgpack outside protocol/ (add an encoder there)")
        if top in ("daemon", "clients", "web") and path.count("/") == 1 and path.endswith(".c"):
            prefix = os.path.basename(path)[:-2]
            for name, line in external_definitions(text):
                if name != "main" and name != prefix and not name.startswith(prefix + "_"):
                    problems.append((path, line, "prefix", "%s is external but not "
                                     "named %s_...; make it static or move it" % (name, prefix)))
    problems += check_includes(root, texts)
    return sorted(set(problems)), len(texts), longest


def self_test():
    base = {
        "daemon/hs_store.h": "int hs_store_begin (hs_store_t *self);\n"
                             "int hs_store_commit (hs_store_t *self);\n",
        "daemon/hs_store.c": '#include "hs_store.h"\n'
                             "int\nhs_store_begin (hs_store_t *self)\n{\n"
                             "    return mdb_txn_begin (self->env, NULL, 0, &self->txn);\n}\n"
                             "int hs_store_commit (hs_store_t *self) { return 0; }\n",
        "daemon/hs_txn.h": '#include "hs_store.h"\n',
        "daemon/hs_txn.c": '#include "hs_txn.h"\n#include "../protocol/hs_proto.h"\n'
                           "#define hs_macro(x) { (x); }\n"
                           "static int s_helper (void);\n"
                           "hs_txn_t *\nhs_txn_new (hs_store_t *store)\n{\n"
                           "    hs_store_begin (store);\n    return NULL;\n}\n"
                           "int hs_txn (void) { return '\"'; }\n"
                           "int\nmain (int argc, char *argv [])\n{\n    return 0;\n}\n",
        "protocol/hs_proto.h": "void hs_map_begin (hs_map_t *map, hs_pack_t *pack);\n",
        "protocol/hs_proto.c": '#include "hs_proto.h"\nvoid\nhs_map_begin (hs_map_t *m, '
                               "hs_pack_t *p)\n{\n    msgpack_pack_map (&p->pk, 0);\n}\n",
        "clients/huishang_top.c": '#include "../daemon/hs_txn.h"\n'
                                  "void huishang_top_run (void) { hs_pack_t *p = "
                                  "hs_pack_new (); hs_pack_destroy (&p); }\n",
        "tests/bench/hs_bench.c": "int main (void) { return mdb_txn_begin (0, 0, 0, 0); }\n",
        "tools/x.py": "print ('ok')\n",
        "tests/fuzz/corpus/big.c": "x\n" * 2000,
        "build/huge.c": "x\n" * 2000,
    }
    count = [0]

    def expect(changes, rules, paths=None):
        with tempfile.TemporaryDirectory() as root:
            for path, text in {**base, **changes}.items():
                os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(root, path), "w") as handle:
                    handle.write(text)
            problems = check(root)[0]
        fired = sorted({p[2] for p in problems})
        assert fired == sorted(rules), "%r: expected %r, got %r" % (changes, rules, problems)
        if paths is not None:
            assert sorted({p[0] for p in problems}) == sorted(paths), (changes, problems)
        count[0] += 1
        return problems

    engine = "daemon/hs_engine.c"
    wrap = "static void\ns_run (hs_store_t *store)\n{\n    %s\n}\n"
    expect({}, [])
    expect({"tools/long.sh": "echo\n" * 801}, ["lines"], ["tools/long.sh"])
    expect({"tools/long.sh": "echo\n" * 800}, [])
    got = expect({engine: wrap % "hs_store_commit (store);"}, ["txn"], [engine])
    assert got[0][1] == 4, got
    expect({"daemon/hs_txn.c": base["daemon/hs_txn.c"] + wrap % "hs_store_commit (store);"}, [])
    expect({engine: wrap % "// hs_store_commit (store);\n/* hs_store_abort (s) */"}, [])
    expect({engine: wrap % 'puts ("\\" hs_store_commit (store)"); int c = \'"\';'}, [])
    expect({engine: wrap % "mdb_txn_begin (env, NULL, 0, &txn);"}, ["txn"], [engine])
    #   A class's self test may stand in for hs_txn; the class's code may not.
    ledger = "daemon/hs_ledger.c"
    tested = ("void\nhs_ledger_test (bool verbose)\n{\n    hs_store_begin (store);\n}\n"
              "static int\ns_test_fill (void)\n{\n    return hs_store_commit (store);\n}\n")
    expect({ledger: tested}, [])
    expect({ledger: tested + "int\nhs_ledger_put (void)\n{\n    return hs_store_commit (s);\n}\n"},
           ["txn"], [ledger])
    expect({"daemon/x.c": wrap % "hs_map_begin (&map, pack);"}, ["pack"], ["daemon/x.c"])
    expect({"clients/x.c": wrap % "msgpack_sbuffer_init (&buffer);"}, ["pack"])
    expect({"protocol/x.c": wrap % "hs_map_begin (&map, pack);"}, [])
    expect({"daemon/x.c": wrap % "hs_pack_t *p = hs_pack_new (); hs_pack_reset (p);"}, [])
    cycle = expect({"daemon/a.h": '#include "b.h"\n', "daemon/b.c": '#include "a.h"\n'},
                   ["cycle"])
    assert len(cycle) == 1 and "daemon/a -> daemon/b -> daemon/a" in cycle[0][3], cycle
    expect({"daemon/a.h": '#include "b.h"\n', "daemon/b.c": '#include "c.h"\n',
            "daemon/c.h": "/* #include \"a.h\" */\n"}, [])
    other = "int\nhs_other_thing (void)\n{\n    return 0;\n}\n"
    got = expect({"daemon/hs_txn.c": base["daemon/hs_txn.c"] + other},
                 ["prefix"], ["daemon/hs_txn.c"])
    assert "hs_other_thing" in got[0][3] and len(got) == 1, got
    expect({"daemon/hs_txn.c": base["daemon/hs_txn.c"] + "static " + other}, [])
    expect({"daemon/hs_txn.c": base["daemon/hs_txn.c"] + "int\nhs_other_thing (void);\n"}, [])
    expect({"clients/huishang_top.c": "bool hs_bus_secure (hs_bus_t *s) { return s; }\n"},
           ["prefix"])
    print("check-shape self-test: %d checks passed" % count[0])


def main():
    parser = argparse.ArgumentParser(description="Enforce huishang's code shape.")
    parser.add_argument("--root", default=os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))), help="the repository root")
    parser.add_argument("--self-test", action="store_true", help="test this script")
    args = parser.parse_args()
    if args.self_test:
        self_test()
        return 0
    if not os.path.isdir(args.root):
        parser.error("no folder %s" % args.root)
    problems, files, longest = check(args.root)
    for path, line, rule, message in problems:
        print("%s:%d: %s: %s" % (path, line, rule, message))
    if problems:
        return 1
    print("check-shape: ok (%d files, longest %s at %d lines)" % (files, longest[0], longest[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
