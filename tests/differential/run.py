#!/usr/bin/env python3
"""Differential testing of wasmslot against node (V8) and wabt.

  run.py exec     --seeds A:B --driver PATH [--node node] [--wasm-opt wasm-opt]
  run.py validate --seeds A:B --cli PATH [--wasm-validate wasm-validate] [--wasm-opt wasm-opt]

exec: for each seed, random bytes (a PRNG seeded with the seed) become a
valid random module through `wasm-opt -ttf` (binaryen's translate-to-fuzz,
whose loops and recursion are bounded by a "hang limit" global). The module
runs in wasmslot (wasmslot-diff-driver) and in node (run.mjs): both provide
every import (the `fuzzing-support` log-* functions and any other) as a
function that logs its arguments and returns zeros, call every exported
function with zero arguments, and print the logged values, results and trap
kinds in one canonical format (driver.cpp). The outputs must be equal, NaN
payloads aside (any NaN prints as `nan`). After a `trap stack` on either side
the rest is not compared (the engines' stack limits differ).

validate: for each seed, a -ttf module is mutated N times (byte flips,
random bytes, insertions, deletions, LEB stretching, count changes; seeded)
and every mutant is judged by `wasmslot validate` and by `wasm-validate`
(with the proposals wasmslot enables by default): valid or invalid must
agree. Messages are not compared. Where they disagree, node's
WebAssembly.validate breaks the tie: if it sides with wasmslot, wabt is
wrong (wabt 1.0.32 accepts some bodies and constant expressions that lack
their final `end`), which is reported as a note, not a mismatch. (`wasmslot
validate` must also fail cleanly: status 1 and one `error:` line.)

Mismatches are kept in the --work directory as mismatch-*.wasm with the two
outputs; the exit status is 1 if there was any. Longer runs: give a larger
--seeds range, e.g. `--seeds 0:5000`.
"""
import argparse
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Wasm features for -ttf (node 20 runs them all). SIMD is optional: exports
# taking or returning v128 cannot be called from JS and are skipped, but
# their bodies' SIMD code runs through other functions.
TTF_FEATURES = ['--enable-sign-ext', '--enable-nontrapping-float-to-int',
                '--enable-bulk-memory', '--enable-multivalue',
                '--enable-mutable-globals']
# Not --enable-reference-types: binaryen 108's -ttf then emits typed function
# references ((ref func), GC-era types) that neither Wasm 2.0 engine accepts,
# so both would only agree that the module is invalid.
WABT_FEATURES = ['--enable-tail-call', '--enable-extended-const', '--enable-multi-memory']


def ttf(wasm_opt, seed, path, size, features):
    rnd = random.Random(seed)
    data = rnd.randbytes(size)
    src = path + '.bin'
    with open(src, 'wb') as f:
        f.write(data)
    r = subprocess.run([wasm_opt, '-ttf', src, '-o', path] + features,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    os.unlink(src)
    if r.returncode != 0:
        raise RuntimeError(f'wasm-opt -ttf failed for seed {seed}: {r.stderr.decode()[-300:]}')


def run_out(cmd, timeout):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, 'timeout'
    text = r.stdout.decode(errors='replace')
    if r.returncode != 0:
        return None, f'exit status {r.returncode}: {r.stderr.decode(errors="replace")[-500:]}'
    return text.splitlines(), None


def compare(a, b):
    """First differing line index, or None; stops at a stack-exhaustion trap."""
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else '<end>'
        y = b[i] if i < len(b) else '<end>'
        if x == 'trap stack' or y == 'trap stack':
            return None
        if x != y:
            return i
    return None


def mode_exec(args):
    features = TTF_FEATURES + (['--enable-simd'] if args.simd else [])
    os.makedirs(args.work, exist_ok=True)
    lo, hi = args.seeds
    mismatches = 0
    calls = 0
    t0 = time.time()
    for seed in range(lo, hi):
        path = os.path.join(args.work, f'seed-{seed}.wasm')
        rnd = random.Random(seed * 7919 + 1)
        ttf(args.wasm_opt, seed, path, rnd.randint(args.min_size, args.max_size), features)
        ours, err1 = run_out([args.driver, path], args.timeout)
        theirs, err2 = run_out([args.node, '--experimental-wasm-type-reflection',
                                os.path.join(HERE, 'run.mjs'), path], args.timeout)
        problem = None
        if err1:
            problem = f'wasmslot: {err1}'
        elif err2:
            problem = f'node: {err2}'
        else:
            calls += sum(1 for l in ours if l.startswith('call '))
            i = compare(ours, theirs)
            if i is not None:
                problem = (f'line {i + 1}: wasmslot `{ours[i] if i < len(ours) else "<end>"}` '
                           f'node `{theirs[i] if i < len(theirs) else "<end>"}`')
        if problem:
            mismatches += 1
            keep = os.path.join(args.work, f'mismatch-{seed}.wasm')
            os.replace(path, keep)
            for name, lines in (('wasmslot', ours), ('node', theirs)):
                with open(keep + f'.{name}.txt', 'w') as f:
                    f.write('\n'.join(lines or []) + '\n')
            print(f'MISMATCH seed {seed}: {problem}  (kept {keep})', flush=True)
        else:
            os.unlink(path)
    dt = time.time() - t0
    print(f'exec: seeds {lo}:{hi}, {calls} calls compared, {mismatches} mismatches, {dt:.1f}s')
    return 1 if mismatches else 0


# --- validation ----------------------------------------------------------

def leb(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def mutate(data, rnd):
    d = bytearray(data)
    for _ in range(rnd.choice((1, 1, 1, 2, 3))):
        if len(d) <= 8:
            break
        pos = rnd.randrange(8, len(d))  # keep magic and version
        kind = rnd.randrange(7)
        if kind == 0:    # flip a bit
            d[pos] ^= 1 << rnd.randrange(8)
        elif kind == 1:  # a random byte
            d[pos] = rnd.randrange(256)
        elif kind == 2:  # an interesting byte
            d[pos] = rnd.choice((0x00, 0x01, 0x7F, 0x80, 0xFF, 0x40, 0x0B, 0x70, 0x6F, 0x7B))
        elif kind == 3:  # delete a few bytes
            del d[pos:pos + rnd.randint(1, 4)]
        elif kind == 4:  # insert a few bytes
            d[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 4)))
        elif kind == 5:  # stretch a LEB: byte b -> b|0x80, 0x00 (same value, one byte longer)
            if d[pos] < 0x80:
                d[pos:pos + 1] = bytes((d[pos] | 0x80, 0x00))
        else:            # replace with a large LEB (count or size inflation)
            d[pos:pos + 1] = leb(rnd.choice((0x7F, 0x80, 0xFFFF, 0xFFFFFFFF, rnd.randrange(1 << 20))))
    return bytes(d)


def node_valid(node, path):
    """WebAssembly.validate in node, or None if node cannot say."""
    code = ("const fs=require('fs');"
            "process.stdout.write(WebAssembly.validate(fs.readFileSync(process.argv[1]))?'valid':'invalid')")
    try:
        r = subprocess.run([node, '--experimental-wasm-extended-const', '-e', code, path],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = r.stdout.decode()
    return True if out == 'valid' else False if out == 'invalid' else None


def mode_validate(args):
    os.makedirs(args.work, exist_ok=True)
    lo, hi = args.seeds
    mismatches = 0
    wabt_wrong = 0
    total = 0
    valid_count = 0
    t0 = time.time()
    for seed in range(lo, hi):
        base = os.path.join(args.work, f'base-{seed}.wasm')
        rnd = random.Random(seed * 104729 + 3)
        ttf(args.wasm_opt, seed, base, rnd.randint(200, 1500), TTF_FEATURES)
        with open(base, 'rb') as f:
            data = f.read()
        os.unlink(base)
        for k in range(args.mutants):
            m = mutate(data, rnd)
            path = os.path.join(args.work, f'mutant-{seed}-{k}.wasm')
            with open(path, 'wb') as f:
                f.write(m)
            r1 = subprocess.run([args.cli, 'validate', path], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=args.timeout)
            r2 = subprocess.run([args.wasm_validate] + WABT_FEATURES + [path], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=args.timeout)
            total += 1
            err1 = r1.stderr.decode(errors='replace').strip()
            ours_ok = r1.returncode == 0
            if r1.returncode not in (0, 1) or (not ours_ok and (not err1.startswith('error:') or '\n' in err1)):
                mismatches += 1
                print(f'BAD EXIT seed {seed} mutant {k}: status {r1.returncode}, stderr {err1[:300]!r}'
                      f'  (kept {path})', flush=True)
                continue
            wabt_ok = r2.returncode == 0
            valid_count += ours_ok
            if ours_ok != wabt_ok and args.node and node_valid(args.node, path) == ours_ok:
                # wabt 1.0.32 is wrong now and then (it accepts a function
                # body or a constant expression that lacks its final `end`);
                # node (V8) breaks the tie. Not a failure, but counted.
                wabt_wrong += 1
                keep = os.path.join(args.work, f'wabt-wrong-{seed}-{k}.wasm')
                os.replace(path, keep)
                print(f'note: seed {seed} mutant {k}: wasm-validate says {"valid" if wabt_ok else "invalid"}, '
                      f'wasmslot and node say {"valid" if ours_ok else "invalid"} ({err1!r})  (kept {keep})',
                      flush=True)
            elif ours_ok != wabt_ok:
                mismatches += 1
                keep = os.path.join(args.work, f'mismatch-{seed}-{k}.wasm')
                os.replace(path, keep)
                err2 = r2.stderr.decode(errors='replace').strip().splitlines()
                print(f'MISMATCH seed {seed} mutant {k}: wasmslot {"valid" if ours_ok else err1!r}; '
                      f'wasm-validate {"valid" if wabt_ok else (err2[0] if err2 else "?")!r}  (kept {keep})',
                      flush=True)
            else:
                os.unlink(path)
    dt = time.time() - t0
    print(f'validate: seeds {lo}:{hi}, {total} mutants ({valid_count} valid), '
          f'{mismatches} mismatches, {wabt_wrong} where wasm-validate alone was wrong, {dt:.1f}s')
    return 1 if mismatches else 0


def seeds(s):
    a, _, b = s.partition(':')
    return int(a), int(b) if b else int(a) + 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('mode', choices=('exec', 'validate'))
    p.add_argument('--seeds', type=seeds, default=(0, 20), help='A:B, the seeds A..B-1')
    p.add_argument('--work', default='diff-work', help='directory for modules and mismatches')
    p.add_argument('--wasm-opt', default='wasm-opt')
    p.add_argument('--timeout', type=float, default=30)
    p.add_argument('--driver', help='exec: wasmslot-diff-driver')
    p.add_argument('--node', default='node')
    p.add_argument('--simd', action='store_true', help='exec: let -ttf emit SIMD')
    p.add_argument('--min-size', type=int, default=500, help='exec: random bytes per module, at least')
    p.add_argument('--max-size', type=int, default=6000, help='exec: random bytes per module, at most')
    p.add_argument('--cli', help='validate: the wasmslot command line')
    p.add_argument('--wasm-validate', default='wasm-validate')
    p.add_argument('--mutants', type=int, default=4, help='validate: mutants per seed')
    args = p.parse_args()
    if args.mode == 'exec':
        if not args.driver:
            p.error('exec needs --driver')
        return mode_exec(args)
    if not args.cli:
        p.error('validate needs --cli')
    return mode_validate(args)


if __name__ == '__main__':
    sys.exit(main())
