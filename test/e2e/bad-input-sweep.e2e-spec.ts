import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { SessionFactory } from '../support/session-factory';

/*
 * A bad-input sweep over every operation the server documents at /doc: for each one it builds a
 * valid request from the operation's own schemas (path and query parameters, body), then spoils
 * one thing at a time and checks the answer: never a 5xx, never an error outside the contract
 * (`{ name, data: { message } }`, or `{ _tag, message }` on the routes that use tagged errors),
 * and where the spoiled value can only be refused, a 400 naming the field.
 *
 * Spoiled: null for a body field (refused unless the field is nullable), an object where a string goes and the other way round, an
 * array where a scalar goes, integers past Number.MAX_SAFE_INTEGER (JSON numbers and query
 * strings), text for a number query, a query parameter or `?directory=` given twice, strings of
 * 10000 characters, a malformed, non-object or non-JSON body (text, a form post, XML), oversized
 * and odd path ids, and a query string past the HTTP parser's limit.
 *
 * Out of scope: the `/experimental/*` write routes.
 */

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  minLength?: number;
  minItems?: number;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** What a case must get back. */
type Expectation =
  /**
   * A 400 whose error names this field (`parts.0.text`), or with `orParent` the object it is
   * in (a union's discriminator).
   */
  | { kind: 'field'; field: string; orParent?: boolean }
  /** Any 4xx (the value is wrong, but what it is wrong for depends on the route). */
  | { kind: 'refused' }
  /** Anything but a 5xx, and, if it is a 400, one naming this field when given. */
  | { kind: 'no-5xx'; field?: string };

interface Case {
  label: string;
  method: string;
  url: string;
  body?: string;
  contentType?: string;
  expect: Expectation;
}

interface Fixtures {
  sessionID: string;
  messageID: string;
  partID: string;
  projectID: string;
}

/** Scalar kinds a schema stands for; `any` is a schema that takes every value. */
type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'any';

const MAX_SAFE_PLUS_TWO = '9007199254740993';
const HUGE = '100000000000000000000000';
/** Parameters every instance route takes, swept by their own tests (instance, v2 location). */
const COMMON_QUERY = new Set(['directory', 'workspace', 'location']);
/** Values for required query parameters whose meaning a schema cannot tell. */
const QUERY_VALUES: Record<string, string> = {
  path: 'README.md',
  pattern: 'test',
  query: 'test',
  provider: 'fake',
  model: 'fake-model',
};
/** Body values a generated example would get wrong: the configured fake model. */
const BODY_VALUES: Record<string, unknown> = { providerID: 'fake', modelID: 'fake-model' };
/** Whole-body fields per operation where the generated example would do harm or fail. */
const BODY_OVERRIDES: Record<string, Record<string, unknown>> = {
  'session.shell': { agent: 'build', command: 'true' },
  'session.command': { agent: 'build' },
};

class SchemaReader {
  constructor(private readonly document: OpenApiDocument) {}

  resolve(schema: Schema | undefined): Schema {
    let current = schema ?? {};
    for (let depth = 0; current.$ref && depth < 20; depth++) {
      current = this.document.components.schemas[current.$ref.split('/').pop() ?? ''] ?? {};
    }
    // `allOf` of one reference is how an enum component is referred to.
    if (current.allOf?.length === 1 && !current.properties) {
      return { ...this.resolve(current.allOf[0]), ...withoutKey(current, 'allOf') };
    }
    return current;
  }

  allowsNull(schema: Schema | undefined): boolean {
    const resolved = this.resolve(schema);
    if (resolved.nullable || resolved.type === 'null') return true;
    if (Array.isArray(resolved.type) && resolved.type.includes('null')) return true;
    return [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? [])].some((member) =>
      this.allowsNull(member),
    );
  }

  kind(schema: Schema | undefined): Kind {
    const resolved = this.resolve(schema);
    if (resolved.enum?.length) return kindOfValue(resolved.enum[0]);
    if (resolved.const !== undefined) return kindOfValue(resolved.const);
    const types = (Array.isArray(resolved.type) ? resolved.type : [resolved.type]).filter(
      (type): type is string => typeof type === 'string' && type !== 'null',
    );
    if (types.length > 1) return 'any';
    if (types.length === 1) return types[0] as Kind;
    const members = [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? [])].filter(
      (member) => this.resolve(member).type !== 'null',
    );
    if (members.length === 0) return resolved.properties ? 'object' : 'any';
    const kinds = new Set(members.map((member) => this.kind(member)));
    return kinds.size === 1 ? [...kinds][0] : 'any';
  }

  /** A valid value for `schema` (what the sweep spoils one field of). */
  example(schema: Schema | undefined, name: string, fixtures: Fixtures, depth = 0): unknown {
    if (name in BODY_VALUES) return BODY_VALUES[name];
    const resolved = this.resolve(schema);
    if (resolved.const !== undefined) return resolved.const;
    if (resolved.enum?.length) return resolved.enum[0];
    const member = [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? [])].find(
      (candidate) => this.resolve(candidate).type !== 'null',
    );
    if (member && !resolved.properties) return this.example(member, name, fixtures, depth);
    switch (this.kind(resolved)) {
      case 'string':
        return exampleString(resolved, fixtures);
      case 'integer':
      case 'number':
        return Math.max(resolved.minimum ?? 1, 1);
      case 'boolean':
        return false;
      case 'array': {
        // One object at least, so the fields inside get swept (and `parts` must have one).
        const objects = this.kind(resolved.items) === 'object';
        return Array.from({ length: Math.max(resolved.minItems ?? 0, objects ? 1 : 0) }, () =>
          this.example(resolved.items, name, fixtures, depth + 1),
        );
      }
      case 'object': {
        if (depth > 6) return {};
        const value: Record<string, unknown> = {};
        for (const key of resolved.required ?? []) {
          value[key] = this.example(resolved.properties?.[key], key, fixtures, depth + 1);
        }
        return value;
      }
      case 'any':
        return 'text';
    }
  }

  /** An object schema (the first object member of a union). */
  object(schema: Schema | undefined): Schema {
    const resolved = this.resolve(schema);
    if (resolved.properties) return resolved;
    const member = [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? [])].find(
      (candidate) => this.resolve(candidate).properties,
    );
    return member ? this.object(member) : {};
  }
}

function withoutKey<T extends object>(value: T, key: keyof T): Partial<T> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

function kindOfValue(value: unknown): Kind {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'any';
  const type = typeof value;
  if (type === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return type === 'string' || type === 'boolean' || type === 'object' ? type : 'any';
}

function exampleString(schema: Schema, fixtures: Fixtures): string {
  const pattern = schema.pattern ?? '';
  if (pattern.startsWith('^ses')) return fixtures.sessionID;
  if (pattern.startsWith('^msg')) return fixtures.messageID;
  if (pattern.startsWith('^prt')) return fixtures.partID;
  const prefix = /^\^([a-z]{3})$/.exec(pattern)?.[1];
  if (prefix) return `${prefix}_0000000000000000000000000`;
  if (pattern === '^[1-9][0-9]*$') return '5';
  return 'x'.repeat(Math.max(schema.minLength ?? 1, 4));
}

/** A value of another kind than `kind`, to send where `kind` is expected. */
function wrongKind(kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return { not: 'a string' };
    case 'integer':
    case 'number':
      return '12';
    case 'boolean':
      return 'true';
    case 'object':
    case 'array':
      return 'text';
    case 'any':
      return undefined;
  }
}

/** Builds the cases of one operation. */
class CaseBuilder {
  readonly cases: Case[] = [];

  constructor(
    private readonly reader: SchemaReader,
    private readonly fixtures: Fixtures,
    private readonly method: string,
    private readonly path: string,
    private readonly operation: Operation,
  ) {}

  build(): Case[] {
    const parameters = this.operation.parameters ?? [];
    for (const parameter of parameters.filter((p) => p.in === 'path')) this.pathCases(parameter);
    for (const parameter of parameters.filter(
      (p) => p.in === 'query' && !COMMON_QUERY.has(p.name),
    )) {
      this.queryCases(parameter);
    }
    this.locationCases(parameters);
    // Past Node's 16 KB limit of the request line and headers: refused by the HTTP parser.
    this.add(
      'with a query string of 100 KB',
      { kind: 'refused' },
      `${this.url()}${this.url().includes('?') ? '&' : '?'}pad=${'p'.repeat(100_000)}`,
      this.baseJson(),
    );
    const body = this.operation.requestBody?.content['application/json']?.schema;
    if (body) this.bodyCases(body);
    return this.cases;
  }

  private pathValue(parameter: Parameter): string {
    if (parameter.name === '*') return 'README.md';
    const example = this.reader.example(parameter.schema, parameter.name, this.fixtures);
    const named: Record<string, string> = {
      sessionID: this.fixtures.sessionID,
      messageID: this.fixtures.messageID,
      partID: this.fixtures.partID,
      projectID: this.fixtures.projectID,
      providerID: 'fake',
    };
    return named[parameter.name] ?? (typeof example === 'string' ? example : 'unknown');
  }

  private url(
    pathValues: Record<string, string> = {},
    query: Array<[string, string]> = [],
  ): string {
    const parameters = this.operation.parameters ?? [];
    let url = this.path;
    for (const parameter of parameters.filter((p) => p.in === 'path')) {
      const value = pathValues[parameter.name] ?? this.pathValue(parameter);
      const placeholder = parameter.name === '*' ? '*' : `{${parameter.name}}`;
      url = url.replace(placeholder, encodeURIComponent(value));
    }
    const given = new Set(query.map(([name]) => name));
    const search = new URLSearchParams(query);
    for (const parameter of parameters) {
      if (parameter.in !== 'query' || !parameter.required || given.has(parameter.name)) continue;
      search.append(parameter.name, this.queryValue(parameter));
    }
    const text = search.toString();
    return text ? `${url}?${text}` : url;
  }

  private queryValue(parameter: Parameter): string {
    if (parameter.name in QUERY_VALUES) return QUERY_VALUES[parameter.name];
    return String(this.reader.example(parameter.schema, parameter.name, this.fixtures));
  }

  private baseBody(): unknown {
    const schema = this.operation.requestBody?.content['application/json']?.schema;
    if (!schema) return undefined;
    const example = this.reader.example(schema, '', this.fixtures);
    const override = BODY_OVERRIDES[this.operation.operationId];
    return override && typeof example === 'object' ? { ...example, ...override } : example;
  }

  private add(label: string, expect: Expectation, url: string, body?: string, type?: string) {
    const hasBody = body !== undefined;
    this.cases.push({
      label: `${this.method.toUpperCase()} ${this.path} ${label}`,
      method: this.method.toUpperCase(),
      url,
      ...(hasBody && { body, contentType: type ?? 'application/json' }),
      expect,
    });
  }

  private baseJson(): string | undefined {
    const body = this.baseBody();
    return body === undefined ? undefined : JSON.stringify(body);
  }

  private pathCases(parameter: Parameter): void {
    const valid = this.pathValue(parameter);
    const prefix = /^([a-z]{3})_/.exec(valid)?.[1];
    const variants: Array<[string, string]> = [
      ['past the router limit', 'a'.repeat(2000)],
      ['of 900 characters', `${prefix ? `${prefix}_` : ''}${'a'.repeat(900)}`],
      ['with spaces and quotes', 'a b"\'<>'],
    ];
    for (const [label, value] of variants) {
      this.add(
        `path ${parameter.name} ${label}`,
        { kind: 'no-5xx' },
        this.url({ [parameter.name]: value }),
        this.baseJson(),
      );
    }
  }

  /** The project directory given twice, as `?directory=` or as the `/api` routes' location. */
  private locationCases(parameters: Parameter[]): void {
    const names = new Set(parameters.map((parameter) => parameter.name));
    const twice = (name: string) =>
      this.add(
        `query ${name} given twice`,
        { kind: 'field', field: name },
        this.url({}, [
          [name, '/tmp'],
          [name, '/'],
        ]),
        this.baseJson(),
      );
    if (names.has('directory')) twice('directory');
    if (names.has('location')) twice('location[directory]');
  }

  private queryCases(parameter: Parameter): void {
    const name = parameter.name;
    const kind = this.reader.kind(parameter.schema);
    const resolved = this.reader.resolve(parameter.schema);
    const digits = resolved.pattern === '^[1-9][0-9]*$';
    const add = (label: string, values: string[], expect: Expectation) =>
      this.add(
        `query ${name} ${label}`,
        expect,
        this.url(
          {},
          values.map((value) => [name, value]),
        ),
        this.baseJson(),
      );
    const field: Expectation = { kind: 'field', field: name };
    if (kind === 'integer' || kind === 'number' || digits) {
      add('as text', ['abc'], field);
      add('past MAX_SAFE_INTEGER', [MAX_SAFE_PLUS_TWO], field);
      add('of 24 digits', [HUGE], field);
      add('negative', ['-5'], { kind: 'no-5xx', field: name });
    } else if (kind === 'boolean' || (kind === 'any' && resolved.anyOf)) {
      add('that is not a boolean', ['maybe'], field);
    } else if (resolved.enum) {
      add('that is not one of its values', ['nonsense'], field);
    } else if (kind === 'string') {
      add('of 4000 characters', ['q'.repeat(4000)], { kind: 'no-5xx', field: name });
    }
    const valid = parameter.required
      ? this.queryValue(parameter)
      : String(this.reader.example(parameter.schema, name, this.fixtures));
    add('given twice', [valid, valid], field);
  }

  private bodyCases(schema: Schema): void {
    const base = this.baseBody();
    const url = this.url();
    this.add('body that is malformed JSON', { kind: 'refused' }, url, '{"a":');
    this.add(
      'body as text/plain',
      { kind: 'refused' },
      url,
      JSON.stringify(base ?? {}),
      'text/plain',
    );
    this.add(
      'body as a form post',
      { kind: 'refused' },
      url,
      'title=x&command=true',
      'application/x-www-form-urlencoded',
    );
    this.add('body as application/xml', { kind: 'refused' }, url, '<a/>', 'application/xml');
    if (this.reader.kind(schema) === 'object') {
      for (const [label, body] of [
        ['an array', '[]'],
        ['a string', '"text"'],
        ['a number', '42'],
        ['an empty JSON string', '""'],
      ]) {
        this.add(`body that is ${label}`, { kind: 'refused' }, url, body);
      }
    }
    this.fieldCases(schema, base, [], url, 0);
  }

  /**
   * The cases of each field of the object at `path` (of `schema`) in `base`, a valid body: one
   * field spoiled at a time, so a 400 can only be about that field.
   */
  private fieldCases(
    schema: Schema,
    base: unknown,
    path: Array<string | number>,
    url: string,
    depth: number,
  ): void {
    const value = valueAt(base, path);
    if (depth > 2 || typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const object = this.reader.object(schema);
    for (const [key, property] of Object.entries(object.properties ?? {})) {
      const at = [...path, key];
      const field = at.join('.');
      const kind = this.reader.kind(property);
      const current = (value as Record<string, unknown>)[key];
      const sample = current ?? this.reader.example(property, key, this.fixtures);
      const send = (label: string, json: string, expect: Expectation) =>
        this.add(`body ${field} ${label}`, expect, url, replaceAt(base, at, json));
      const resolved = this.reader.resolve(property);
      // A union's discriminator may be reported as the union's own field being wrong.
      const discriminator = resolved.const !== undefined || resolved.enum?.length === 1;
      const refused: Expectation = { kind: 'field', field, orParent: discriminator };
      if (kind !== 'any') {
        // null is refused, with a 400 naming the field, unless the field is nullable (issue 13).
        const nullable = this.reader.allowsNull(property);
        send('null', 'null', nullable ? { kind: 'no-5xx', field } : refused);
        send('of the wrong type', JSON.stringify(wrongKind(kind)), refused);
      }
      if (kind === 'string' || kind === 'integer' || kind === 'number' || kind === 'boolean') {
        send('in an array', JSON.stringify([sample]), refused);
      }
      if (kind === 'string' && !resolved.enum && resolved.const === undefined) {
        send('of 10000 characters', JSON.stringify('s'.repeat(10_000)), { kind: 'no-5xx', field });
      }
      if (kind === 'integer') {
        send('past MAX_SAFE_INTEGER', MAX_SAFE_PLUS_TWO, refused);
        send('of 24 digits', HUGE, refused);
      }
      if (kind === 'number') {
        send('of 24 digits', HUGE, { kind: 'no-5xx', field });
        send('of 1e308', '1e308', { kind: 'no-5xx', field });
      }
      // Fields inside: the object (or first array item) put in the body when it was absent.
      const inside = current === undefined ? withValueAt(base, at, sample) : base;
      if (kind === 'object') this.fieldCases(property, inside, at, url, depth + 1);
      if (kind === 'array' && Array.isArray(sample) && sample.length > 0) {
        this.fieldCases(resolved.items ?? {}, inside, [...at, 0], url, depth + 1);
      }
    }
  }
}

function valueAt(base: unknown, path: Array<string | number>): unknown {
  let current = base;
  for (const key of path) {
    current =
      typeof current === 'object' && current !== null
        ? (current as Record<string | number, unknown>)[key]
        : undefined;
  }
  return current;
}

/** A copy of `base` with `value` at `path` (creating the objects on the way). */
function withValueAt(base: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(base ?? {}) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    target[key] = typeof next === 'object' && next !== null ? next : {};
    target = target[key] as Record<string | number, unknown>;
  }
  target[path[path.length - 1]] = value;
  return copy;
}

/** `base` as JSON with the value at `path` replaced by the JSON text `json`. */
function replaceAt(base: unknown, path: Array<string | number>, json: string): string {
  // A placeholder replaced in the text, so numbers JSON cannot hold exactly go out as written.
  const marker = 'sweep-marker-7f3a';
  return JSON.stringify(withValueAt(base, path, marker)).replace(`"${marker}"`, json);
}

interface Answer {
  status: number;
  body: unknown;
}

/** What is wrong with `answer` to `test`, if anything. */
function problemWith(test: Case, answer: Answer): string | undefined {
  const { status, body } = answer;
  if (status >= 500) return `${status} ${JSON.stringify(body)}`;
  if (status >= 400 && !isContractError(body))
    return `${status} outside the contract: ${JSON.stringify(body)}`;
  const expect = test.expect;
  if (expect.kind === 'refused' && status < 400) return `accepted (${status})`;
  if (expect.kind === 'field') {
    if (status !== 400) return `${status} instead of a 400 naming ${expect.field}`;
    if (!namesField(body, expect.field, expect.orParent)) {
      return `400 not naming ${expect.field}: ${JSON.stringify(body)}`;
    }
  }
  if (
    expect.kind === 'no-5xx' &&
    expect.field &&
    status === 400 &&
    isValidationError(body) &&
    !namesField(body, expect.field)
  ) {
    return `400 not naming ${expect.field}: ${JSON.stringify(body)}`;
  }
  return undefined;
}

/** A 400 of the validation, rather than of a service about the rest of the request. */
function isValidationError(body: unknown): boolean {
  const error = body as { name?: unknown; _tag?: unknown };
  return error.name === 'BadRequest' || error._tag === 'InvalidRequestError';
}

function isContractError(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = body as {
    name?: unknown;
    data?: { message?: unknown };
    _tag?: unknown;
    message?: unknown;
  };
  if (typeof error.name === 'string' && typeof error.data?.message === 'string') return true;
  return typeof error._tag === 'string' && typeof error.message === 'string';
}

function namesField(body: unknown, field: string, orParent = false): boolean {
  const error = body as {
    data?: { field?: string; message?: string };
    field?: string;
    message?: string;
  };
  const named = error.data?.field ?? error.field;
  if (named === undefined) return false;
  if (named === field || named.startsWith(`${field}.`)) return true;
  return orParent && field.slice(0, field.lastIndexOf('.')) === named;
}

async function send(baseUrl: string, test: Case): Promise<Answer> {
  const response = await fetch(`${baseUrl}${test.url}`, {
    method: test.method,
    headers: test.contentType ? { 'content-type': test.contentType } : {},
    body: test.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the contract check reports it.
  }
  return { status: response.status, body };
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

describe('bad-input sweep over every documented operation', () => {
  let t: AgentTestApp;
  let document: OpenApiDocument;
  let fixtures: Fixtures;

  beforeAll(async () => {
    t = await startAgentTestApp();
    document = (await (await fetch(`${t.url}/doc`)).json()) as OpenApiDocument;
    const sessionID = await t.createSession('sweep');
    const factory = await SessionFactory.create(t.app, t.directory);
    const [, answer] = factory.conversation(sessionID, 1);
    const project = (await (await fetch(`${t.url}/project/current`)).json()) as { id: string };
    fixtures = {
      sessionID,
      messageID: answer.info.id,
      partID: answer.parts[0].id,
      projectID: project.id,
    };
  });
  afterAll(async () => {
    // Requests the sweep could not spoil (an optional field left out) may have started turns.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const status = (await (await fetch(`${t.url}/session/status`)).json()) as object;
      if (Object.keys(status).length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await t.close();
  });

  it('answers every spoiled request with a 4xx in the error contract, naming the field', async () => {
    const reader = new SchemaReader(document);
    const cases: Case[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (path.startsWith('/experimental/') && method !== 'get') continue;
        cases.push(...new CaseBuilder(reader, fixtures, method, path, operation).build());
      }
    }
    const problems: string[] = [];
    const check = async (test: Case) => {
      try {
        const problem = problemWith(test, await send(t.url, test));
        if (problem) problems.push(`${test.label}: ${problem}`);
      } catch (error) {
        problems.push(`${test.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    // What the config routes accept (a default agent of 10000 characters) changes how other
    // routes answer: they go last.
    const writesConfig = (test: Case) => /^PATCH \/(global\/)?config\b/.test(test.label);
    const started = Date.now();
    await inParallel(
      cases.filter((test) => !writesConfig(test)),
      4,
      check,
    );
    await inParallel(cases.filter(writesConfig), 4, check);
    process.stdout.write(`${cases.length} requests in ${Date.now() - started} ms\n`);
    expect(problems.sort()).toEqual([]);
    expect(cases.length).toBeGreaterThan(1000);
  });
});
