import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { estimateShards } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { describePlan, planAll } from '../src/all.js';
import { listBenchmarks, readResults, schedulingOf } from '../src/benchmarks.js';
import { collectGoals } from '../src/goals.js';
import { planLines } from '../src/plan.js';
import { renderSummary } from '../src/summary.js';

describe('the benchmark list', () => {
  it('finds every benchmark folder with a bench script, not the harness', () => {
    const names = listBenchmarks().map((benchmark) => benchmark.name);
    expect(names).toContain('shard-throughput');
    expect(names).toContain('read-throughput');
    expect(names).not.toContain('harness');
    for (const benchmark of listBenchmarks()) expect(benchmark.project).toMatch(/^@kinesis-kit\//);
  });

  it('reads how all may schedule each benchmark from its package.json', () => {
    const byName = new Map(listBenchmarks().map((benchmark) => [benchmark.name, benchmark]));
    expect(byName.get('analytics-memory')?.longMemoryRun?.cores).toBeGreaterThan(0);
    expect(byName.get('analytics-memory')?.longMemoryRun?.cores).toBeLessThanOrEqual(0.5);
    expect(byName.get('soak')?.longMemoryRun?.cores).toBeGreaterThan(0);
    for (const name of ['shard-throughput', 'read-throughput']) {
      expect(byName.get(name)?.besideLongMemoryRuns).toEqual({ cores: 0.9 });
      expect(byName.get(name)?.longMemoryRun).toBeUndefined();
    }
    for (const name of ['codec', 'http-ingest', 'local-endpoint', 'analytics']) {
      expect(byName.get(name)?.longMemoryRun).toBeUndefined();
      expect(byName.get(name)?.besideLongMemoryRuns).toBeUndefined();
    }
  });

  it('npm run bench lists analytics-memory with its description', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const listed = spawnSync(process.execPath, ['tools/bench/src/cli.js'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^ {2}analytics-memory +Long memory run of the streaming SQL/m);
    expect(listed.stdout).toMatch(/^ {2}analytics +Benchmark of the streaming SQL engine/m);
  });
});

describe('the scheduling declarations', () => {
  it('takes { cores } for a long memory run or a benchmark beside them', () => {
    expect(schedulingOf('x', undefined)).toEqual({
      longMemoryRun: undefined,
      besideLongMemoryRuns: undefined,
    });
    expect(schedulingOf('x', { besideLongMemoryRuns: { cores: 0.9 } })).toEqual({
      longMemoryRun: undefined,
      besideLongMemoryRuns: { cores: 0.9 },
    });
    expect(schedulingOf('x', { longMemoryRun: { cores: 0.25 } }).longMemoryRun).toEqual({
      cores: 0.25,
    });
  });

  it('rejects besideLongMemoryRuns without positive cores, naming the file', () => {
    for (const bad of [{}, { cores: 0 }, { cores: -1 }, { cores: '0.9' }, 0.9, null]) {
      expect(() => schedulingOf('shard-throughput', { besideLongMemoryRuns: bad })).toThrow(
        /^benchmarks\/shard-throughput\/package\.json: benchmark\.besideLongMemoryRuns must be \{ "cores": /,
      );
    }
  });

  it('rejects a benchmark declared both a long memory run and beside them', () => {
    expect(() =>
      schedulingOf('x', { longMemoryRun: { cores: 0.5 }, besideLongMemoryRuns: { cores: 0.5 } }),
    ).toThrow(/long memory run or runs beside them, not both/);
  });

  it('rejects an unknown declaration (a misspelt one would silently run alone)', () => {
    expect(() => schedulingOf('x', { besideLongMemoryRun: { cores: 0.9 } })).toThrow(
      /benchmark\.besideLongMemoryRun is not a declaration; known: longMemoryRun, besideLongMemoryRuns/,
    );
  });
});

describe('all', () => {
  /**
   * @param {string} name
   * @param {number} [cores] a long memory run's
   * @param {number} [besideCores] a limit-bound benchmark's
   */
  const benchmark = (name, cores, besideCores) => ({
    name,
    project: `@kinesis-kit/bench-${name}`,
    dir: name,
    description: '',
    hasQuick: true,
    longMemoryRun: cores === undefined ? undefined : { cores },
    besideLongMemoryRuns: besideCores === undefined ? undefined : { cores: besideCores },
  });
  /** @param {import('../src/benchmarks.js').Benchmark[]} list */
  const names = (list) => list.map((b) => b.name);

  it('on 2 cores: the CPU-bound alone, then the memory runs with the limit-bound beside them', () => {
    const plan = planAll(listBenchmarks(), 2);
    expect(names(plan.alone)).toEqual(['analytics', 'codec', 'http-ingest', 'local-endpoint']);
    expect(plan.memoryBatches.map(names)).toEqual([['analytics-memory', 'soak']]);
    expect(names(plan.besideMemoryRuns)).toEqual(['read-throughput', 'shard-throughput']);
    expect(plan.afterMemoryRuns).toEqual([]);
  });

  it('runs a limit-bound benchmark beside the memory runs only if it fits beside the busiest batch', () => {
    const benchmarks = [
      benchmark('codec'),
      benchmark('m1', 0.5),
      benchmark('m2', 0.5),
      benchmark('m3', 1.5),
      benchmark('fits', undefined, 0.5),
      benchmark('too-big', undefined, 0.9),
    ];
    // Batches m1 + m2 (1 core) and m3 (1.5): beside the busiest, 0.5 fits 2 cores, 0.9 does not.
    const plan = planAll(benchmarks, 2);
    expect(names(plan.alone)).toEqual(['codec']);
    expect(plan.memoryBatches.map(names)).toEqual([['m1', 'm2'], ['m3']]);
    expect(names(plan.besideMemoryRuns)).toEqual(['fits']);
    expect(names(plan.afterMemoryRuns)).toEqual(['too-big']);
    // Exactly the machine's cores still fits.
    expect(names(planAll(benchmarks, 2.4).besideMemoryRuns)).toEqual(['fits', 'too-big']);
    expect(names(planAll(benchmarks, 4).afterMemoryRuns)).toEqual([]);
  });

  it('runs the limit-bound benchmarks alone when nothing fits beside them or nothing runs long', () => {
    const limitBound = [benchmark('a', undefined, 0.9), benchmark('b', undefined, 0.5)];
    const crowded = planAll([benchmark('m', 2), ...limitBound], 2);
    expect(crowded.besideMemoryRuns).toEqual([]);
    expect(names(crowded.afterMemoryRuns)).toEqual(['a', 'b']);
    const noMemoryRuns = planAll([benchmark('codec'), ...limitBound], 8);
    expect(noMemoryRuns.memoryBatches).toEqual([]);
    expect(noMemoryRuns.besideMemoryRuns).toEqual([]);
    expect(names(noMemoryRuns.afterMemoryRuns)).toEqual(['a', 'b']);
  });

  it('prints the plan, phase by phase', () => {
    const plan = planAll(
      [
        benchmark('codec'),
        benchmark('m1', 0.5),
        benchmark('m2', 0.25),
        benchmark('s', undefined, 0.9),
      ],
      2,
    );
    expect(describePlan(plan, 2)).toEqual([
      'plan on 2 cores:',
      '  1. one after another, each alone: codec',
      '  2. long memory runs side by side: m1 + m2 (0.75 cores); beside them, one after another: s',
      '  3. one after another, each alone: none',
    ]);
  });

  it('runs long memory runs side by side while their cores fit the machine', () => {
    const benchmarks = [
      benchmark('a', 0.5),
      benchmark('codec'),
      benchmark('b', 1),
      benchmark('c', 1),
      benchmark('d', 3),
    ];
    const { alone, memoryBatches } = planAll(benchmarks, 2);
    expect(names(alone)).toEqual(['codec']);
    expect(memoryBatches.map((batch) => batch.map((b) => b.name))).toEqual([
      ['a', 'b'],
      ['c'],
      ['d'],
    ]);
    expect(planAll(benchmarks, 8).memoryBatches.map((batch) => batch.length)).toEqual([4]);
  });
});

describe('plan', () => {
  it('prints the shards estimateShards gives, with and without aggregation', () => {
    const lines = planLines({ recordBytes: 200, recordsPerSec: 50_000 }).join('\n');
    const plain = estimateShards({ recordBytes: 200, recordsPerSec: 50_000, aggregation: false });
    const aggregated = estimateShards({
      recordBytes: 200,
      recordsPerSec: 50_000,
      aggregation: true,
    });
    expect(lines).toContain(`without aggregation: ${plain.shards} shard(s)`);
    expect(lines).toContain(`with aggregation:    ${aggregated.shards} shard(s)`);
  });

  it('quotes the measured per-shard rate for the nearest record size', () => {
    const results = readResults('shard-throughput');
    expect(results, 'the committed shard-throughput results').toBeDefined();
    const lines = planLines({ recordBytes: 900, recordsPerSec: 1000 }).join('\n');
    expect(lines).toMatch(/for 1024 B records, the nearest size/);
    const row = results.scenarios.find(
      (/** @type {any} */ candidate) =>
        candidate.subject === 'kinesis-kit' &&
        candidate.params.shards === 1 &&
        candidate.params.recordBytes === 1024 &&
        candidate.params.aggregation === false,
    );
    expect(lines).toContain(
      `${row.metrics.userRecordsPerSecPerShard.toLocaleString('en-US')} user records/s per shard`,
    );
  });
});

describe('summary', () => {
  it('lists every benchmark and one row per goal, met or not', () => {
    const text = renderSummary();
    for (const benchmark of listBenchmarks()) expect(text).toContain(`[\`${benchmark.name}\`]`);
    const goals = collectGoals(listBenchmarks().map((benchmark) => benchmark.name));
    for (const goal of goals) expect(text).toContain(goal.goal.replace(/\|/g, '\\|'));
    const codec = goals.find((goal) => goal.benchmark === 'codec');
    expect(codec?.measured).toMatch(/aggregate-100B \d+\.\d\d×/);
  });

  it("takes the analytics memory goal from analytics-memory's results, owned by analytics", () => {
    const goals = collectGoals(['analytics', 'analytics-memory']);
    expect(goals.filter((goal) => goal.benchmark === 'analytics').length).toBeGreaterThan(0);
    const memory = goals.filter((goal) => goal.benchmark === 'analytics-memory');
    expect(memory).toHaveLength(1);
    expect(memory[0]?.owner).toBe('@kinesis-kit/analytics');
    expect(memory[0]?.goal).toMatch(/^memory flat/);
  });
});
