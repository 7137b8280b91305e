import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsLogEvent } from 'aws-lambda';

/** What a CloudWatch Logs subscription writes to Firehose: gzip of the JSON envelope. */
export function cloudWatchLogsRecord(
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE',
  logEvents: CloudWatchLogsLogEvent[],
): Buffer {
  return gzipSync(
    JSON.stringify({
      messageType,
      owner: '123456789012',
      logGroup: '/aws/lambda/checkout',
      logStream: '2024/01/02/[$LATEST]abc',
      subscriptionFilters: ['to-firehose'],
      logEvents,
    }),
  );
}
