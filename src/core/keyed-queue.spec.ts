import { KeyedQueue } from './keyed-queue';

describe('KeyedQueue', () => {
  it('runs work of one key in order, other keys alongside, and a failure fails only its call', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run('a', async () => {
      await gate;
      log.push('a1');
      throw new Error('a1 failed');
    });
    const second = queue.run('a', () => {
      log.push('a2');
      return Promise.resolve(2);
    });
    const other = queue.run('b', () => {
      log.push('b1');
      return Promise.resolve('b');
    });
    await expect(other).resolves.toBe('b');
    expect(log).toEqual(['b1']);
    release();
    await expect(first).rejects.toThrow('a1 failed');
    await expect(second).resolves.toBe(2);
    expect(log).toEqual(['b1', 'a1', 'a2']);
  });
});
