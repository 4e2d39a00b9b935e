import { DEFAULT_RESERVED_TOKENS, isContextOverflow } from './context-overflow';

const tokens = (input: number, output = 0, cacheRead = 0) => ({
  input,
  output,
  reasoning: 0,
  cache: { read: cacheRead, write: 0 },
});

describe('isContextOverflow', () => {
  it('never overflows a model of unknown context size', () => {
    expect(isContextOverflow(tokens(10_000_000), { context: 0, output: 0 })).toBe(false);
  });

  it("keeps the model's output limit free when it is below the default reserve", () => {
    const limit = { context: 1000, output: 100 };
    expect(isContextOverflow(tokens(850, 49), limit)).toBe(false);
    expect(isContextOverflow(tokens(850, 50), limit)).toBe(true);
  });

  it('keeps the default reserve free for a large output limit, counting cached tokens', () => {
    const limit = { context: 200_000, output: 64_000 };
    const budget = 200_000 - DEFAULT_RESERVED_TOKENS;
    expect(isContextOverflow(tokens(budget - 1001, 1000), limit)).toBe(false);
    expect(isContextOverflow(tokens(budget - 1000, 500, 500), limit)).toBe(true);
  });

  it('uses the configured reserve and the input limit when the model has one', () => {
    const limit = { context: 400_000, input: 272_000, output: 128_000 };
    expect(isContextOverflow(tokens(261_999), limit, 10_000)).toBe(false);
    expect(isContextOverflow(tokens(262_000), limit, 10_000)).toBe(true);
  });
});
