import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CloudWatchLogsDataError,
  cloudWatchLogsTransformer,
  decodeCloudWatchLogs,
  runTransformer,
} from '../src/index.js';
import { cloudWatchLogsRecord } from './support/cloudwatch.js';

const events = [
  { id: '1', timestamp: 1704164645000, message: 'START' },
  { id: '2', timestamp: 1704164646000, message: 'charged 42' },
];

describe('CloudWatch Logs', () => {
  it('decodes the gzip envelope', () => {
    const envelope = decodeCloudWatchLogs(cloudWatchLogsRecord('DATA_MESSAGE', events));
    expect(envelope.logGroup).toBe('/aws/lambda/checkout');
    expect(envelope.logEvents).toEqual(events);
  });

  it('throws CloudWatchLogsDataError for data that is not gzip', () => {
    expect(() => decodeCloudWatchLogs(Buffer.from('plain'))).toThrow(CloudWatchLogsDataError);
  });

  it('drops CONTROL_MESSAGE records and joins DATA_MESSAGE events as lines', async () => {
    const out = await runTransformer(cloudWatchLogsTransformer(), [
      cloudWatchLogsRecord('CONTROL_MESSAGE', [
        { id: '0', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health' },
      ]),
      cloudWatchLogsRecord('DATA_MESSAGE', events),
    ]);
    expect(out.map((r) => [r.result, r.text])).toEqual([
      ['Dropped', undefined],
      ['Ok', 'START\ncharged 42\n'],
    ]);
  });

  it('writes one JSON line per log event in ndjson format', async () => {
    const [out] = await runTransformer(cloudWatchLogsTransformer({ format: 'ndjson' }), [
      cloudWatchLogsRecord('DATA_MESSAGE', events),
    ]);
    const lines = out?.text?.split('\n');
    expect(lines?.at(-1)).toBe('');
    expect(JSON.parse(lines?.[1] ?? '')).toEqual({
      id: '2',
      timestamp: 1704164646000,
      message: 'charged 42',
      logGroup: '/aws/lambda/checkout',
      logStream: '2024/01/02/[$LATEST]abc',
    });
  });

  it('maps events with transformLogEvent, leaving out undefined, dropping empty records', async () => {
    const transformer = cloudWatchLogsTransformer({
      transformLogEvent: (event) => (event.message.startsWith('START') ? undefined : event.id),
    });
    const out = await runTransformer(transformer, [
      cloudWatchLogsRecord('DATA_MESSAGE', events),
      cloudWatchLogsRecord('DATA_MESSAGE', [events[0] as (typeof events)[0]]),
    ]);
    expect(out.map((r) => [r.result, r.text])).toEqual([
      ['Ok', '2\n'],
      ['Dropped', undefined],
    ]);
  });

  it('fails records that are not subscription data', async () => {
    const [out] = await runTransformer(cloudWatchLogsTransformer(), ['not gzip']);
    expect(out?.result).toBe('ProcessingFailed');
    expect(out?.reason).toMatch(/^data is not gzip/);
  });

  it('refuses data that inflates past 6,291,456 bytes (a gzip bomb) with a clear reason', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.byteLength).toBeLessThan(100 * 1024);
    expect(() => decodeCloudWatchLogs(bomb)).toThrow(CloudWatchLogsDataError);
    const [out] = await runTransformer(cloudWatchLogsTransformer(), [bomb]);
    expect(out?.result).toBe('ProcessingFailed');
    expect(out?.reason).toBe(
      "data decompresses to more than 6291456 bytes, the limit (Lambda's 6 MB response size)",
    );
  });
});
