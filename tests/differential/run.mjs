// The node (V8) side of the differential test: prints what
// wasmslot-diff-driver prints (see driver.cpp for the format), for one module.
//
//   node --experimental-wasm-type-reflection run.mjs MODULE.wasm
import fs from 'node:fs';

const buf = new ArrayBuffer(8);
const dv = new DataView(buf);
const hex = (v, n) => v.toString(16).padStart(n, '0');

function fmt(type, v) {
  switch (type) {
    case 'i32': return String(v | 0);
    case 'i64': return BigInt.asIntN(64, BigInt(v)).toString();
    case 'f32':
      if (Number.isNaN(v)) return 'nan';
      dv.setFloat32(0, v);
      return 'f32:0x' + hex(dv.getUint32(0), 8);
    case 'f64':
      if (Number.isNaN(v)) return 'nan';
      dv.setFloat64(0, v);
      return 'f64:0x' + hex(dv.getBigUint64(0), 16);
    case 'funcref': case 'externref': case 'anyfunc':
      return v === null ? 'null' : 'ref';
    default: return '?';
  }
}

function zero(type) {
  switch (type) {
    case 'i64': return 0n;
    case 'funcref': case 'externref': case 'anyfunc': return null;
    default: return 0;
  }
}

function trapKind(e) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stack';
  // A v128 passed to or from a JS import (wasmslot's driver traps the same way).
  if (e instanceof TypeError && /type incompatibility/.test(e.message)) return 'jstype';
  if (!(e instanceof WebAssembly.RuntimeError)) return `other(${e && e.constructor && e.constructor.name}: ${e && e.message})`;
  const m = e.message;
  if (/unreachable/.test(m)) return 'unreachable';
  if (/memory access out of bounds|data segment/.test(m)) return 'memory';
  if (/by zero/.test(m)) return 'div0';
  if (/unrepresentable/.test(m)) return 'numeric';
  if (/table|signature mismatch|null function/.test(m)) return 'table';
  return `other(${m})`;
}

const out = [];
const print = (s) => out.push(s);
let module;
try {
  module = new WebAssembly.Module(fs.readFileSync(process.argv[2]));
} catch (e) {
  print(`invalid: ${e.message}`);
  process.stdout.write(out.join('\n') + '\n');
  process.exit(0);
}

const importObject = {};
let linkError = null;
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.kind !== 'function') { linkError = `non-function import ${imp.module}.${imp.name}`; break; }
  const { parameters, results } = imp.type;
  const name = `${imp.module}.${imp.name}`;
  (importObject[imp.module] ??= {})[imp.name] = (...args) => {
    print(['log ' + name, ...parameters.map((t, i) => fmt(t, args[i]))].join(' '));
    if (results.length === 0) return undefined;
    if (results.length === 1) return zero(results[0]);
    return results.map(zero);
  };
}

function run() {
  if (linkError) { print(`link-error: ${linkError}`); return; }
  let instance;
  try {
    instance = new WebAssembly.Instance(module, importObject);
  } catch (e) {
    if (e instanceof WebAssembly.LinkError) print(`link-error: ${e.message}`);
    else print(`trap ${trapKind(e)}`);
    return;
  }
  const hang = instance.exports.hangLimitInitializer;
  for (const exp of WebAssembly.Module.exports(module)) {
    if (exp.kind !== 'function') continue;
    const { parameters, results } = exp.type;
    if (parameters.includes('v128') || results.includes('v128')) { print(`skip ${exp.name}`); continue; }
    if (hang) hang();
    print(`call ${exp.name}`);
    try {
      let r = instance.exports[exp.name](...parameters.map(zero));
      if (results.length === 1) r = [r];
      else if (results.length === 0) r = [];
      print(['result', ...results.map((t, i) => fmt(t, r[i]))].join(' '));
    } catch (e) {
      print(`trap ${trapKind(e)}`);
    }
  }
}
run();
process.stdout.write(out.join('\n') + '\n');
