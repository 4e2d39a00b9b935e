#!/usr/bin/env node
// A tiny MCP server over stdio for the e2e tests, in plain CommonJS so `node` runs it directly.
//
// Tools: `echo` ({ text }) answers the text; `add` ({ a, b }) answers the sum. Resources: `notes`
// (file:///notes.md) and `readme` (memo://readme, with a title and annotations). Behaviour the
// tests need is switched by environment variables (which also proves the configured
// `environment` reaches the child):
//   FAKE_MCP_PID_FILE  write this process's pid there, so a test can check it is gone later
//   FAKE_MCP_HANG=1    never answer `initialize` (connection timeout tests)
//   FAKE_MCP_PREFIX    prepended to what `echo` answers
//   FAKE_MCP_LATE_TOOL_MS  register a third tool, `late`, that long after connecting (the SDK
//                          then sends notifications/tools/list_changed)
'use strict';

const { writeFileSync } = require('node:fs');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const { z } = require('zod');

if (process.env.FAKE_MCP_PID_FILE)
  writeFileSync(process.env.FAKE_MCP_PID_FILE, String(process.pid));

if (process.env.FAKE_MCP_HANG === '1') {
  // Keep the process alive without ever speaking MCP.
  setInterval(() => {}, 1 << 30);
  process.stdin.resume();
} else {
  const server = new McpServer({ name: 'fake-mcp', version: '1.0.0' });
  server.registerTool(
    'echo',
    {
      description: 'Echoes the text back',
      inputSchema: { text: z.string().describe('What to echo') },
    },
    async ({ text }) => ({
      content: [{ type: 'text', text: (process.env.FAKE_MCP_PREFIX ?? '') + text }],
    }),
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number(), b: z.number() },
    },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  server.registerResource(
    'notes',
    'file:///notes.md',
    { description: 'Project notes', mimeType: 'text/markdown' },
    async (uri) => ({ contents: [{ uri: uri.href, text: '# notes' }] }),
  );
  server.registerResource(
    'readme',
    'memo://readme',
    { title: 'Read me', annotations: { priority: 1 } },
    async (uri) => ({ contents: [{ uri: uri.href, text: 'read me' }] }),
  );
  server
    .connect(new StdioServerTransport())
    .then(() => {
      const lateMs = Number(process.env.FAKE_MCP_LATE_TOOL_MS);
      if (!lateMs) return;
      setTimeout(() => {
        server.registerTool('late', { description: 'Registered late' }, async () => ({
          content: [{ type: 'text', text: 'late' }],
        }));
      }, lateMs);
    })
    .catch((error) => {
      process.stderr.write(`fake-mcp: ${error}\n`);
      process.exit(1);
    });
  // The client closing stdin means it is done with us.
  process.stdin.on('end', () => process.exit(0));
}
