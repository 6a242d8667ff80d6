import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/routes/cursor.js';

describe('page cursor', () => {
  it('round-trips the last order of a page', () => {
    const c = { createdAt: '2026-01-02T03:04:05.678Z', id: '6f1c2d9e-0000-4000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });

  it('refuses a tampered or foreign cursor with CURSOR_INVALID', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(expect.objectContaining({ code: 'CURSOR_INVALID' }));
    expect(() => decodeCursor(Buffer.from('["x","y"]').toString('base64url'))).toThrow(expect.objectContaining({ code: 'CURSOR_INVALID' }));
  });
});
