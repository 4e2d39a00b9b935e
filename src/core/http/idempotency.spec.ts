import BetterSqlite3 from 'better-sqlite3';
import type { DatabaseService } from '../storage/database.service';
import { IdempotencyKeyRepository } from '../storage/idempotency-key.repository';
import { MIGRATIONS } from '../storage/migrations';
import {
  canonicalJson,
  IDEMPOTENCY_KEY_TTL_MS,
  IdempotencyKeys,
  isKeptStatus,
  type IdempotencyClaim,
} from './idempotency';
import { IdempotencyKeyReusedError } from './idempotency.errors';

function repository(): IdempotencyKeyRepository {
  const connection = new BetterSqlite3(':memory:');
  for (const migration of MIGRATIONS) migration.up(connection);
  return new IdempotencyKeyRepository({ connection } as DatabaseService);
}

function run(claim: IdempotencyClaim) {
  if (claim.kind !== 'run') throw new Error(`expected to run, got ${claim.kind}`);
  return claim;
}

describe('IdempotencyKeys', () => {
  let now: number;
  let keys: IdempotencyKeys;
  let store: IdempotencyKeyRepository;

  beforeEach(() => {
    now = 1_000_000_000;
    store = repository();
    keys = new IdempotencyKeys(store, () => now);
  });

  it('replays a kept response for the same fingerprint, refuses another', async () => {
    run(await keys.claim('k', 'f1')).settle({ status: 200, contentType: 'x/y', body: '{}' });
    expect(await keys.claim('k', 'f1')).toEqual({
      kind: 'replay',
      response: { status: 200, contentType: 'x/y', body: '{}' },
    });
    await expect(keys.claim('k', 'f2')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('keeps no 5xx nor transient 4xx: the next request runs', async () => {
    for (const status of [500, 503, 408, 409, 425, 429]) {
      run(await keys.claim(`k${status}`, 'f')).settle({ status, body: 'x' });
      expect((await keys.claim(`k${status}`, 'f')).kind).toBe('run');
    }
    expect([200, 204, 400, 403, 404, 422].every(isKeptStatus)).toBe(true);
  });

  it('makes a request with the running key wait, then replays what the first answered', async () => {
    const first = run(await keys.claim('k', 'f'));
    const waiting = keys.claim('k', 'f');
    await expect(keys.claim('k', 'other')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    first.settle({ status: 201, body: 'done' });
    expect(await waiting).toEqual({ kind: 'replay', response: { status: 201, body: 'done' } });
  });

  it('lets a waiting request run when the first kept nothing', async () => {
    const first = run(await keys.claim('k', 'f'));
    const waiting = keys.claim('k', 'f');
    first.settle(undefined);
    expect((await waiting).kind).toBe('run');
  });

  it('a response that cannot be kept leaves the answer alone and the key free', async () => {
    jest.spyOn(store, 'save').mockImplementation(() => {
      throw new Error('database is locked');
    });
    const first = run(await keys.claim('k', 'f'));
    expect(() => first.settle({ status: 200, body: 'x' })).not.toThrow();
    expect((await keys.claim('k', 'f')).kind).toBe('run');
  });

  it('forgets a key after 24 hours and prunes expired rows as new ones are kept', async () => {
    run(await keys.claim('old', 'f')).settle({ status: 200, body: 'first' });
    now += IDEMPOTENCY_KEY_TTL_MS - 1;
    expect((await keys.claim('old', 'f')).kind).toBe('replay');
    now += 1;
    const again = run(await keys.claim('old', 'f2'));
    again.settle({ status: 200, body: 'second' });
    expect(await keys.claim('old', 'f2')).toMatchObject({ response: { body: 'second' } });
    run(await keys.claim('gone', 'f')).settle({ status: 200, body: '' });
    now += IDEMPOTENCY_KEY_TTL_MS;
    run(await keys.claim('new', 'f')).settle({ status: 200, body: '' });
    expect(store.find('gone', -1)).toBeUndefined();
    expect(store.find('new', -1)).toBeDefined();
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves arrays in order', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 0 }], a: null, u: undefined })).toBe(
      '{"a":null,"b":[2,{"c":0,"d":1}]}',
    );
  });
});
