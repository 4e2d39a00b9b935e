import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { MAX_TOOL_OUTPUT_CHARS } from '../core/tool-output';
import { ToolExecutionError } from '../tool/tool.types';
import { mcpToolId, parametersOf, toolResult } from './mcp-tools';

describe('MCP tools as agent tools', () => {
  it('names tools <server>_<tool> with only [a-zA-Z0-9_-]', () => {
    expect(mcpToolId('my.server', 'read file')).toBe('my_server_read_file');
    expect(mcpToolId('gh-1', 'list_issues')).toBe('gh-1_list_issues');
  });

  it('reads the input schema as a closed object, and any object when zod cannot read it', () => {
    const tool = (inputSchema: object) => ({ name: 't', inputSchema }) as Tool;
    const closed = parametersOf(tool({ type: 'object', properties: { q: { type: 'string' } } }));
    expect(closed.safeParse({ q: 'x' }).success).toBe(true);
    expect(closed.safeParse({ q: 'x', other: 1 }).success).toBe(false);
    expect(z.toJSONSchema(parametersOf(tool({ type: 'object' })), { io: 'input' })).toMatchObject({
      type: 'object',
      properties: {},
    });
    const external = parametersOf(
      tool({ type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } }),
    );
    expect(external.safeParse({ a: 1 }).success).toBe(true);
  });

  it('hands text to the model and images and binary resources as attachments', () => {
    const result = toolResult({
      content: [
        { type: 'text', text: 'first' },
        { type: 'image', data: 'aGk=', mimeType: 'image/png' },
        { type: 'resource', resource: { uri: 'file:///a.txt', text: 'second' } },
        { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AAE=' } },
        { type: 'resource_link', uri: 'file:///c.md', name: 'c.md' },
      ],
    });
    expect(result).toEqual({
      title: '',
      output: 'first\n\nsecond\n\nResource: c.md (file:///c.md)',
      metadata: { truncated: false },
      attachments: [
        { mime: 'image/png', url: 'data:image/png;base64,aGk=' },
        {
          mime: 'application/octet-stream',
          url: 'data:application/octet-stream;base64,AAE=',
          filename: 'file:///b.bin',
        },
      ],
    });
  });

  it('falls back to structured content, cuts long output, and fails on isError', () => {
    expect(toolResult({ content: [], structuredContent: { n: 1 } }).output).toBe('{"n":1}');
    const long = toolResult({
      content: [{ type: 'text', text: 'x'.repeat(MAX_TOOL_OUTPUT_CHARS + 10) }],
    });
    expect(long.metadata).toEqual({ truncated: true });
    expect(long.output).toMatch(/Output truncated: 10 more characters/);
    expect(() => toolResult({ content: [{ type: 'text', text: 'boom' }], isError: true })).toThrow(
      new ToolExecutionError('boom'),
    );
  });
});
