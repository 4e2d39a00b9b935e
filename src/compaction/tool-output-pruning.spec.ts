import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import {
  estimateTokens,
  PRUNE_KEEP_TOKENS,
  PRUNE_MIN_TOKENS,
  toolOutputsToPrune,
} from './tool-output-pruning';

let counter = 0;
const id = (prefix: string) => `${prefix}_${String(++counter).padStart(6, '0')}`;

function prompt(): MessageWithParts {
  return {
    info: { id: id('msg'), sessionID: 'ses_1', role: 'user' },
    parts: [],
  } as unknown as MessageWithParts;
}

/** An answer whose tool calls returned outputs of these estimated token counts. */
function answer(...outputTokens: Array<number | { tokens: number; compacted: number }>) {
  const messageID = id('msg');
  return {
    info: { id: messageID, sessionID: 'ses_1', role: 'assistant' },
    parts: outputTokens.map((entry) => {
      const { tokens, compacted } = typeof entry === 'number' ? { tokens: entry } : entry;
      return {
        id: id('prt'),
        sessionID: 'ses_1',
        messageID,
        type: 'tool',
        callID: id('call'),
        tool: 'read',
        state: {
          status: 'completed',
          input: {},
          output: 'x'.repeat(tokens * 4),
          title: '',
          metadata: {},
          time: { start: 1, end: 2, ...(compacted !== undefined && { compacted }) },
        },
      };
    }),
  } as unknown as MessageWithParts;
}

const outputs = (parts: ReturnType<typeof toolOutputsToPrune>) =>
  parts.map((part) => estimateTokens(part.state.output));

describe('toolOutputsToPrune', () => {
  it('keeps the latest two turns whole, however large their output', () => {
    const conversation = [prompt(), answer(50_000, 50_000), prompt(), answer(50_000)];
    expect(toolOutputsToPrune(conversation)).toEqual([]);
  });

  it('clears older output beyond the newest 40k tokens, newest first, when 20k or more goes', () => {
    const conversation = [
      prompt(),
      answer(15_000, 15_000, 15_000, 15_000),
      prompt(),
      answer(15_000, 15_000),
      prompt(),
      answer(100),
      prompt(),
      answer(100),
    ];
    // Newest first, past the two protected turns: 15k + 15k stay; the next 15k would pass 40k,
    // so it and everything older goes.
    expect(outputs(toolOutputsToPrune(conversation))).toEqual([15_000, 15_000, 15_000, 15_000]);
  });

  it('clears nothing when less than the minimum would go', () => {
    const older = (...tokens: number[]) => [prompt(), answer(...tokens), prompt(), prompt()];
    expect(toolOutputsToPrune(older(PRUNE_MIN_TOKENS - 1, PRUNE_KEEP_TOKENS))).toEqual([]);
    expect(outputs(toolOutputsToPrune(older(PRUNE_MIN_TOKENS, PRUNE_KEEP_TOKENS)))).toEqual([
      PRUNE_MIN_TOKENS,
    ]);
  });

  it('stops at an output cleared before: what is older was cleared with it', () => {
    const conversation = [
      prompt(),
      answer(30_000),
      answer({ tokens: 30_000, compacted: 5 }),
      answer(40_000, 30_000),
      prompt(),
      prompt(),
    ];
    expect(outputs(toolOutputsToPrune(conversation))).toEqual([40_000]);
  });
});
