import type { QueryPlan } from '../plan/query-plan.js';
import { MAX_TIMER_WAIT_MS } from './defaults.js';

/**
 * How often processing-time windows can fire: the smallest window step of the plan's
 * processing-time window stages (tumble size, hop slide, cumulate step, session gap), or
 * `undefined` when none runs on processing time.
 */
export function processingGranularityMs(plan: QueryPlan): number | undefined {
  let granularity: number | undefined;
  for (const stage of plan.stages) {
    const operator = stage.operator;
    if (operator.kind !== 'window' || operator.domain !== 'processing') continue;
    const w = operator.window;
    const step =
      w.kind === 'tumble'
        ? w.sizeMs
        : w.kind === 'hop'
          ? w.slideMs
          : w.kind === 'cumulate'
            ? w.stepMs
            : w.gapMs;
    granularity = granularity === undefined ? step : Math.min(granularity, step);
  }
  return granularity;
}

/** Milliseconds until the next multiple of `granularityMs` after `now`, within [1, MAX_TIMER_WAIT_MS]. */
export function untilNextBoundary(now: number, granularityMs: number): number {
  const remainder = ((now % granularityMs) + granularityMs) % granularityMs;
  return clampWait(granularityMs - remainder);
}

/** A timer wait within [1, MAX_TIMER_WAIT_MS] ms (a clock that jumps is re-read at least that often). */
export function clampWait(ms: number): number {
  if (!(ms >= 1)) return 1;
  return Math.min(ms, MAX_TIMER_WAIT_MS);
}
