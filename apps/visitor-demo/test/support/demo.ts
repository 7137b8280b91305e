import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { readStream } from '../../../../tools/testing/local-kinesis.js';

/**
 * Each URL's distinct visitIds in the stream: what an exact count must say; and per URL, per
 * 10-second window of the visits' timestamps (`"<url> <startMs>"`), what the windows must say.
 */
export async function distinctVisitsPerUrl(
  client: KinesisClient,
  streamName: string,
): Promise<{
  perUrl: Map<string, number>;
  perWindow: Map<string, number>;
  records: number;
  distinct: number;
}> {
  const records = await readStream(client, streamName);
  const decoder = new TextDecoder();
  const ids = new Map<string, { url: string; timestamp: number }>();
  for (const record of records) {
    const visit = JSON.parse(decoder.decode(record.data)) as {
      visitId: string;
      url: string;
      timestamp: number;
    };
    ids.set(visit.visitId, visit);
  }
  const perUrl = new Map<string, number>();
  const perWindow = new Map<string, number>();
  for (const { url, timestamp } of ids.values()) {
    perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
    const key = `${url} ${Math.floor(timestamp / 10_000) * 10_000}`;
    perWindow.set(key, (perWindow.get(key) ?? 0) + 1);
  }
  return { perUrl, perWindow, records: records.length, distinct: ids.size };
}

/** GETs a JSON document. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}
