import { KinesisKitError } from '@kinesis-kit/records';

/** Codes of {@link VisitorDemoError}. */
export const VisitorDemoErrorCode = {
  /** A state file (counter state, ledger) is not what the demo wrote: torn, edited, foreign. */
  StateCorrupt: 'StateCorrupt',
  /** The data dir has checkpoints but no counter state: counting would start mid-stream. */
  StateMissing: 'StateMissing',
  /** The dashboard's port cannot be bound (in use, say). */
  ListenFailed: 'ListenFailed',
  /** The stream does not exist and the demo was not asked to create it. */
  StreamNotFound: 'StreamNotFound',
  /**
   * The state dir's counter state, checkpoints and ledger belong to another stream (recreated,
   * its endpoint's data lost, another endpoint or region): delete the folder the message names.
   */
  StreamMismatch: 'StreamMismatch',
  /** Another demo (a running process) uses the same state dir. */
  StateDirLocked: 'StateDirLocked',
} as const;
export type VisitorDemoErrorCode = (typeof VisitorDemoErrorCode)[keyof typeof VisitorDemoErrorCode];

/** The demo's base error. */
export class VisitorDemoError extends KinesisKitError {
  override readonly name: string = 'VisitorDemoError';
  declare readonly code: VisitorDemoErrorCode;

  constructor(code: VisitorDemoErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}
