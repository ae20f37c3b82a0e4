'use strict';
/**
 * A long-lived xmllint worker: compiles xmllint-wasm's WebAssembly once and
 * runs each request in a fresh instance of it (fresh memory and file
 * system), instead of a new worker and a new compilation per call. The
 * package's own factory and binary are used unchanged; only the
 * instantiation is cached.
 */
const { parentPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const KEY = 'mcx-xmllint';
const factoryPath = require.resolve('xmllint-wasm/xmllint-node.js');
// Requiring the factory also installs the package's own message handler on parentPort; it ignores
// messages without its own key, so it never answers ours.
const createXmllint = require(factoryPath);
const compiled = WebAssembly.compile(readFileSync(join(dirname(factoryPath), 'xmllint.wasm')));

function run(request) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const done = (exitCode, err) => {
      if (settled) return;
      settled = true;
      resolve({ exitCode, stdout, stderr: err ? `${stderr}${err}\n` : stderr });
    };
    createXmllint({
      inputFiles: request.inputFiles,
      arguments: request.args,
      print: (text) => { stdout += `${text}\n`; },
      printErr: (text) => { stderr += `${text}\n`; },
      onExit: (code) => done(code),
      onAbort: (reason) => done(-1, `WASM Abort: ${reason}`),
      wasmMemory: new WebAssembly.Memory({ initial: request.initialMemory, maximum: request.maxMemory }),
      instantiateWasm: (imports, receive) => {
        compiled.then((module) => WebAssembly.instantiate(module, imports)).then((instance) => receive(instance), (err) => done(-1, `instantiate: ${err}`));
        return {};
      },
    }).catch((err) => done(-1, String(err)));
  });
}

let queue = Promise.resolve();
parentPort.on('message', (message) => {
  if (!message || message[KEY] !== true) return;
  queue = queue.then(async () => {
    const result = await run(message).catch((err) => ({ exitCode: -1, stdout: '', stderr: String(err) }));
    parentPort.postMessage({ [KEY]: true, id: message.id, ...result });
  });
});
