import { describe, expect, it } from 'vitest';
import { APPROX_PERCENTILE } from '../../src/aggregates/approx-percentile.js';
import { COUNT, COUNT_STAR } from '../../src/aggregates/count.js';
import {
  AGGREGATE_FUNCTIONS,
  findAggregate,
  findAggregateCall,
} from '../../src/aggregates/registry.js';
import { SUM } from '../../src/aggregates/sum.js';
import { TOP_K } from '../../src/aggregates/top-k.js';
import type { SqlType } from '../../src/types.js';

function typeOf(name: string, argType: SqlType | null): unknown {
  return findAggregate(name)?.resultType(argType);
}

describe('the aggregate registry', () => {
  it('finds functions by name in any case, and nothing for scalar or unknown names', () => {
    expect(findAggregate('count')).toBe(COUNT);
    expect(findAggregate('Approx_Count_Distinct')?.name).toBe('APPROX_COUNT_DISTINCT');
    expect(findAggregate('UPPER')).toBeUndefined();
    expect(findAggregate('COUNTS')).toBeUndefined();
  });

  it('keys every function by its own upper-case name, with a signature naming it', () => {
    for (const [name, fn] of AGGREGATE_FUNCTIONS) {
      expect(fn.name).toBe(name);
      expect(name).toBe(name.toUpperCase());
      expect(fn.signature).toContain(`${name}(`);
    }
  });

  it('gives COUNT(*) the accumulator that counts the NULL passed for *', () => {
    expect(findAggregateCall('count', true)).toBe(COUNT_STAR);
    expect(findAggregateCall('COUNT', false)).toBe(COUNT);
    expect(findAggregateCall('SUM', true)).toBe(SUM);
    const star = COUNT_STAR.create([], false);
    const column = COUNT.create([], false);
    for (const acc of [star, column]) acc.add(null);
    expect([star.result(), column.result()]).toEqual([1, 0]);
  });
});

describe('result types', () => {
  it.each([
    ['COUNT', null, 'BIGINT'],
    ['COUNT', 'VARCHAR', 'BIGINT'],
    ['SUM', 'INTEGER', 'BIGINT'],
    ['SUM', 'BIGINT', 'BIGINT'],
    ['SUM', 'DOUBLE', 'DOUBLE'],
    ['AVG', 'INTEGER', 'DOUBLE'],
    ['MIN', 'VARCHAR', 'VARCHAR'],
    ['MAX', 'TIMESTAMP', 'TIMESTAMP'],
    ['MIN', 'BIGINT', 'BIGINT'],
    ['APPROX_COUNT_DISTINCT', 'VARCHAR', 'BIGINT'],
    ['TOP_K', 'VARCHAR', 'ANY'],
    ['APPROX_PERCENTILE', 'BIGINT', 'DOUBLE'],
    ['PERCENTILE_CONT', 'INTEGER', 'DOUBLE'],
    ['STDDEV_SAMP', 'INTEGER', 'DOUBLE'],
    ['FIRST_VALUE', 'VARCHAR', 'VARCHAR'],
  ] as [string, SqlType | null, SqlType][])('%s(%s) is %s', (name, argType, expected) => {
    expect(typeOf(name, argType)).toBe(expected);
  });

  it.each([
    ['SUM', 'VARCHAR', 'SUM needs a numeric argument, got VARCHAR'],
    ['AVG', 'BOOLEAN', 'AVG needs a numeric argument, got BOOLEAN'],
    ['SUM', null, 'SUM needs a numeric argument, not *'],
    ['MIN', 'BOOLEAN', 'MIN needs a numeric, VARCHAR or TIMESTAMP argument, got BOOLEAN'],
    ['MAX', 'ANY', 'MAX needs a numeric, VARCHAR or TIMESTAMP argument, got ANY'],
    ['TOP_K', 'ANY', 'TOP_K needs a VARCHAR, numeric, BOOLEAN or TIMESTAMP argument, got ANY'],
    ['APPROX_PERCENTILE', 'TIMESTAMP', 'APPROX_PERCENTILE needs a numeric argument, got TIMESTAMP'],
    ['VAR_POP', 'VARCHAR', 'VAR_POP needs a numeric argument, got VARCHAR'],
    ['APPROX_COUNT_DISTINCT', null, 'APPROX_COUNT_DISTINCT needs an argument, not *'],
  ] as [string, SqlType | null, string][])('%s(%s) is refused: %s', (name, argType, error) => {
    expect(typeOf(name, argType)).toEqual({ error });
  });

  it('allows * only for COUNT', () => {
    const starred = [...AGGREGATE_FUNCTIONS.values()].filter((fn) => fn.allowsStar);
    expect(starred.map((fn) => fn.name)).toEqual(['COUNT']);
  });
});

describe('constant arguments', () => {
  it.each([
    [[0], "TOP_K's k must be an integer in [1, 10000], got 0"],
    [[2.5], "TOP_K's k must be an integer in [1, 10000], got 2.5"],
    [[10_001], "TOP_K's k must be an integer in [1, 10000], got 10001"],
    [['ten'], "TOP_K's k must be an integer in [1, 10000], got 'ten'"],
    [[null], "TOP_K's k must be an integer in [1, 10000], got NULL"],
    [[], 'TOP_K takes 1 constant argument (k), got 0'],
  ])('TOP_K refuses k = %j', (constants, message) => {
    expect(TOP_K.checkConstants(constants)).toBe(message);
  });

  it.each([
    [
      'APPROX_PERCENTILE',
      [1.5],
      "APPROX_PERCENTILE's fraction must be a number in [0, 1], got 1.5",
    ],
    [
      'APPROX_PERCENTILE',
      [-0.1],
      "APPROX_PERCENTILE's fraction must be a number in [0, 1], got -0.1",
    ],
    [
      'APPROX_PERCENTILE',
      [Number.NaN],
      "APPROX_PERCENTILE's fraction must be a number in [0, 1], got NaN",
    ],
    [
      'PERCENTILE_CONT',
      ['0.5'],
      "PERCENTILE_CONT's fraction must be a number in [0, 1], got '0.5'",
    ],
    ['SUM', [1], 'SUM takes no constant arguments, got 1'],
  ])('%s refuses %j', (name, constants, message) => {
    expect(findAggregate(name)?.checkConstants(constants)).toBe(message);
  });

  it('accepts the ends of each range', () => {
    for (const k of [1, 10_000]) expect(TOP_K.checkConstants([k])).toBeUndefined();
    for (const p of [0, 0.99, 1]) expect(APPROX_PERCENTILE.checkConstants([p])).toBeUndefined();
    expect(COUNT.checkConstants([])).toBeUndefined();
  });
});
