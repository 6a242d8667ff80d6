import { describe, expect, it } from 'vitest';
import { KeyedSerial } from '../../src/events/keyed-serial.js';
import { deferred } from './support.js';

describe('KeyedSerial', () => {
  it('runs tasks of one key one after another in submission order', async () => {
    const serial = new KeyedSerial();
    const log: string[] = [];
    const gate = deferred();
    const first = serial.run('a', async () => {
      log.push('a1 start');
      await gate.promise;
      log.push('a1 end');
    });
    const second = serial.run('a', async () => void log.push('a2'));
    await Promise.resolve();
    expect(log).toEqual(['a1 start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['a1 start', 'a1 end', 'a2']);
  });

  it('does not hold other keys behind a slow one', async () => {
    const serial = new KeyedSerial();
    const gate = deferred();
    const slow = serial.run('a', () => gate.promise);
    expect(await serial.run('b', async () => 'b done')).toBe('b done');
    gate.resolve();
    await slow;
  });

  it('keeps going after a failed task and forgets idle keys', async () => {
    const serial = new KeyedSerial();
    await expect(serial.run('a', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await serial.run('a', async () => 'next')).toBe('next');
    await new Promise((r) => setTimeout(r, 0));
    expect(serial.size).toBe(0);
  });
});
