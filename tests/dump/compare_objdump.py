#!/usr/bin/env python3
"""`wasmslot dump -h -d` against wabt's `wasm-objdump -h -d`, module by module.

    compare_objdump.py --wasmslot PATH --objdump PATH DIR...

Takes every module of the DIRs: the .wasm files that wast2json wrote next to
its .json files (build/spec/), and any other .wasm file (build/fixtures/).
A spec module is taken when its command is not assert_malformed: a malformed
module is one that a decoder must reject, and wasmslot does; the others are
well formed (valid or not), so both tools should disassemble them.

The two outputs are compared line by line, exactly: the same section headers;
the same functions at the same offsets, with the same bytes, instructions,
immediates, names and indentation. Only the two known slips of wasm-objdump
1.0.32 are normalized away (see normalize()).

The malformed modules (assert_malformed) must each give one `error:` line,
no output and exit status 1.

Invalid modules (assert_invalid) are well formed, so they are dumped and
compared like the valid ones: `wasmslot dump` only decodes. That includes
the constant expressions with an instruction that is not constant, e.g.
`(global i32 (i32.ctz (i32.const 1)))`: the decoder reads any instruction
there, and validation rejects it ("constant expression required").

Skipped, and counted: modules wasm-objdump cannot read. Exit status 0 when
every compared module is equal (and there was something to compare).
"""

import argparse
import json
import os
import re
import subprocess
import sys

FUNC = re.compile(r"^[0-9a-f]{6,} func\[\d+\]")
LINE = re.compile(r"^( [0-9a-f]{6,}: (?:[0-9a-f]{2} )* *\| ?)(.*)$")
LOCALS = re.compile(r"^local\[(\d+)(?:\.\.(\d+))?\] (type=.*)$")
SELECT = re.compile(r"^( *select \S+)(?: \S+)+$")

# Malformed in Wasm 2.0, well formed with a proposal that wasmslot (and so
# `wasmslot dump`) accepts by default: with multi-memory, the reserved zero
# byte of memory.size, memory.grow, ... is a memory index.
WELL_FORMED_WITH_PROPOSALS = {"zero byte expected"}


def modules(dirs):
    """The modules to compare, {path: the spec command's expected error text
    when it is assert_invalid, else None}, and the malformed ones, {path: the
    spec's error text}."""
    found = {}
    malformed = {}
    for top in dirs:
        for root, _, files in os.walk(top):
            listed = set()
            for j in (f for f in files if f.endswith(".json")):
                try:
                    with open(os.path.join(root, j)) as f:
                        commands = json.load(f).get("commands", [])
                except (OSError, ValueError):
                    continue
                for c in commands:
                    name = c.get("filename", "")
                    if not name.endswith(".wasm"):
                        continue
                    listed.add(name)
                    if c.get("type") == "assert_malformed":
                        malformed[os.path.join(root, name)] = c.get("text", "")
                    else:
                        invalid = c.get("text") if c.get("type") == "assert_invalid" else None
                        found[os.path.join(root, name)] = invalid
            for f in files:
                if f.endswith(".wasm") and f not in listed:
                    found[os.path.join(root, f)] = None
    return dict(sorted(found.items())), malformed


def normalize(text):
    """The lines of a dump from its "Sections:" (or "Code Disassembly:") on,
    with the two known differences of wasm-objdump 1.0.32 taken out:
      * it numbers locals after the parameters of the type whose index is
        the function's (not the function's type): a locals line keeps its
        count and type only;
      * of a select with several types (invalid, but well formed) it shows
        the first: only that one is kept."""
    lines = text.splitlines()
    start = "Sections:" if "Sections:" in lines else "Code Disassembly:"
    if start not in lines:
        return []
    out = []
    for raw in lines[lines.index(start):]:
        raw = raw.rstrip()
        m = LINE.match(raw)
        if m:
            prefix, instr = m.groups()
            locals_ = LOCALS.match(instr)
            if locals_:
                first = int(locals_.group(1))
                last = int(locals_.group(2) or first)
                instr = "local count=%d %s" % ((last - first + 1) % 2**32, locals_.group(3))
            instr = SELECT.sub(r"\1", instr)
            raw = prefix + instr
        out.append(raw)
    return out


def run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasmslot", required=True)
    ap.add_argument("--objdump", required=True)
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()

    paths, malformed = modules(args.dirs)
    compared = functions = instructions = 0
    compared_invalid = {}  # the spec's error text: how many modules
    skipped = []
    failures = []
    for path, invalid in paths.items():
        # A few modules wasm-objdump disassembles, but fails on with -h.
        views = ["-h", "-d"]
        rc, expected, _ = run([args.objdump] + views + [path])
        if rc != 0:
            views = ["-d"]
            rc, expected, _ = run([args.objdump] + views + [path])
        if rc != 0:
            skipped.append(path)
            continue
        rc, actual, err = run([args.wasmslot, "dump"] + views + [path])
        if rc != 0:
            failures.append("%s: wasmslot dump failed: %s" % (path, err.strip()))
            continue
        want, got = normalize(expected), normalize(actual)
        compared += 1
        if invalid is not None:
            compared_invalid[invalid] = compared_invalid.get(invalid, 0) + 1
        functions += sum(1 for l in want if FUNC.match(l))
        instructions += sum(1 for l in want if LINE.match(l) and LINE.match(l).group(2))
        if want != got:
            at = next(i for i in range(max(len(want), len(got)))
                      if i >= len(want) or i >= len(got) or want[i] != got[i])
            show = lambda ls: ls[at] if at < len(ls) else "(nothing)"
            failures.append("%s: line %d:\n  wasm-objdump: %s\n  wasmslot:     %s"
                            % (path, at, show(want), show(got)))

    # A malformed module: no output, one `error:` line, exit status 1.
    rejected_malformed = 0
    for path, text in sorted(malformed.items()):
        if text in WELL_FORMED_WITH_PROPOSALS:
            continue
        rejected_malformed += 1
        rc, out, err = run([args.wasmslot, "dump", "-h", "-x", "-d", path])
        if rc != 1 or out or len(err.splitlines()) != 1 or not err.startswith("error: "):
            failures.append("%s: malformed, but dump gave exit %d, %d bytes of output, stderr %r"
                            % (path, rc, len(out), err[:200]))

    for f in failures[:20]:
        print("FAIL " + f)
    if len(failures) > 20:
        print("... and %d more" % (len(failures) - 20))
    print("%d modules compared (section headers and code), %d functions, "
          "%d lines of code (instructions and locals): %s"
          % (compared, functions, instructions,
             "all equal" if not failures else "%d failures (the FAIL lines)" % len(failures)))
    print("  of which %d invalid (assert_invalid), %d of them \"constant expression required\""
          % (sum(compared_invalid.values()), compared_invalid.get("constant expression required", 0)))
    print("%d malformed modules: each rejected with one error line (and %d malformed only "
          "without multi-memory)" % (rejected_malformed, len(malformed) - rejected_malformed))
    print("%d modules skipped: wasm-objdump cannot read them" % len(skipped))
    for s in skipped[:10]:
        print("  skipped " + s)
    if not compared:
        print("nothing to compare: build the spec JSON first (cmake --build BUILD --target spec-json)")
    return 0 if compared and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
