export { urlCatalogue, ZipfSampler } from './catalogue.js';
export { type CliSettings, parseCliArgs, USAGE, UsageError } from './cli-args.js';
export { CountingConsumer, type CountingConsumerOptions } from './counting-consumer.js';
export { DashboardServer, type DashboardSource } from './dashboard/server.js';
export { DEFAULTS, SHARD_WRITE_LIMITS } from './defaults.js';
export {
  type DashboardSnapshot,
  startVisitorDemo,
  type VisitorDemo,
  type VisitorDemoOptions,
  type VisitorDemoSummary,
} from './demo.js';
export { VisitorDemoError, VisitorDemoErrorCode } from './errors.js';
export { type InDoubtBatch, Ledger, type LedgerVisit } from './ledger.js';
export {
  hotUrlsSql,
  type VisitQueryOptions,
  type VisitRow,
  type WindowCountRow,
  windowCountsSql,
} from './queries.js';
export { type Reconciliation, reconcile, type UrlReconciliation } from './reconcile.js';
export { Simulator, type SimulatorMetrics, type SimulatorOptions } from './simulator.js';
export { formatSummary } from './summary.js';
export {
  type VisitAlert,
  VisitAnalytics,
  type VisitAnalyticsOptions,
  type VisitAnalyticsStats,
} from './visit-analytics.js';
export {
  type CounterStats,
  type ShardPosition,
  type UrlCount,
  VisitCounter,
  type VisitCounterOptions,
} from './visit-counter.js';
export { type WindowCount, WindowCounts } from './window-counts.js';
