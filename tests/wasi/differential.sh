#!/bin/sh
# Differential test: the C programs of tests/wasi/ run under wasmslot and
# under node:wasi (preview1, through node_run.mjs) with the same preopened
# directory, environment, arguments and stdin; their stdout and exit status
# must be identical. Every run gets a fresh temporary directory of its own.
#   differential.sh WASMSLOT NODE WASM_DIR
# Exits 77 (ctest's SKIP_RETURN_CODE) when node is missing or too old for
# node:wasi's `version: 'preview1'` (node 20 and later).
set -u
WASMSLOT=$1
NODE=$2
WASM_DIR=$3
HERE=$(cd "$(dirname "$0")" && pwd)

if [ -z "$NODE" ] || ! command -v "$NODE" >/dev/null 2>&1; then
  echo "node not found: differential test skipped"
  exit 77
fi
if ! "$NODE" --no-warnings -e "
    const w = new (require('node:wasi').WASI)({version: 'preview1'});
    if (typeof w.getImportObject !== 'function') process.exit(1);" >/dev/null 2>&1; then
  echo "$NODE has no node:wasi with version 'preview1': differential test skipped"
  exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wasmslot_diff_XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
failed=0
cases=0

# The directory layouts a case may ask for, made in a fresh directory $1;
# the program sees $1/root as /sandbox.
setup_empty() { mkdir "$1/root"; }
# c_files: symbolic links leading outside, and a file next to the sandbox.
setup_escapes() {
  mkdir "$1/root"
  printf outside >"$1/outside.txt"
  ln -s .. "$1/root/out"
  ln -s /etc "$1/root/abs"
}

# Checks that node gets wrong, one name a line, set for the case that needs
# it (see there for why): their lines ("ok NAME", "FAIL NAME (...)" or
# "NAME: ...") are left out of both outputs, and each left-out FAIL line is
# taken out of the exit status (c_files exits with its number of failures).
NODE_BUGS=

# Drops the lines of the checks in NODE_BUGS from output file $1 and prints
# how many of them were FAIL lines.
drop_node_bugs() {
  awk -v bugs="$NODE_BUGS" -v count="$1.dropped" '
    BEGIN { n = bugs == "" ? 0 : split(bugs, b, "\n") }
    {
      for (i = 1; i <= n; ++i)
        if ($0 == "ok " b[i] || index($0, "FAIL " b[i] " (") == 1 || index($0, b[i] ": ") == 1) {
          if ($0 ~ /^FAIL/) ++failed
          next
        }
      print
    }
    END { print failed + 0 > count }' "$1" >"$1.kept"
  mv "$1.kept" "$1"
  cat "$1.dropped"
}

# run_case NAME PROGRAM SETUP STDIN [OPTIONS...] -- [ARGS...]
# OPTIONS are wasmslot's and node_run.mjs's (--env, --dir); the preopen
# ROOT::/sandbox is always given. STDIN is piped in.
run_case() {
  name=$1 program=$WASM_DIR/$2.wasm setup=$3 input=$4
  shift 4
  cases=$((cases + 1))
  for runner in wasmslot node; do
    dir=$WORK/$name.$runner
    mkdir "$dir" && $setup "$dir"
    if [ $runner = wasmslot ]; then
      printf '%s' "$input" | "$WASMSLOT" run "$program" --dir "$dir/root::/sandbox" "$@" \
        >"$dir.out" 2>"$dir.err"
    else
      printf '%s' "$input" | "$NODE" --no-warnings "$HERE/node_run.mjs" --dir "$dir/root::/sandbox" "$program" "$@" \
        >"$dir.out" 2>"$dir.err"
    fi
    status=$?
    echo $((status - $(drop_node_bugs "$dir.out"))) >"$dir.status"
  done
  a=$WORK/$name.wasmslot b=$WORK/$name.node
  if cmp -s "$a.out" "$b.out" && cmp -s "$a.status" "$b.status"; then
    echo "same: $name (status $(cat "$a.status"))"
  else
    failed=$((failed + 1))
    echo "DIFFERENT: $name: status wasmslot $(cat "$a.status"), node $(cat "$b.status")"
    diff -u --label wasmslot "$a.out" --label node "$b.out"
    echo "--- stderr of wasmslot:"; cat "$a.err"
    echo "--- stderr of node:"; cat "$b.err"
  fi
}

# The program written for this comparison: stdio, files, clocks, randomness,
# arguments, environment, exit status.
run_case mixed c_mixed setup_empty "$(printf 'first line\n\nthird line, the last one without a newline')" \
  --env MIXED_A=alpha --env "MIXED_B=two words=2" -- one "two words" "" --dir
run_case mixed_no_input c_mixed setup_empty "" --env MIXED_A= --env MIXED_B=b
# The other programs, where their output is deterministic.
run_case cat c_cat setup_empty "$(seq 1 3000)"
# node's nanosleep of 20 ms sometimes ends before 20 ms have passed on the
# monotonic clock (seen 2 times in 40 runs; uvwasi waits on a libuv timer of
# whole milliseconds, counted from the loop's cached time), so c_hello's
# "slept enough" is now and then "no" under node. WasiC.HelloWorld checks it
# on wasmslot.
NODE_BUGS='slept enough'
run_case hello c_hello setup_empty "" --env "GREETING=hi there" -- a "b c"
NODE_BUGS=
run_case sleep c_sleep setup_empty ""
run_case exit c_exit setup_empty "" -- 5
run_case exit_zero c_exit setup_empty ""
run_case lines c_lines setup_empty "" -- 0
run_case poll_stdin c_poll setup_empty "$(printf 'ready\nmore\n')" -- 0
run_case poll_sleeper c_poll setup_empty "" -- 1
# node:wasi (uvwasi) is no sandbox, as its documentation says, and gets these
# wrong; wasmslot's answers are the ones the WASI rules ask for (and
# tests/wasi_test.cpp checks them on wasmslot alone):
#  - "link with .. inside": d1/up -> ../a.txt points inside the preopen, but
#    uvwasi resolves a new link's target from the preopen instead of from the
#    link's own directory, sees an escape and refuses to create it
#    (ENOTCAPABLE).
#  - "escape through a link to .." and "escape through an absolute link":
#    uvwasi lets the kernel follow symbolic links already in the preopen, so
#    out -> .. and abs -> /etc lead outside and the opens succeed.
NODE_BUGS='link with .. inside
escape through a link to ..
escape through an absolute link'
run_case files c_files setup_escapes "" -- /sandbox
NODE_BUGS=

echo "$cases cases, $failed different"
[ $failed -eq 0 ]
