/**
 * The chart: events per second of every scenario and subject, each SQL bar against its goal
 * (half the hand-written loop's rate, and at least 1,000,000 events/s for the COUNT query).
 */
import { svgBarChart } from '@kinesis-kit/bench-harness';
import { BASELINE, GOALS } from './report.js';

/** @typedef {import('./report.js').Results} Results */

/**
 * @param {Results} results
 * @returns {string} the SVG document
 */
export function toChart(results) {
  const names = [...new Set(results.scenarios.map((row) => row.name))];
  const groups = names.map((name) => {
    const own = results.scenarios.filter((row) => row.name === name);
    const baseline = Number(own.find((row) => row.subject === BASELINE)?.metrics.eventsPerSec);
    return {
      label: name,
      bars: own.map(({ subject, metrics }) => {
        const rate = Number(metrics.eventsPerSec);
        const ratio = metrics.ratioVsHandWritten;
        const goal = Math.max(
          GOALS.ratioVsHandWritten * baseline,
          name === 'tumble-10s-count' ? GOALS.countEventsPerSec : 0,
        );
        return {
          series: subject,
          value: rate,
          text:
            ratio === undefined
              ? rate.toLocaleString('en-US')
              : `${rate.toLocaleString('en-US')} (${Number(ratio).toFixed(2)}×)`,
          ...(subject === BASELINE ? {} : { reference: goal }),
        };
      }),
    };
  });
  return svgBarChart({
    title: 'Windowed SQL: events per second on one core, against a hand-written Map loop',
    subtitle: `${results.date}, median of ${results.protocol.runs} interleaved runs; ${results.machine.cpu}`,
    axisLabel: 'events per second',
    series: [...new Set(results.scenarios.map((row) => row.subject))].map((name) => ({ name })),
    groups,
    referenceLabel: 'goal: ≥ 0.5× hand-written (COUNT: and ≥ 1M events/s)',
  });
}
