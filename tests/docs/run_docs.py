#!/usr/bin/env python3
"""Runs the guided tour's commands as written (docs/*.md, issue 9).

    run_docs.py --source ROOT --build BUILD_DIR [docs/02-control-flow.md ...]

For every Markdown file (default: ROOT/docs/*.md, in name order):

  * Each ```sh block is split into commands: one per line, a line ending in
    a backslash continues on the next, and a here-document (<<'EOF' ... EOF)
    belongs to the command that opens it. Lines starting with # are comments.
  * Each command runs in a fresh `bash -c` from ROOT, with two words
    replaced: `build/` (at the start of a word) by BUILD_DIR, so the tour
    works in any build directory, and `/tmp/tour` by a private temporary
    directory (one per file), so runs cannot collide.
  * It must exit 0, or with N when its trailing comment ends with `exit N`
    (e.g. `build/wasmslot run x.wasm --invoke f   # traps: exit 2`).
  * A ```text block is expected output: each of its non-blank lines must
    appear, in order, among the output lines (stdout and stderr together) of
    the most recent ```sh block of the same file, after the same
    replacements. Lines in between may be left out, so a chapter can show an
    excerpt; each line shown must match exactly (trailing spaces aside).
    Other fenced blocks (``` alone, wat, cpp, mermaid...) are not run.

Exit status 0 when every command and every output matched; otherwise every
failure is printed and the status is 1.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FENCE = re.compile(r"^```(\S*)\s*$")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
EXIT_MARK = re.compile(r"#.*\bexit (\d+)\)?\s*$")
BUILD_WORD = re.compile(r"(?<![\w./-])build/")
# Programs a command may need that a minimal machine can lack: commands that
# start with one of them are skipped (and said so) when it is not installed.
OPTIONAL_PROGRAMS = {"node"}


def blocks(path):
    """Yields (language, first line number, lines) for each fenced block."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        lang, start, body = m.group(1), i + 1, []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        yield lang, start + 1, body
        i += 1  # the closing fence


def commands(body, first_line):
    """Splits a sh block into (line number, command text, expected status)."""
    i = 0
    while i < len(body):
        line = body[i]
        lineno = first_line + i
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [line]
        while parts[-1].endswith("\\") and i < len(body):
            parts.append(body[i])
            i += 1
        head = "\n".join(parts)
        status = 0
        m = EXIT_MARK.search(parts[-1])
        if m:
            status = int(m.group(1))
        h = HEREDOC.search(head)
        if h:
            end = h.group(2)
            while i < len(body):
                parts.append(body[i])
                i += 1
                if parts[-1].strip() == end:
                    break
        yield lineno, "\n".join(parts), status


def substitute(text, build, tour):
    text = BUILD_WORD.sub(build.rstrip("/") + "/", text)
    return text.replace("/tmp/tour", tour)


def matches(expected, actual):
    """Are the expected lines an in-order subsequence of the actual ones?
    Returns None when they are, else the first expected line not found."""
    pos = 0
    for want in expected:
        while pos < len(actual) and actual[pos] != want:
            pos += 1
        if pos == len(actual):
            return want
        pos += 1
    return None


def run_file(path, source, build, verbose):
    failures = []
    ran = 0
    tour = tempfile.mkdtemp(prefix="wasmslot-tour-")
    name = os.path.relpath(path, source)
    env = dict(os.environ, LC_ALL="C")
    try:
        last_output = None  # output lines of the latest sh block
        last_block = None
        for lang, first, body in blocks(path):
            if lang == "sh":
                out = []
                for lineno, cmd, status in commands(body, first):
                    word = cmd.split()[0]
                    if word in OPTIONAL_PROGRAMS and shutil.which(word) is None:
                        print(f"{name}:{lineno}: skipped ({word} is not installed): {cmd.splitlines()[0]}")
                        continue
                    real = substitute(cmd, build, tour)
                    t0 = time.monotonic()
                    try:
                        p = subprocess.run(["bash", "-c", real], cwd=source, env=env,
                                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                           timeout=60)
                        code, text = p.returncode, p.stdout.decode("utf-8", "replace")
                    except subprocess.TimeoutExpired:
                        code, text = None, "(timed out after 60 s)\n"
                    ran += 1
                    if verbose:
                        print(f"{name}:{lineno}: exit {code} in {time.monotonic() - t0:.2f} s: "
                              f"{cmd.splitlines()[0]}")
                    out.extend(l.rstrip() for l in text.split("\n"))
                    if code != status:
                        failures.append(f"{name}:{lineno}: `{cmd.splitlines()[0]}` exited {code}, "
                                        f"expected {status}; its output:\n{text}")
                last_output, last_block = out, first
            elif lang == "text" and last_output is not None:
                expected = [substitute(l.rstrip(), build, tour) for l in body if l.strip()]
                missing = matches(expected, last_output)
                if missing is not None:
                    failures.append(f"{name}:{first}: output of the sh block at line {last_block} lacks "
                                    f"(in this order) the line\n  {missing}\nits output was:\n" +
                                    "\n".join(last_output))
    finally:
        shutil.rmtree(tour, ignore_errors=True)
    return ran, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", required=True, help="the repository root")
    ap.add_argument("--build", required=True, help="the build directory `build/` stands for")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every command and its time")
    ap.add_argument("files", nargs="*", help="Markdown files (default: SOURCE/docs/*.md)")
    a = ap.parse_args()
    source = os.path.abspath(a.source)
    build = os.path.abspath(a.build)
    files = a.files or sorted(glob.glob(os.path.join(source, "docs", "*.md")))
    total, failures = 0, []
    for f in files:
        ran, fails = run_file(os.path.abspath(f), source, build, a.verbose)
        total += ran
        failures += fails
    for f in failures:
        print("FAIL " + f)
    print(f"{total} commands in {len(files)} files, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
