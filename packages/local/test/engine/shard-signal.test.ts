import { describe, expect, it } from 'vitest';
import { ShardSignal } from '../../src/engine/shard-signal.js';

describe('ShardSignal', () => {
  it('wakes every waiter once at the next notify', () => {
    const signal = new ShardSignal();
    const woken: string[] = [];
    signal.onNext(() => woken.push('a'));
    signal.onNext(() => woken.push('b'));
    signal.notify();
    signal.notify();
    expect(woken).toEqual(['a', 'b']);
    expect(signal.waiting).toBe(0);
  });

  it('forgets a waiter that gave up, however many come and go before anything changes', () => {
    const signal = new ShardSignal();
    let woken = 0;
    // An idle shard under a subscription: a heartbeat wait every few seconds, for hours.
    for (let i = 0; i < 10_000; i++) {
      const cancel = signal.onNext(() => {
        woken += 1;
      });
      cancel();
    }
    expect(signal.waiting).toBe(0);
    signal.notify();
    expect(woken).toBe(0);
  });
});
