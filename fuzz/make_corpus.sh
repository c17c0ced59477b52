#!/usr/bin/env bash
# Seed corpora for the fuzz targets, from the modules a build already has:
# the fixtures (BUILD/fixtures/*.wasm) and every module of the converted spec
# tests (BUILD/spec/**/*.wasm), including the malformed and invalid ones.
#
#   fuzz/make_corpus.sh BUILD_DIR OUT_DIR
#
# writes OUT_DIR/load_run/ (the modules as they are, for fuzz_load_run) and
# OUT_DIR/spec_calls/ (each module in fuzz_spec_calls's format: a u32 LE
# length, the module, then 64 script bytes derived from the file's hash).
# Files are named by content hash, so duplicates collapse; modules over
# 64 KiB are left out (libFuzzer works best on small inputs).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR OUT_DIR" >&2
  exit 2
fi
build=$1 out=$2
[ -d "$build/fixtures" ] || { echo "$0: no $build/fixtures: build the project first" >&2; exit 2; }
mkdir -p "$out/load_run" "$out/spec_calls"
find "$build/fixtures" "$build/spec" -name '*.wasm' -size -65k 2>/dev/null |
python3 -c '
import hashlib, os, struct, sys
out = sys.argv[1]
n = 0
for line in sys.stdin:
    path = line.rstrip("\n")
    data = open(path, "rb").read()
    h = hashlib.sha1(data).hexdigest()
    with open(os.path.join(out, "load_run", h), "wb") as f:
        f.write(data)
    script = hashlib.sha512(data).digest()  # 64 bytes
    with open(os.path.join(out, "spec_calls", h), "wb") as f:
        f.write(struct.pack("<I", len(data)) + data + script)
    n += 1
print(f"{n} modules read")
' "$out"
echo "$(ls "$out/load_run" | wc -l) inputs in $out/load_run, $(ls "$out/spec_calls" | wc -l) in $out/spec_calls"
