import { EventRing, type StoredEvent } from './event-ring';

function event(seq: number, json = `{"n":${seq}}`): StoredEvent {
  return { seq, type: 'test.ping', json, bytes: Buffer.byteLength(json) };
}

describe('EventRing', () => {
  it('gives the events after an id, oldest first, and none after the newest', () => {
    const ring = new EventRing({ events: 10, bytes: 1_000 }, 100);
    for (const seq of [101, 103, 107]) ring.push(event(seq));
    expect(ring.after(100)?.map((e) => e.seq)).toEqual([101, 103, 107]);
    expect(ring.after(102)?.map((e) => e.seq)).toEqual([103, 107]);
    expect(ring.after(103)?.map((e) => e.seq)).toEqual([107]);
    expect(ring.after(107)).toEqual([]);
  });

  it('keeps the last `events` events and answers undefined for an id before them', () => {
    const ring = new EventRing({ events: 3, bytes: 1_000 }, 0);
    for (let seq = 1; seq <= 10; seq++) ring.push(event(seq));
    expect(ring.size).toBe(3);
    expect(ring.coveredAfter).toBe(7);
    expect(ring.after(7)?.map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(ring.after(6)).toBeUndefined();
  });

  it('is complete only after the id it was created at', () => {
    const ring = new EventRing({ events: 3, bytes: 1_000 }, 50);
    expect(ring.after(49)).toBeUndefined();
    expect(ring.after(50)).toEqual([]);
  });

  it('drops old events past the size limit, but always keeps the newest', () => {
    const ring = new EventRing({ events: 100, bytes: 10 }, 0);
    ring.push(event(1, '12345'));
    ring.push(event(2, '12345'));
    expect(ring.after(0)?.map((e) => e.seq)).toEqual([1, 2]);
    ring.push(event(3, '1'));
    expect(ring.after(1)?.map((e) => e.seq)).toEqual([2, 3]);
    ring.push(event(4, 'x'.repeat(50)));
    expect(ring.size).toBe(1);
    expect(ring.after(3)?.map((e) => e.seq)).toEqual([4]);
    expect(ring.after(2)).toBeUndefined();
    // Counted in UTF-8 bytes, as sent: four 3-byte characters are over 10.
    ring.push(event(5, '€€€€'));
    ring.push(event(6, '1'));
    // (in characters, 4 + 1 would have kept both)
    expect(ring.after(5)?.map((e) => e.seq)).toEqual([6]);
    expect(ring.after(4)).toBeUndefined();
  });

  it('stays correct over many evictions (its storage is compacted as it goes)', () => {
    const ring = new EventRing({ events: 1000, bytes: Number.MAX_SAFE_INTEGER }, 0);
    for (let seq = 1; seq <= 10_500; seq++) ring.push(event(seq));
    expect(ring.size).toBe(1000);
    const after = ring.after(9_500) ?? [];
    expect(after).toHaveLength(1000);
    expect(after[0].seq).toBe(9_501);
    expect(after.at(-1)?.seq).toBe(10_500);
    expect(ring.after(9_499)).toBeUndefined();
  });
});
