import { describe, expect, it } from 'vitest';
import { BoundedQueue, type BulkEntry } from '../../src/logging/bounded-queue.js';

const entry = (name: string, bytes = 10): BulkEntry => ({ lines: name, bytes });
const names = (entries: BulkEntry[]) => entries.map((e) => e.lines);

describe('BoundedQueue', () => {
  it('evicts the oldest entries beyond the document bound and says how many', () => {
    const q = new BoundedQueue(3, 1_000);
    expect(['a', 'b', 'c'].map((n) => q.push(entry(n)))).toEqual([0, 0, 0]);
    expect(q.push(entry('d'))).toBe(1);
    expect(names(q.take(10, 1_000))).toEqual(['b', 'c', 'd']);
  });

  it('evicts the oldest entries beyond the byte bound', () => {
    const q = new BoundedQueue(100, 25);
    q.push(entry('a'));
    q.push(entry('b'));
    expect(q.push(entry('c'))).toBe(1);
    expect(q.bytes).toBe(20);
    expect(names(q.take(10, 1_000))).toEqual(['b', 'c']);
  });

  it('takes batches within both limits, always at least one entry', () => {
    const q = new BoundedQueue(100, 1_000);
    for (const n of ['a', 'b', 'c', 'd']) q.push(entry(n));
    expect(names(q.take(3, 25))).toEqual(['a', 'b']);
    expect(names(q.take(3, 5))).toEqual(['c']);
    expect(q.length).toBe(1);
  });

  it('puts a failed batch back in front, evicting from it first when full', () => {
    const q = new BoundedQueue(3, 1_000);
    q.push(entry('a'));
    q.push(entry('b'));
    const batch = q.take(2, 1_000);
    q.push(entry('c'));
    q.push(entry('d'));
    expect(q.requeue(batch)).toBe(1);
    expect(names(q.take(10, 1_000))).toEqual(['b', 'c', 'd']);
  });

  it('keeps order over many pushes and takes (head compaction)', () => {
    const q = new BoundedQueue(5_000, 1e9);
    for (let i = 0; i < 4_000; i++) q.push(entry(String(i), 1));
    const taken = [...q.take(3_000, 1e9), ...q.take(3_000, 1e9)];
    expect(taken.map((e) => Number(e.lines))).toEqual(Array.from({ length: 4_000 }, (_, i) => i));
    expect(q.bytes).toBe(0);
  });
});
