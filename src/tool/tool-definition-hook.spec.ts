import { z } from 'zod';
import type { Instance } from '../core/instance/instance';
import { PluginHooks, PluginHookError } from '../core/plugin/plugin-hooks';
import { applyDefinitionHooks, toolJsonSchema } from './tool-definition-hook';
import type { ToolDefinition } from './tool.types';

const instance = {} as Instance;

function hooksWith(definition: (input: { toolID: string }, output: never) => unknown): PluginHooks {
  const hooks = new PluginHooks();
  hooks.registerSource(() =>
    Promise.resolve([{ name: 'test-plugin', hooks: { 'tool.definition': definition } }]),
  );
  return hooks;
}

function sample(): ToolDefinition {
  return {
    id: 'sample',
    description: 'A sample',
    parameters: z.object({ path: z.string(), depth: z.number().default(1) }),
    execute: () => Promise.resolve({ title: '', output: '', metadata: {} }),
  };
}

describe('applyDefinitionHooks', () => {
  it('leaves the tools as they are without a hook', async () => {
    const tools = [sample()];
    expect(await applyDefinitionHooks(new PluginHooks(), instance, tools)).toBe(tools);
  });

  it('keeps a tool whose hook changed nothing, own schema and all', async () => {
    const tool = sample();
    const [defined] = await applyDefinitionHooks(
      hooksWith(() => undefined),
      instance,
      [tool],
    );
    expect(defined).toBe(tool);
  });

  it('passes the tool id, its description and its JSON Schema (also as jsonSchema)', async () => {
    const seen: unknown[] = [];
    await applyDefinitionHooks(
      hooksWith((input, output: { parameters: unknown; jsonSchema: unknown }) => {
        seen.push(input, output, output.parameters === output.jsonSchema);
      }),
      instance,
      [sample()],
    );
    expect(seen[0]).toEqual({ toolID: 'sample' });
    expect(seen[1]).toMatchObject({
      description: 'A sample',
      parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    });
    expect(seen[2]).toBe(true);
  });

  it('uses a new description and keeps validating with the tool schema', async () => {
    const tool = sample();
    const [defined] = await applyDefinitionHooks(
      hooksWith((_input, output: { description: string }) => {
        output.description = 'Changed';
      }),
      instance,
      [tool],
    );
    expect(defined.description).toBe('Changed');
    expect(defined.parameters).toBe(tool.parameters);
    expect(defined.jsonSchema).toBeUndefined();
  });

  it('sends a schema edited in place and validates calls with it', async () => {
    const [defined] = await applyDefinitionHooks(
      hooksWith((_input, output: { parameters: { properties: object; required: string[] } }) => {
        output.parameters.properties = { ...output.parameters.properties, tag: { type: 'string' } };
        output.parameters.required.push('tag');
      }),
      instance,
      [sample()],
    );
    expect(toolJsonSchema(defined)).toMatchObject({ required: ['path', 'tag'] });
    expect(defined.parameters.safeParse({ path: 'a' }).success).toBe(false);
    expect(defined.parameters.safeParse({ path: 'a', tag: 'b' }).success).toBe(true);
  });

  it('takes a replaced jsonSchema (1.18.33 style) or parameters, JSON Schema or zod', async () => {
    const replacement = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
    const [byJson] = await applyDefinitionHooks(
      hooksWith((_input, output: { jsonSchema: unknown }) => {
        output.jsonSchema = replacement;
      }),
      instance,
      [sample()],
    );
    expect(byJson.jsonSchema).toBe(replacement);
    const [byZod] = await applyDefinitionHooks(
      hooksWith((_input, output: { parameters: unknown }) => {
        output.parameters = z.object({ q: z.string() });
      }),
      instance,
      [sample()],
    );
    expect(byZod.jsonSchema).toMatchObject({ properties: { q: { type: 'string' } } });
    expect(byZod.parameters.safeParse({}).success).toBe(false);
  });

  it('ignores a replacement that is no schema, and a description that is no string', async () => {
    const tool = sample();
    const [defined] = await applyDefinitionHooks(
      hooksWith((_input, output: { parameters: unknown; description: unknown }) => {
        output.parameters = 'nonsense';
        output.description = 42;
      }),
      instance,
      [tool],
    );
    expect(defined).toBe(tool);
  });

  it('fails with the plugin named when a hook throws', async () => {
    const failing = hooksWith(() => {
      throw new Error('nope');
    });
    await expect(applyDefinitionHooks(failing, instance, [sample()])).rejects.toBeInstanceOf(
      PluginHookError,
    );
  });
});
