// The node runner of bench/compare:
//   node [--liftoff-only] bench/run.mjs MODULE.wasm N
// instantiates MODULE (no imports), calls run(N) and prints the result as an
// unsigned 32-bit decimal on stdout, like the native drivers; on stderr, the
// time spent in the process on compiling + instantiating and on running:
//   compile_s=0.001234 run_s=0.234567
import { readFileSync } from 'node:fs';

const [file, n] = process.argv.slice(2);
if (!file || n === undefined) {
  console.error('usage: node [--liftoff-only] run.mjs MODULE.wasm N');
  process.exit(2);
}
const bytes = readFileSync(file);
const t0 = performance.now();
const { instance } = await WebAssembly.instantiate(bytes, {});
const t1 = performance.now();
const result = instance.exports.run(Number(n)) >>> 0;
const t2 = performance.now();
console.log(String(result));
console.error(`compile_s=${((t1 - t0) / 1000).toFixed(6)} run_s=${((t2 - t1) / 1000).toFixed(6)}`);
