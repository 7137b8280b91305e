import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../src/cli-args.js';

describe('parseCliArgs', () => {
  it('starts a local endpoint with a one-shard stream when neither --aws nor the endpoint variable is set', () => {
    expect(parseCliArgs(['--stream', 'visitor-counts'], {})).toEqual({
      stream: 'visitor-counts',
      host: '127.0.0.1',
      port: 8080,
      createStreamShards: 1,
      aws: false,
      bodyLimitBytes: 1048576,
    });
  });

  it('uses AWS when AWS_ENDPOINT_URL_KINESIS is set or --aws is given, creating nothing unless asked', () => {
    const env = { AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567' };
    expect(parseCliArgs(['--stream', 's'], env)).toMatchObject({
      aws: true,
      createStreamShards: undefined,
    });
    expect(parseCliArgs(['--stream', 's', '--aws', '--create-stream', '4'], {})).toMatchObject({
      aws: true,
      createStreamShards: 4,
    });
  });

  it('reads --port, --host and --body-limit-bytes', () => {
    const settings = parseCliArgs(
      ['--stream', 's', '--port', '0', '--host', '0.0.0.0', '--body-limit-bytes', '2048'],
      {},
    );
    expect(settings).toMatchObject({ port: 0, host: '0.0.0.0', bodyLimitBytes: 2048 });
  });

  it('refuses a missing stream, bad numbers and unknown flags with a UsageError', () => {
    expect(() => parseCliArgs([], {})).toThrow(new UsageError('--stream <name> is required'));
    expect(() => parseCliArgs(['--stream', 's', '--port', '80a'], {})).toThrow(
      /--port must be an integer from 0 to 65535/,
    );
    expect(() => parseCliArgs(['--stream', 's', '--create-stream', '0'], {})).toThrow(UsageError);
    expect(() => parseCliArgs(['--stream', 's', '--verbose'], {})).toThrow(UsageError);
  });

  it('returns nothing for --help', () => {
    expect(parseCliArgs(['--help'], {})).toBeUndefined();
  });
});
