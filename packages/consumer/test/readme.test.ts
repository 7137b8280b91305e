import { expect, it } from 'vitest';
import { runReadmeExample } from '../../../tools/testing/readme-example.js';

it('runs the README example and prints what its comments say', async () => {
  const run = await runReadmeExample(new URL('../', import.meta.url), '@kinesis-kit/consumer');
  expect(run.source).toContain('new KinesisConsumer');
  expect(run.expected.length).toBeGreaterThan(0);
  expect(run.printed).toEqual(run.expected);
});
