import type { SourcePosition } from '../errors.js';
import type { Identifier } from '../sql/ast.js';
import type { StagePlan, StreamPlan, TimeDomain } from './query-plan.js';

/** What the SELECT planners need from the query planner that runs them. */
export interface PlannerContext {
  readonly dialect: 'kda' | 'flink' | 'standard';
  /** A fresh number for a stage (keys of values it computes are unique per stage). */
  nextStageNumber(): number;
  /** A fresh id for an anonymous stream (a subquery's result). */
  anonymousStreamId(): string;
  addStage(stage: StagePlan): void;
  /** Registers a stream written by a stage; a second writer must agree on columns. */
  addStream(stream: StreamPlan, position: SourcePosition): StreamPlan;
  /** The stream a FROM names; throws SqlValidationError listing the streams there are. */
  findStream(name: Identifier): StreamPlan;
  /** Whether `stream` is the source and its columns are unknown (no schema: any name is ANY). */
  isOpen(stream: StreamPlan): boolean;
  /** Told which columns a query reads (the source decoder skips the others). */
  onUse(stream: StreamPlan): ((key: string) => void) | undefined;
  /**
   * The time domain of a window's time column (`DESCRIPTOR(ts)`, `STEP(ts BY ...)`, `ORDER BY ts`):
   * `ROWTIME` is processing time; the source's watermarked column is event time. Throws
   * SqlValidationError for a column that is not a time attribute.
   */
  timeDomainOf(
    stream: StreamPlan,
    key: string,
    position: SourcePosition,
    columnName: string,
  ): TimeDomain;
}
