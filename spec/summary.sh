#!/bin/sh
# The overall spec figure: runs wasmslot-spec over every converted core
# script of BUILD_DIR and prints the files that fail, then the total.
#
#   spec/summary.sh [--report] BUILD_DIR [SUBDIR [wasmslot-spec flags...]]
#
# SUBDIR selects a proposal's scripts (e.g. "tail-call", with the flag
# --enable-tail-call); by default the core ones, BUILD_DIR/spec/NAME/NAME.json.
#
# Each file runs in its own process, with a time limit: a crash or a hang of
# the interpreter then costs that file (counted as one failure and reported),
# not the whole figure. The last line has the runner's own format,
# "N passed, N failed, N skipped"; the exit status is non-zero if anything
# failed, unless --report is given (the spec-summary build target uses it: it
# reports, it does not judge).
set -u

report=0
if [ "${1:-}" = "--report" ]; then report=1; shift; fi
if [ $# -lt 1 ]; then
  echo "usage: $0 [--report] BUILD_DIR [SUBDIR [wasmslot-spec flags...]]" >&2
  exit 2
fi
build=$1
shift
sub=""
if [ $# -ge 1 ]; then sub="$1/"; shift; fi
runner="$build/wasmslot-spec"
limit=${SPEC_TIMEOUT:-600}

if [ ! -x "$runner" ]; then
  echo "$0: $runner not found: build the wasmslot-spec target first" >&2
  exit 2
fi

passed=0 failed=0 skipped=0 files=0 bad_files=0
for json in "$build/spec/$sub"*/*.json; do
  [ -f "$json" ] || continue
  files=$((files + 1))
  name=$(basename "$json" .json)
  out=$(timeout "$limit" "$runner" --quiet "$@" "$json" 2>&1)
  rc=$?
  last=$(printf '%s\n' "$out" | tail -n 1)
  case "$last" in
    *" passed, "*" failed, "*" skipped")
      p=$(echo "$last" | sed 's/ passed.*//')
      f=$(echo "$last" | sed 's/.* passed, //; s/ failed.*//')
      s=$(echo "$last" | sed 's/.* failed, //; s/ skipped//')
      ;;
    *)
      # No summary line: the runner died (signal, timeout).
      p=0 f=1 s=0
      if [ "$rc" -eq 124 ]; then why="timed out after ${limit}s"
      elif [ "$rc" -gt 128 ]; then why="killed by signal $((rc - 128))"
      else why="exit status $rc"; fi
      crash=$(printf '%s\n' "$out" | grep 'crashed with signal' | tail -n 1)
      last="${why}${crash:+: $crash}"
      ;;
  esac
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  if [ "$f" -ne 0 ]; then
    bad_files=$((bad_files + 1))
    printf '%-28s %s\n' "$sub$name" "$last"
  fi
done

if [ "$files" -eq 0 ]; then
  echo "$0: no JSON files under $build/spec/$sub: build the spec-json target first" >&2
  exit 2
fi
echo "$files files, $bad_files with failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || [ "$report" -eq 1 ]
