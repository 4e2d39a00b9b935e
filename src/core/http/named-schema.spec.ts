import 'reflect-metadata';
import { getSchemaPath } from '@nestjs/swagger';
import { ApiNamedSchema } from './named-schema';

/** Where `@ApiSchema` keeps its options (@nestjs/swagger's `DECORATORS.API_SCHEMA`). */
const API_SCHEMA = 'swagger/apiSchema';

describe('ApiNamedSchema', () => {
  const optionsOf = (target: object) =>
    (Reflect.getOwnMetadata(API_SCHEMA, target) as object[]).at(-1)!;

  it('replaces the generated object schema with the given one', () => {
    @ApiNamedSchema('Names', { type: 'array', items: { type: 'string' } })
    class Names {}
    expect({ ...optionsOf(Names) }).toEqual({
      name: 'Names',
      type: 'array',
      items: { type: 'string' },
    });
  });

  it('builds a schema given as a function once, when the document reads it, not at import', () => {
    const build = jest.fn(() => ({
      type: 'object' as const,
      properties: { a: { type: 'string' } },
    }));
    @ApiNamedSchema('Lazy', build)
    class Lazy {}
    // Other classes reference it (`$ref`) while they are decorated: only the name is read.
    expect(getSchemaPath(Lazy)).toBe('#/components/schemas/Lazy');
    expect(build).not.toHaveBeenCalled();
    // @nestjs/swagger spreads the options over the schema it generates.
    const read = { ...optionsOf(Lazy) };
    expect(read).toEqual({ name: 'Lazy', type: 'object', properties: { a: { type: 'string' } } });
    expect({ ...optionsOf(Lazy) }).toEqual(read);
    expect(build).toHaveBeenCalledTimes(1);
  });
});
