/**
 * The subjects: the same windowed query through `runQuery` in the Flink dialect and in the
 * Kinesis Data Analytics dialect, and the hand-written loop (the baseline). Each reads the same
 * async iterable of batches of plain rows and drains every result; each returns what it counted.
 */
import { runQuery } from '@kinesis-kit/analytics';
import { hoppingAvg, tumblingCount } from './hand-written.js';
import { WORKLOAD } from './workloads.js';

/**
 * @typedef {import('./workloads.js').Visit} Visit
 * @typedef {(row: Readonly<Record<string, unknown>>, kind: string, revision: number) => void} Collect
 *   takes every result row (verification only; timed runs pass none)
 * @typedef {object} PassStats what one pass over the events counted
 * @property {number} rowsIn
 * @property {number} rowsOut
 * @property {number} rowsLate
 * @property {number} errors
 * @typedef {object} Subject
 * @property {string} name
 * @property {string} label for the chart and the table
 * @property {string} [sql] the query, for SQL subjects
 * @property {number} watermarkDelayMs the watermark's delay behind the newest event time (the
 *   hand-written loop the subject's results are checked against uses the same)
 * @property {(source: AsyncIterable<Visit[]>, collect?: Collect) => Promise<PassStats>} run
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} question what it measures, for the report
 * @property {{ kind: 'tumble' | 'hop', sizeMs: number, slideMs: number }} window
 * @property {string} valueColumn the aggregate's result column
 * @property {Subject[]} subjects the SQL subjects first, the hand-written loop last
 */

/** The column types of the events, for CREATE TABLE and for a KDA source schema. */
const COLUMNS = [
  ['url', 'VARCHAR(256)'],
  ['ts', 'TIMESTAMP(3)'],
  ['latencyMs', 'INTEGER'],
  ['status', 'INTEGER'],
  ['bytes', 'INTEGER'],
];

/** The KDA source schema: plain rows, one column per property. */
const KDA_SCHEMA = {
  columns: Object.fromEntries(
    COLUMNS.map(([name, type]) => [name, { type: type === 'TIMESTAMP(3)' ? 'TIMESTAMP' : type }]),
  ),
};

/**
 * Flink's source table: the events, with event time `ts` and the watermark `delay` behind it.
 * @param {number} delayMs
 */
function flinkTable(delayMs) {
  const columns = COLUMNS.map(([name, type]) => `  ${name} ${type},`).join('\n');
  return `CREATE TABLE visits (
${columns}
  WATERMARK FOR ts AS ts - INTERVAL '${delayMs / 1000}' SECOND
);`;
}

const seconds = (/** @type {number} */ ms) => `INTERVAL '${ms / 1000}' SECOND`;

/** @param {number} sizeMs */
export function flinkTumbleCountSql(sizeMs) {
  return `${flinkTable(WORKLOAD.watermarkDelayMs)}
SELECT window_start, window_end, url, COUNT(*) AS visits
FROM TABLE(TUMBLE(TABLE visits, DESCRIPTOR(ts), ${seconds(sizeMs)}))
GROUP BY window_start, window_end, url;`;
}

/**
 * @param {number} slideMs
 * @param {number} sizeMs
 */
export function flinkHopAvgSql(slideMs, sizeMs) {
  return `${flinkTable(WORKLOAD.watermarkDelayMs)}
SELECT window_start, window_end, url, AVG(latencyMs) AS avg_latency_ms
FROM TABLE(HOP(TABLE visits, DESCRIPTOR(ts), ${seconds(slideMs)}, ${seconds(sizeMs)}))
GROUP BY window_start, window_end, url;`;
}

/**
 * KDA: a pump into a destination stream, the window a `STEP` over the event-time column in the
 * GROUP BY (KDA has no WATERMARK clause: the engine takes such a column as event time with no
 * out-of-orderness allowed).
 * @param {number} sizeMs
 */
export function kdaTumbleCountSql(sizeMs) {
  const step = `STEP("SOURCE_SQL_STREAM_001".ts BY ${seconds(sizeMs)})`;
  return `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
  window_start TIMESTAMP,
  url VARCHAR(256),
  visits BIGINT);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ${step} AS window_start, url, COUNT(*) AS visits
  FROM "SOURCE_SQL_STREAM_001"
  GROUP BY url, ${step};`;
}

/** The watermark delay the KDA query runs with: none can be declared. */
export const KDA_WATERMARK_DELAY_MS = 0;

/**
 * A `runQuery` subject: runs `sql` over the source, drains the main output, and returns the
 * run's counters. Results other than first final ones (`insert`, revision 0) are passed to
 * `collect` like the others, for the verification to reject.
 * @param {{ name: string, label: string, sql: string, watermarkDelayMs: number, options?: object }} spec
 * @returns {Subject}
 */
function sqlSubject({ name, label, sql, watermarkDelayMs, options = {} }) {
  return {
    name,
    label,
    sql,
    watermarkDelayMs,
    async run(source, collect) {
      const run = runQuery(sql, { ...options, source });
      let rowsOut = 0;
      for await (const output of run) {
        rowsOut++;
        collect?.(output.row, output.kind, output.revision);
      }
      const stats = await run.done;
      return {
        rowsIn: stats.rowsIn,
        rowsOut,
        rowsLate: stats.rowsLate,
        errors: stats.errors,
      };
    },
  };
}

/**
 * The hand-written loop for a scenario's window.
 * @param {Scenario['window']} window
 * @param {number} watermarkDelayMs
 * @returns {Subject}
 */
export function handWrittenSubject(window, watermarkDelayMs = WORKLOAD.watermarkDelayMs) {
  const loop = window.kind === 'tumble' ? tumblingCount : hoppingAvg;
  return {
    name: 'hand-written',
    label: 'hand-written Map loop',
    watermarkDelayMs,
    async run(source, collect) {
      const emit = collect
        ? (/** @type {Record<string, unknown>[]} */ rows) => {
            for (const row of rows) collect(row, 'insert', 0);
          }
        : () => {};
      const stats = await loop(source, { ...window, watermarkDelayMs }, emit);
      return { rowsIn: stats.rowsIn, rowsOut: stats.rowsOut, rowsLate: stats.rowsLate, errors: 0 };
    },
  };
}

/** @returns {Scenario[]} */
export function createScenarios() {
  /** @type {Scenario['window']} */
  const tumble = { kind: 'tumble', sizeMs: 10_000, slideMs: 10_000 };
  /** @type {Scenario['window']} */
  const hop = { kind: 'hop', sizeMs: 10_000, slideMs: 5_000 };
  return [
    {
      name: 'tumble-10s-count',
      question:
        "tumbling 10 s windows, COUNT(*) GROUP BY url: each event updates one window's count",
      window: tumble,
      valueColumn: 'visits',
      subjects: [
        sqlSubject({
          name: 'flink-sql',
          label: 'runQuery, Flink SQL',
          sql: flinkTumbleCountSql(tumble.sizeMs),
          watermarkDelayMs: WORKLOAD.watermarkDelayMs,
        }),
        sqlSubject({
          name: 'kda-sql',
          label: 'runQuery, KDA SQL',
          sql: kdaTumbleCountSql(tumble.sizeMs),
          watermarkDelayMs: KDA_WATERMARK_DELAY_MS,
          options: { schema: KDA_SCHEMA },
        }),
        handWrittenSubject(tumble),
      ],
    },
    {
      name: 'hop-10s-5s-avg',
      question:
        'hopping 10 s windows every 5 s, AVG(latencyMs) GROUP BY url: each event updates two windows',
      window: hop,
      valueColumn: 'avg_latency_ms',
      subjects: [
        sqlSubject({
          name: 'flink-sql',
          label: 'runQuery, Flink SQL',
          sql: flinkHopAvgSql(hop.slideMs, hop.sizeMs),
          watermarkDelayMs: WORKLOAD.watermarkDelayMs,
        }),
        handWrittenSubject(hop),
      ],
    },
  ];
}
