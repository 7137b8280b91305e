import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseCliArgs, UsageError } from '../src/index.js';

describe('the command line', () => {
  it('runs locally with the defaults', () => {
    expect(parseCliArgs([], {})).toEqual({
      port: 3000,
      gatewayPort: DEFAULTS.gatewayPort,
      host: '127.0.0.1',
      ratePerSec: 2000,
      urlCount: 200,
      durationSeconds: undefined,
      dataDir: undefined,
      streamName: 'visitor-counts',
      shardCount: 2,
      aws: false,
      createStream: false,
      simulator: true,
      seed: undefined,
      alertThreshold: 4000,
    });
  });

  it('takes every flag', () => {
    const settings = parseCliArgs(
      [
        '--port',
        '0',
        '--rate',
        '50',
        '--urls',
        '10',
        '--duration',
        '3',
        '--data-dir',
        '/tmp/x',
        '--alert-threshold',
        '120',
      ],
      {},
    );
    expect(settings).toMatchObject({
      alertThreshold: 120,
      port: 0,
      ratePerSec: 50,
      urlCount: 10,
      durationSeconds: 3,
      dataDir: '/tmp/x',
    });
    expect(parseCliArgs(['--aws', '--create-stream', '--no-simulator'], {})).toMatchObject({
      aws: true,
      createStream: true,
      simulator: false,
    });
  });

  it('uses AWS when AWS_ENDPOINT_URL_KINESIS is set', () => {
    expect(parseCliArgs([], { AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567' })?.aws).toBe(true);
  });

  it('returns nothing for --help and refuses bad values', () => {
    expect(parseCliArgs(['--help'], {})).toBeUndefined();
    expect(() => parseCliArgs(['--rate', 'fast'], {})).toThrow(UsageError);
    expect(() => parseCliArgs(['--port', '70000'], {})).toThrow(/--port must be an integer/);
    expect(() => parseCliArgs(['--colour'], {})).toThrow(UsageError);
  });

  it('refuses more --urls than the counter tracks: they could never reconcile', () => {
    expect(parseCliArgs(['--urls', String(DEFAULTS.maxTrackedUrls)], {})?.urlCount).toBe(
      DEFAULTS.maxTrackedUrls,
    );
    expect(() => parseCliArgs(['--urls', String(DEFAULTS.maxTrackedUrls + 1)], {})).toThrow(
      UsageError,
    );
    expect(() => parseCliArgs(['--urls', '1000000'], {})).toThrow(
      /--urls must be at most 100000, the URLs the counter tracks/,
    );
    expect(() => parseCliArgs(['--urls', '0'], {})).toThrow(/--urls must be an integer from 1/);
  });
});
