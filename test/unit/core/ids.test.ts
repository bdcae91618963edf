import { describe, expect, it } from 'vitest';
import { queueId } from '../../../src/core/ids.js';

describe('queue ids', () => {
  it('sort in the order they were made, also within one millisecond, and never repeat', () => {
    const now = Date.now();
    const ids = [queueId(now), queueId(now), queueId(now), queueId(now + 1), queueId(now + 1), queueId(now + 2)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9A-Z]{21}$/);
  });

  it('stay unique over many made at once', () => {
    const many = Array.from({ length: 20_000 }, () => queueId());
    expect(new Set(many).size).toBe(many.length);
    expect([...many].sort()).toEqual(many);
  });
});
