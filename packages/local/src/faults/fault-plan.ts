import { seededRandom } from '@kinesis-kit/records';
import { LocalKinesisError } from '../errors.js';
import { API_SHAPES } from '../protocol/api-shapes.js';

/** The injected error types: AWS's 500, AWS's 503, and throttling as each operation reports it. */
export const FAULT_ERROR_TYPES = ['InternalFailure', 'ServiceUnavailable', 'Throttling'] as const;
export type FaultErrorType = (typeof FAULT_ERROR_TYPES)[number];

/** One fault rule; every matching rule of a plan applies to a request, in order. */
export interface FaultRule {
  /** AWS operation names (`PutRecords`, ...) the rule applies to. @default every operation */
  readonly operations?: readonly string[];
  /** Share of requests answered with an injected error, 0..1. @default 0 */
  readonly errorRate?: number;
  /** Errors to pick from, evenly. @default ['InternalFailure'] */
  readonly errorTypes?: readonly FaultErrorType[];
  /** Delay before the answer: a fixed number of ms, or `[min, max]` drawn per request. */
  readonly latencyMs?: number | readonly [number, number];
  /** Share of requests whose connection (HTTP/1.1) or stream (HTTP/2) is dropped unanswered, 0..1. @default 0 */
  readonly dropRate?: number;
}

/**
 * Faults to inject: the same seed and the same sequence of requests give the same faults.
 *
 * @example
 * ```ts
 * const plan: FaultPlan = { seed: 7, rules: [{ operations: ['PutRecords'], errorRate: 0.1 }] };
 * ```
 */
export interface FaultPlan {
  /** Seed of the pseudo-random draws; without one a random seed is picked (and reported). */
  readonly seed?: number;
  readonly rules: readonly FaultRule[];
}

/** Faults injected since the plan was set, by kind. */
export interface FaultCounters {
  InternalFailure: number;
  ServiceUnavailable: number;
  Throttling: number;
  dropped: number;
  delayed: number;
}

/** What `faults()` and `GET /_kinesis-kit/faults` report. */
export interface FaultsReport {
  /** The plan in effect (with its seed), or `null` when fault injection is off. */
  readonly plan: FaultPlan | null;
  readonly counters: FaultCounters;
}

const RULE_KEYS = new Set(['operations', 'errorRate', 'errorTypes', 'latencyMs', 'dropRate']);
const MAX_LATENCY_MS = 60_000;

function invalid(field: string, message: string, value: unknown): never {
  throw new LocalKinesisError(
    'InvalidOption',
    `${field} ${message}, got ${JSON.stringify(value) ?? String(value)}`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rate(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    invalid(field, 'must be a number from 0 to 1', value);
  }
  return value;
}

function latency(field: string, value: unknown): number | [number, number] | undefined {
  if (value === undefined) return undefined;
  const ok = (ms: unknown) =>
    typeof ms === 'number' && Number.isInteger(ms) && ms >= 0 && ms <= MAX_LATENCY_MS;
  if (ok(value)) return value as number;
  if (Array.isArray(value) && value.length === 2 && ok(value[0]) && ok(value[1])) {
    if ((value[0] as number) <= (value[1] as number)) return [value[0], value[1]];
  }
  return invalid(
    field,
    `must be whole milliseconds from 0 to ${MAX_LATENCY_MS}, or [min, max] of them with min <= max`,
    value,
  );
}

/**
 * Checks a fault plan (from options, JSON or the admin API) and returns a copy holding only
 * known fields; throws `LocalKinesisError` `InvalidOption` naming the bad field and its range.
 */
export function validateFaultPlan(value: unknown, prefix = 'faults'): FaultPlan {
  if (!isObject(value)) invalid(prefix, 'must be an object { seed?, rules }', value);
  for (const key of Object.keys(value)) {
    if (key !== 'seed' && key !== 'rules')
      invalid(`${prefix}.${key}`, 'is not a field', value[key]);
  }
  const { seed, rules } = value;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)) {
    invalid(`${prefix}.seed`, 'must be a whole number from 0 to 2^53 - 1', seed);
  }
  if (!Array.isArray(rules)) invalid(`${prefix}.rules`, 'must be an array of rules', rules);
  const checked = rules.map((rule: unknown, index): FaultRule => {
    const field = `${prefix}.rules[${index}]`;
    if (!isObject(rule)) invalid(field, 'must be an object', rule);
    for (const key of Object.keys(rule)) {
      if (!RULE_KEYS.has(key)) invalid(`${field}.${key}`, 'is not a field', rule[key]);
    }
    const { operations, errorTypes } = rule;
    if (operations !== undefined) {
      if (
        !Array.isArray(operations) ||
        operations.some((name) => typeof name !== 'string' || !Object.hasOwn(API_SHAPES, name))
      ) {
        invalid(
          `${field}.operations`,
          'must be an array of AWS operation names (PutRecords, ...)',
          operations,
        );
      }
    }
    if (errorTypes !== undefined) {
      if (
        !Array.isArray(errorTypes) ||
        errorTypes.length === 0 ||
        errorTypes.some((type) => !(FAULT_ERROR_TYPES as readonly unknown[]).includes(type))
      ) {
        invalid(
          `${field}.errorTypes`,
          `must be a non-empty array of ${FAULT_ERROR_TYPES.join(', ')}`,
          errorTypes,
        );
      }
    }
    const errorRate = rate(`${field}.errorRate`, rule.errorRate);
    const dropRate = rate(`${field}.dropRate`, rule.dropRate);
    const latencyMs = latency(`${field}.latencyMs`, rule.latencyMs);
    return {
      ...(operations === undefined ? {} : { operations: [...(operations as string[])] }),
      ...(errorRate === undefined ? {} : { errorRate }),
      ...(errorTypes === undefined ? {} : { errorTypes: [...(errorTypes as FaultErrorType[])] }),
      ...(latencyMs === undefined ? {} : { latencyMs }),
      ...(dropRate === undefined ? {} : { dropRate }),
    };
  });
  return { ...(seed === undefined ? {} : { seed: seed as number }), rules: checked };
}

/** The faults decided for one request. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly drop: boolean;
  readonly error: FaultErrorType | undefined;
}

/** A plan in effect: its PRNG and its counters. */
export class FaultInjector {
  readonly plan: FaultPlan & { readonly seed: number };
  readonly counters: FaultCounters = {
    InternalFailure: 0,
    ServiceUnavailable: 0,
    Throttling: 0,
    dropped: 0,
    delayed: 0,
  };
  readonly #random: () => number;

  constructor(plan: FaultPlan) {
    const seed = plan.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.plan = { seed, rules: plan.rules };
    // Seeds above 32 bits fold their high part in, so that they still differ.
    this.#random = seededRandom((seed % 2 ** 32) ^ Math.floor(seed / 2 ** 32));
  }

  /**
   * Decides the faults of a request, in arrival order. Each matching rule takes four draws,
   * whatever it decides, so one request's outcome never shifts the next one's draws.
   */
  decide(operation: string): FaultDecision | undefined {
    let latencyMs = 0;
    let drop = false;
    let error: FaultErrorType | undefined;
    for (const rule of this.plan.rules) {
      if (rule.operations !== undefined && !rule.operations.includes(operation)) continue;
      const [dropDraw, errorDraw, typeDraw, latencyDraw] = [
        this.#random(),
        this.#random(),
        this.#random(),
        this.#random(),
      ];
      const fixedOrRange = rule.latencyMs ?? 0;
      latencyMs +=
        typeof fixedOrRange === 'number'
          ? fixedOrRange
          : fixedOrRange[0] + Math.floor(latencyDraw * (fixedOrRange[1] - fixedOrRange[0] + 1));
      if (drop || error !== undefined) continue;
      if (dropDraw < (rule.dropRate ?? 0)) drop = true;
      else if (errorDraw < (rule.errorRate ?? 0)) {
        const types = rule.errorTypes ?? ['InternalFailure'];
        error = types[Math.floor(typeDraw * types.length)];
      }
    }
    if (latencyMs === 0 && !drop && error === undefined) return undefined;
    return { latencyMs, drop, error };
  }

  /** Counts a decision once it is applied (a request that fails validation first is not counted). */
  count(decision: FaultDecision): void {
    if (decision.latencyMs > 0) this.counters.delayed += 1;
    if (decision.drop) this.counters.dropped += 1;
    else if (decision.error !== undefined) this.counters[decision.error] += 1;
  }

  report(): FaultsReport {
    return { plan: this.plan, counters: { ...this.counters } };
  }
}

const NO_COUNTERS: FaultCounters = {
  InternalFailure: 0,
  ServiceUnavailable: 0,
  Throttling: 0,
  dropped: 0,
  delayed: 0,
};

/** The endpoint's switch for fault injection; `injector` is undefined when it is off. */
export class FaultSwitch {
  injector: FaultInjector | undefined;

  constructor(plan: FaultPlan | undefined) {
    this.injector = plan === undefined ? undefined : new FaultInjector(plan);
  }

  /** Replaces the plan (validated), resetting the PRNG to its seed and the counters; undefined turns faults off. */
  set(plan: FaultPlan | undefined): void {
    this.injector = plan === undefined ? undefined : new FaultInjector(validateFaultPlan(plan));
  }

  report(): FaultsReport {
    return this.injector?.report() ?? { plan: null, counters: { ...NO_COUNTERS } };
  }
}
