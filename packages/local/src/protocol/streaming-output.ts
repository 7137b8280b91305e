import type { AnyRequest, AnyResponse } from '../http/dual-protocol-server.js';
import type { WireFormat } from './wire-format.js';

/**
 * What an operation returns instead of a body when its answer is a stream of messages
 * (SubscribeToShard): it writes the response itself, for as long as it lasts.
 */
export interface StreamingOutput {
  readonly streaming: true;
  start(request: AnyRequest, response: AnyResponse, format: WireFormat, requestId: string): void;
}

export function isStreamingOutput(output: object): output is StreamingOutput {
  return (output as Partial<StreamingOutput>).streaming === true;
}
