import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { readStream } from '../../../../tools/testing/local-kinesis.js';

/** Each URL's distinct visitIds in the stream: what an exact count must say. */
export async function distinctVisitsPerUrl(
  client: KinesisClient,
  streamName: string,
): Promise<{ perUrl: Map<string, number>; records: number; distinct: number }> {
  const records = await readStream(client, streamName);
  const decoder = new TextDecoder();
  const ids = new Map<string, string>();
  for (const record of records) {
    const visit = JSON.parse(decoder.decode(record.data)) as { visitId: string; url: string };
    ids.set(visit.visitId, visit.url);
  }
  const perUrl = new Map<string, number>();
  for (const url of ids.values()) perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
  return { perUrl, records: records.length, distinct: ids.size };
}

/** GETs a JSON document. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}
