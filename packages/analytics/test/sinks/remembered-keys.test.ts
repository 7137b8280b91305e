import { describe, expect, it } from 'vitest';
import { RememberedKeys } from '../../src/sinks/remembered-keys.js';

describe('RememberedKeys', () => {
  it('holds at most maxKeys keys, forgetting the first seen', () => {
    const keys = new RememberedKeys(3, Number.POSITIVE_INFINITY);
    for (let index = 0; index < 10; index++) keys.add(`k${index}`, index, index);
    expect(keys.size).toBe(3);
    expect([...keys.entries()]).toEqual([
      ['k7', 7],
      ['k8', 8],
      ['k9', 9],
    ]);
  });

  it('releases expired keys as new ones arrive, without being asked about them', () => {
    const keys = new RememberedKeys(1000, 10);
    for (let index = 0; index < 100; index++) keys.add(`k${index}`, index, index);
    // At time 99, keys first seen at 89 or before are 10 ms old: expired.
    expect(keys.size).toBe(10);
    expect(keys.has('k89', 99)).toBe(false);
    expect(keys.has('k90', 99)).toBe(true);
  });
});
