import { BadRequestError } from '../../core/errors/named-error';
import { ZodBodyPipe } from '../../core/http/zod-body.pipe';
import { zodToOpenApi } from '../../core/http/zod-schema';
import { McpAddBodySchema } from './mcp-config.dto';

const pipe = new ZodBodyPipe(McpAddBodySchema);

function fieldOfRefusal(body: unknown): string | undefined {
  try {
    pipe.transform(body);
  } catch (error) {
    if (error instanceof BadRequestError) return error.data.field;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('POST /mcp body', () => {
  it('takes a local or remote server as the config file writes them', () => {
    const local = { name: 'a', config: { type: 'local', command: ['node', 's.js'], timeout: 5 } };
    const remote = { name: 'b', config: { type: 'remote', url: 'http://x', oauth: false } };
    expect(pipe.transform(local)).toEqual(local);
    expect(pipe.transform(remote)).toEqual(remote);
  });

  it.each<[unknown, string]>([
    [{ name: 'x', config: { type: 'local', command: [''] } }, 'config.command'],
    [{ name: 'x', config: { type: 'remote', url: '' } }, 'config.url'],
    [{ name: 'x', config: { type: 'local', command: ['x'], cwd: null } }, 'config.cwd'],
  ])('refuses %j naming %s (a server that cannot start)', (body, field) => {
    expect(fieldOfRefusal(body)).toBe(field);
  });

  it('is documented from the schema that checks it', () => {
    expect(zodToOpenApi(McpAddBodySchema)).toMatchObject({
      properties: { name: { type: 'string', minLength: 1 } },
      required: ['name', 'config'],
      additionalProperties: false,
    });
  });
});
