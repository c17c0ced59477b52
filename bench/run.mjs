// The node runner of bench/compare:
//   node [--liftoff-only] bench/run.mjs MODULE.wasm N
// instantiates MODULE (no imports), calls run(N) and prints the result as an
// unsigned 32-bit decimal, like the native drivers.
import { readFileSync } from 'node:fs';

const [file, n] = process.argv.slice(2);
if (!file || n === undefined) {
  console.error('usage: node [--liftoff-only] run.mjs MODULE.wasm N');
  process.exit(2);
}
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
console.log(String(instance.exports.run(Number(n)) >>> 0));
