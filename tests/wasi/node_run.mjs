// Runs a WASI command under node:wasi (preview1) the way `wasmslot run` does,
// with the same options, so tests/wasi/differential.sh can compare the two:
//   node --no-warnings node_run.mjs [--dir HOST[::GUEST]]... [--env NAME=VALUE]...
//        PROGRAM.wasm [-- ARGS...]
// argv[0] is PROGRAM as given; stdin, stdout and stderr are the process's
// own; the exit status is the program's proc_exit code (0 when _start returns).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const preopens = {};
const env = {};
let program;
let args = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
  const a = argv[i];
  if (a === '--') {
    args = argv.slice(i + 1);
    break;
  } else if (a === '--dir') {
    const [host, guest] = argv[++i].split('::');
    preopens[guest ?? host] = host;
  } else if (a === '--env') {
    const v = argv[++i];
    const eq = v.indexOf('=');
    env[v.slice(0, eq)] = v.slice(eq + 1);
  } else {
    program = a;
  }
}

const wasi = new WASI({ version: 'preview1', args: [program, ...args], env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(program));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
