import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '../../../tools/testing/readme-example.js';
import { type QueryOutput, runQuery, toFlinkSql } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The ```sql blocks under a `## heading` of the README. */
function sqlBlocks(heading: string): string[] {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

/** Visits to two pages over 20 s of processing time, then one row at 25 s to close the windows. */
async function* visits(clock: { nowMs: number }): AsyncGenerator<object[]> {
  for (let second = 0; second < 20; second++) {
    clock.nowMs = 1_000_000 + second * 1000;
    const hot = second < 10 ? 150 : 30;
    yield [
      ...Array.from({ length: hot }, () => ({ url: '/hot' })),
      ...Array.from({ length: 20 }, () => ({ url: '/calm' })),
    ];
  }
  clock.nowMs = 1_000_000 + 25_000;
  yield [{ url: '/calm' }];
}

/** The rows of each stream of a run of `sql`, without the run's own fields. */
async function resultsOf(sql: string): Promise<Record<string, unknown[]>> {
  const clock = { nowMs: 0 };
  const run = runQuery(sql, {
    source: visits(clock),
    schema: { columns: { url: { type: 'VARCHAR(256)' } } },
    clock: { now: () => clock.nowMs },
  });
  const perUrl: QueryOutput[] = [];
  const reading = (async () => {
    for await (const output of run.stream('VISITS_PER_URL')) perUrl.push(output);
  })();
  const hot: QueryOutput[] = [];
  for await (const output of run) hot.push(output);
  await reading;
  const rows = (outputs: QueryOutput[]) =>
    outputs
      .filter((o) => o.kind === 'insert')
      .map((o) => ({ url: o.row.url, visits: Number(o.row.visits) }))
      .sort((a, b) => `${a.url}${a.visits}`.localeCompare(`${b.url}${b.visits}`));
  return { VISITS_PER_URL: rows(perUrl), HOT_PAGES: rows(hot) };
}

describe('README', () => {
  it('runs the example and prints what its comments say', async () => {
    const run = await runReadmeExample(new URL('../', import.meta.url), '@kinesis-kit/analytics');
    expect(run.source).toContain('runQuery(');
    expect(run.expected.length).toBeGreaterThan(0);
    expect(run.printed).toEqual(run.expected);
  });

  it("shows toFlinkSql's real output for its KDA application", () => {
    const [kda, flink] = sqlBlocks('A KDA application and its Flink translation');
    expect(kda).toContain('CREATE OR REPLACE PUMP');
    expect(toFlinkSql(kda as string).trim()).toBe((flink as string).trim());
  });

  it('runs the KDA application and its Flink translation to the same results', async () => {
    const [kda, flink] = sqlBlocks('A KDA application and its Flink translation');
    const fromKda = await resultsOf(kda as string);
    const fromFlink = await resultsOf(flink as string);
    expect(fromKda).toEqual({
      VISITS_PER_URL: [
        { url: '/calm', visits: 1 },
        { url: '/calm', visits: 200 },
        { url: '/calm', visits: 200 },
        { url: '/hot', visits: 1500 },
        { url: '/hot', visits: 300 },
      ],
      HOT_PAGES: [{ url: '/hot', visits: 1500 }],
    });
    expect(fromFlink).toEqual(fromKda);
  });
});
