import type { VisitorDemoSummary } from './demo.js';

const number = new Intl.NumberFormat('en-US');

/** The shutdown summary as the CLI prints it. */
export function formatSummary(summary: VisitorDemoSummary): string {
  const lines = [
    `reconciliation: sent ${number.format(summary.sent)} visits to ${number.format(summary.urlCount)} URLs, counted ${number.format(summary.counted)}: missing ${number.format(summary.missing)}, duplicates ${number.format(summary.duplicates)}`,
    `  duplicate deliveries recognised by visitId and not counted: ${number.format(summary.counter.duplicates)}; visitIds remembered: ${number.format(summary.counter.rememberedVisitIds)}`,
  ];
  const { analytics } = summary;
  lines.push(
    `  alarms (SQL: a URL with more than ${number.format(analytics.alertThreshold)} visits in a window): ${number.format(analytics.alertsRaised)} raised`,
  );
  if (analytics.lateVisits > 0 || analytics.errors > 0) {
    lines.push(
      `  visits the window query took as too late: ${number.format(analytics.lateVisits)}; rows it could not evaluate: ${number.format(analytics.errors)}`,
    );
  }
  if (analytics.failure !== undefined) {
    lines.push(`  a query stopped with an error: ${analytics.failure}`);
  }
  if (summary.inDoubt > 0) {
    lines.push(
      `  visits in doubt (no answer from the gateway; sent again at the next start): ${number.format(summary.inDoubt)}`,
    );
  }
  if ((summary.simulator?.resent ?? 0) > 0) {
    lines.push(
      `  visits a crash had left in doubt, sent again at start: ${number.format(summary.simulator?.resent ?? 0)}`,
    );
  }
  if (summary.unledgered > 0) {
    lines.push(
      `  visits to URLs the simulator did not send (other clients): ${number.format(summary.unledgered)}`,
    );
  }
  if (summary.gateway.failed > 0) {
    lines.push(
      `  visits the gateway accepted but could not store: ${number.format(summary.gateway.failed)}`,
    );
  }
  if (!summary.drained) {
    lines.push('  the consumer had not counted everything when the drain timeout passed');
  }
  if (summary.consumerError !== undefined) {
    lines.push(`  the consumer stopped with an error: ${summary.consumerError}`);
  }
  for (const url of summary.urls.slice(0, 10)) {
    lines.push(`  ${url.url}: sent ${url.sent}, counted ${url.counted}`);
  }
  return lines.join('\n');
}
