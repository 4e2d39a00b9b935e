#!/usr/bin/env node
'use strict';
/**
 * A tiny language server for tests: JSON-RPC 2.0 over stdio with LSP's Content-Length framing,
 * written by hand so the server side shares no code with the client under test.
 *
 * Documents: every line holding `ERROR: <text>` becomes an error diagnostic; lines starting
 * `function <name>`, `class <name>` or `const <name>` are symbols (Function, Class, Constant) for
 * `workspace/symbol`. A document containing `CRASH_NOW` makes the server exit with code 3.
 *
 * Options:
 *   --log <file>     append one JSON line per event (start, each message received, exit)
 *   --ignore-exit    answer `shutdown` but ignore `exit` (the client must kill it)
 *   --spawn-child    start a long-running child process (the client must kill the group)
 */
const { appendFileSync } = require('node:fs');
const { spawn } = require('node:child_process');

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const logFile = option('--log');
const ignoreExit = args.includes('--ignore-exit');

function log(entry) {
  if (logFile) appendFileSync(logFile, JSON.stringify({ pid: process.pid, ...entry }) + '\n');
}

let child;
if (args.includes('--spawn-child')) {
  child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}
log({ event: 'start', cwd: process.cwd(), env: process.env.FAKE_LSP_MARK, child: child?.pid });

// ---- framing -------------------------------------------------------------------------------

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const header = buffer.subarray(0, headerEnd).toString('ascii');
    const match = /Content-Length: *(\d+)/i.exec(header);
    if (!match) throw new Error(`bad header: ${header}`);
    const length = Number(match[1]);
    const start = headerEnd + 4;
    if (buffer.length < start + length) return;
    const body = buffer.subarray(start, start + length).toString('utf8');
    buffer = buffer.subarray(start + length);
    handle(JSON.parse(body));
  }
});
// The client went away without `exit`: a well-behaved server stops.
process.stdin.on('end', () => {
  log({ event: 'stdin-end' });
  process.exit(shutdownRequested ? 0 : 1);
});

// ---- requests to the client ----------------------------------------------------------------

let nextId = 1;
const pending = new Map();
function request(method, params) {
  const id = `server-${nextId++}`;
  send({ id, method, params });
  return new Promise((resolve) => pending.set(id, resolve));
}

// ---- documents -----------------------------------------------------------------------------

const documents = new Map();
let shutdownRequested = false;

function analyse(uri, text) {
  if (text.includes('CRASH_NOW')) {
    log({ event: 'crash' });
    process.exit(3);
  }
  const diagnostics = [];
  const symbols = [];
  text.split('\n').forEach((line, index) => {
    const error = line.indexOf('ERROR:');
    if (error >= 0) {
      diagnostics.push({
        range: {
          start: { line: index, character: error },
          end: { line: index, character: line.length },
        },
        severity: 1,
        source: 'fake',
        message: line.slice(error + 'ERROR:'.length).trim(),
      });
    }
    const declaration = /^(function|class|const)\s+(\w+)/.exec(line);
    if (declaration) {
      const kind = { function: 12, class: 5, const: 14 }[declaration[1]];
      const column = line.indexOf(declaration[2]);
      symbols.push({
        name: declaration[2],
        kind,
        location: {
          uri,
          range: {
            start: { line: index, character: column },
            end: { line: index, character: column + declaration[2].length },
          },
        },
      });
    }
  });
  documents.set(uri, { text, symbols });
  send({ method: 'textDocument/publishDiagnostics', params: { uri, diagnostics } });
}

// ---- dispatch ------------------------------------------------------------------------------

function handle(message) {
  if (message.id !== undefined && !message.method) {
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    if (resolve) resolve(message.result);
    return;
  }
  const { id, method, params } = message;
  log({ event: 'message', method, params });
  switch (method) {
    case 'initialize':
      return send({
        id,
        result: {
          capabilities: { textDocumentSync: 1, workspaceSymbolProvider: true },
          serverInfo: { name: 'fake-lsp', version: '1.0.0' },
        },
      });
    case 'initialized':
      void request('workspace/configuration', { items: [{ section: 'fake' }] }).then((result) =>
        log({ event: 'configuration', result }),
      );
      return;
    case 'textDocument/didOpen':
      return analyse(params.textDocument.uri, params.textDocument.text);
    case 'textDocument/didChange': {
      const changes = params.contentChanges;
      return analyse(params.textDocument.uri, changes[changes.length - 1].text);
    }
    case 'workspace/symbol': {
      const query = String(params.query || '').toLowerCase();
      const result = [];
      for (const document of documents.values()) {
        for (const symbol of document.symbols) {
          if (symbol.name.toLowerCase().includes(query)) result.push(symbol);
        }
      }
      return send({ id, result });
    }
    case 'shutdown':
      shutdownRequested = true;
      return send({ id, result: null });
    case 'exit':
      if (ignoreExit) return;
      log({ event: 'exit', clean: shutdownRequested });
      if (child) child.kill();
      process.exit(shutdownRequested ? 0 : 1);
      return;
    default:
      if (id !== undefined) {
        send({ id, error: { code: -32601, message: `Unhandled method ${method}` } });
      }
  }
}
