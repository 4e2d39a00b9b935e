import type { AssistantMessageDto } from '../session/dto/message.dto';
import { TokenTally } from './token-tally';

function message(
  id: string,
  tokens: { input: number; output: number; reasoning?: number; read?: number; write?: number },
  completed?: number,
  sessionID = 'ses_1',
): AssistantMessageDto {
  return {
    id,
    sessionID,
    role: 'assistant',
    time: { created: 1, ...(completed !== undefined && { completed }) },
    parentID: 'msg_user',
    modelID: 'fake-model',
    providerID: 'fake',
    mode: 'build',
    agent: 'build',
    path: { cwd: '/p', root: '/p' },
    cost: 0,
    tokens: {
      input: tokens.input,
      output: tokens.output,
      reasoning: tokens.reasoning ?? 0,
      cache: { read: tokens.read ?? 0, write: tokens.write ?? 0 },
    },
  };
}

describe('TokenTally', () => {
  it('counts what each update of a message being written adds', () => {
    const tally = new TokenTally();
    expect(tally.add(message('msg_a', { input: 0, output: 0 }))).toEqual({
      input: 0,
      output: 0,
      reasoning: 0,
      cache_read: 0,
      cache_write: 0,
    });
    expect(tally.add(message('msg_a', { input: 100, output: 20, reasoning: 5, read: 30 }))).toEqual(
      { input: 100, output: 20, reasoning: 5, cache_read: 30, cache_write: 0 },
    );
    // Published again unchanged (a part's end, a title): nothing more.
    expect(tally.add(message('msg_a', { input: 100, output: 20, reasoning: 5, read: 30 }))).toEqual(
      { input: 0, output: 0, reasoning: 0, cache_read: 0, cache_write: 0 },
    );
    // The second step, then the end in the same update.
    expect(
      tally.add(message('msg_a', { input: 250, output: 31, reasoning: 5, read: 30, write: 2 }, 9)),
    ).toEqual({ input: 150, output: 11, reasoning: 0, cache_read: 0, cache_write: 2 });
    // Finished: a later publication (a revert, a share) counts nothing.
    expect(tally.add(message('msg_a', { input: 250, output: 31 }, 9))).toBeUndefined();
  });

  it('counts nothing of a message first seen finished (a fork copy, an import)', () => {
    const tally = new TokenTally();
    expect(tally.add(message('msg_copy', { input: 500, output: 50 }, 9))).toBeUndefined();
  });

  it('forgets the open messages of a session gone idle', () => {
    const tally = new TokenTally();
    tally.add(message('msg_a', { input: 10, output: 1 }, undefined, 'ses_1'));
    tally.add(message('msg_b', { input: 10, output: 1 }, undefined, 'ses_2'));
    tally.forgetSession('ses_1');
    expect(tally.add(message('msg_a', { input: 20, output: 2 }, 9, 'ses_1'))).toBeUndefined();
    expect(tally.add(message('msg_b', { input: 20, output: 2 }, 9, 'ses_2'))).toEqual({
      input: 10,
      output: 1,
      reasoning: 0,
      cache_read: 0,
      cache_write: 0,
    });
  });
});
