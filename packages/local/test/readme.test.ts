import { expect, it } from 'vitest';
import { runReadmeExample } from '../../../tools/testing/readme-example.js';

it('runs the README example and prints what its comments say', async () => {
  const run = await runReadmeExample(new URL('../', import.meta.url), '@kinesis-kit/local');
  expect(run.source).toContain('startLocalKinesis');
  expect(run.expected.length).toBeGreaterThan(0);
  expect(run.printed).toEqual(run.expected);
});

it('runs the README fault injection example and prints what its comments say', async () => {
  const run = await runReadmeExample(
    new URL('../', import.meta.url),
    '@kinesis-kit/local',
    'Fault injection',
  );
  expect(run.expected.length).toBe(2);
  expect(run.printed).toEqual(run.expected);
});
