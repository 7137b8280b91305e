import { estimateShards } from '@kinesis-kit/records';
import { describe, expect, it } from 'vitest';
import { planAll } from '../src/all.js';
import { listBenchmarks, readResults } from '../src/benchmarks.js';
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
});

describe('all', () => {
  /** @param {string} name @param {number} [cores] a long memory run's */
  const benchmark = (name, cores) => ({
    name,
    project: `@kinesis-kit/bench-${name}`,
    dir: name,
    description: '',
    hasQuick: true,
    longMemoryRun: cores === undefined ? undefined : { cores },
  });

  it('runs soak as a long memory run, after the others', () => {
    const { inTurn, memoryBatches } = planAll(listBenchmarks(), 2);
    expect(inTurn.map((b) => b.name)).toContain('shard-throughput');
    expect(inTurn.map((b) => b.name)).not.toContain('soak');
    expect(memoryBatches.flat().map((b) => b.name)).toContain('soak');
  });

  it('runs long memory runs side by side while their cores fit the machine', () => {
    const benchmarks = [
      benchmark('a', 0.5),
      benchmark('codec'),
      benchmark('b', 1),
      benchmark('c', 1),
      benchmark('d', 3),
    ];
    const { inTurn, memoryBatches } = planAll(benchmarks, 2);
    expect(inTurn.map((b) => b.name)).toEqual(['codec']);
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
});
