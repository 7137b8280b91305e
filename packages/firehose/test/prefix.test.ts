import { describe, expect, it } from 'vitest';
import { compilePrefix } from '../src/destinations/s3/prefix.js';
import { compileTimestampPattern } from '../src/destinations/s3/timestamp-pattern.js';
import { PrefixExpressionError, s3Directory } from '../src/index.js';

const time = Date.UTC(2024, 0, 2, 3, 4, 5);

describe('timestamp patterns', () => {
  it('formats yyyy, MM, dd, HH, mm, ss in UTC with literal text', () => {
    const format = compileTimestampPattern("'year='yyyy/'month='MM/dd-HH:mm:ss''");
    expect(format(time)).toBe("year=2024/month=01/02-03:04:05'");
  });

  it('reads doubled quotes as DateTimeFormatter does, inside and outside quoted text', () => {
    expect(compileTimestampPattern("'it''s'-yyyy")(time)).toBe("it's-2024");
    expect(compileTimestampPattern("yyyy''MM")(time)).toBe("2024'01");
  });

  it.each(['yyyy-ww', 'yy', 'EEE', "'open", 'yyyy[MM]', "'it''s", ''])(
    'rejects %s with a clear error',
    (pattern) => {
      expect(() => compileTimestampPattern(pattern)).toThrow(PrefixExpressionError);
    },
  );

  it('names the unsupported letters and what is supported', () => {
    expect(() => compileTimestampPattern('yyyy-ww')).toThrow(
      'timestamp pattern "yyyy-ww" uses "ww"; supported are yyyy, MM, dd, HH, mm, ss and quoted text',
    );
  });
});

describe('prefixes', () => {
  it('appends !{timestamp:yyyy/MM/dd/HH/} to a prefix without a timestamp', () => {
    const prefix = compilePrefix('logs/', 'prefix');
    expect(prefix.evaluate({ timeMs: time })).toBe('logs/2024/01/02/03/');
  });

  it('evaluates random strings, error output types and Lambda partition keys', () => {
    const prefix = compilePrefix(
      'c=!{partitionKeyFromLambda:customer}/!{firehose:random-string}/',
      'prefix',
    );
    expect(prefix.evaluate({ timeMs: time, partitionKeys: { customer: 'acme' } })).toMatch(
      /^c=acme\/[A-Za-z0-9]{11}\/2024\/01\/02\/03\/$/,
    );
    const errors = compilePrefix('err/!{firehose:error-output-type}/', 'errorOutputPrefix');
    expect(errors.evaluate({ timeMs: time, errorOutputType: 'processing-failed' })).toBe(
      'err/processing-failed/2024/01/02/03/',
    );
  });

  it.each([
    ['prefix', '!{firehose:error-output-type}/', /only allowed in the error output prefix/],
    ['errorOutputPrefix', '!{partitionKeyFromLambda:k}/', /not allowed in the error output/],
    ['prefix', '!{partitionKeyFromQuery:k}/', /inline jq/],
    ['prefix', '!{nope:x}/', /unknown expression !\{nope:x\}/],
    ['prefix', 'a/!{timestamp:yyyy', /unclosed/],
  ] as const)('rejects in %s: %s', (kind, text, message) => {
    expect(() => compilePrefix(text, kind)).toThrow(message);
  });

  it('requires an error output prefix when the prefix has expressions', () => {
    expect(() => s3Directory({ root: '/tmp/x', prefix: '!{timestamp:yyyy}/' })).toThrow(
      /errorOutputPrefix is required/,
    );
  });

  it('rejects a prefix that evaluates to more than 512 characters', () => {
    expect(() => s3Directory({ root: '/tmp/x', prefix: `${'a'.repeat(510)}/` })).toThrow(
      /evaluates to 525 characters, over the limit of 512/,
    );
  });

  it.each([
    [{ prefix: '/logs/' }, 'prefix', 'starts with "/"'],
    [{ prefix: '../outside/' }, 'prefix', 'has a ".." path segment'],
    [{ prefix: 'logs/./x/' }, 'prefix', 'has a "." path segment'],
    [{ prefix: 'logs//' }, 'prefix', 'has an empty path segment'],
    [{ prefix: '.firehose-tmp/' }, 'prefix', 'is inside the reserved .firehose-tmp/'],
    [{ errorOutputPrefix: '../errors/' }, 'errorOutputPrefix', 'has a ".." path segment'],
    [
      {
        prefix: '../!{partitionKeyFromLambda:k}/',
        errorOutputPrefix: 'e/',
        dynamicPartitioning: {},
      },
      'prefix',
      'has a ".." path segment',
    ],
  ])('refuses %j at creation, not at every delivery', (options, kind, why) => {
    const create = () => s3Directory({ root: '/tmp/x', ...options });
    expect(create).toThrow(PrefixExpressionError);
    expect(create).toThrow(
      new RegExp(`^${kind} evaluates to .*${why.replace(/[.*()/]/g, '\\$&')}`),
    );
  });

  it('accepts prefixes whose keys a directory holds as they are', () => {
    expect(() => s3Directory({ root: '/tmp/x', prefix: 'logs/v1.2/' })).not.toThrow();
    expect(() => s3Directory({ root: '/tmp/x', prefix: 'logs' })).not.toThrow();
    expect(() => s3Directory({ root: '/tmp/x', errorOutputPrefix: 'e/..x/' })).not.toThrow();
  });
});
