/**
 * kinesis-kit's KinesisProducer, with its defaults but for the buffer, which holds what the
 * scenario gives every subject (about a second of what the shards take).
 */
import { KinesisProducer } from '@kinesis-kit/producer';

/**
 * @param {boolean} aggregation
 * @returns {import('../subjects.js').Subject}
 */
export function kinesisKitSubject(aggregation) {
  return {
    id: aggregation ? 'kinesis-kit (aggregation)' : 'kinesis-kit (no aggregation)',
    name: 'kinesis-kit',
    family: aggregation ? 'aggregated' : 'plain',
    label: 'kinesis-kit',
    library: '@kinesis-kit/producer',
    how: `KinesisProducer, aggregation ${aggregation ? 'on' : 'off'}, defaults otherwise`,
    packing: aggregation ? 'aggregated' : 'plain',
    start({ client, stream, bufferRecords }) {
      const producer = new KinesisProducer({
        client,
        streamName: stream,
        aggregation,
        maxBufferedRecords: bufferRecords,
      });
      return {
        put: (record) => producer.put(record),
        close: () => producer.close(),
        diagnostics() {
          // The share of each shard's limits the producer allows itself (1 = all of it).
          const factors = Object.values(producer.metrics().shards).map((shard) => shard.rateFactor);
          return {
            rateFactor: factors.reduce((sum, factor) => sum + factor, 0) / (factors.length || 1),
            minRateFactor: Math.min(...factors),
          };
        },
      };
    },
  };
}
