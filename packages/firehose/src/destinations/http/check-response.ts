/**
 * What is wrong with a 200 response body per the spec (JSON `{ requestId, timestamp }` with
 * the request's id and a numeric timestamp), or `undefined` when it conforms.
 *
 * @example
 * ```ts
 * checkResponse('{"requestId":"r1","timestamp":1}', 'r1'); // undefined
 * ```
 */
export function checkResponse(text: string, requestId: string): string | undefined {
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    return `the response body is not JSON: ${text.slice(0, 1024)}`;
  }
  if (typeof response !== 'object' || response === null) {
    return 'the response body is not a JSON object';
  }
  const { requestId: echoed, timestamp } = response as Record<string, unknown>;
  if (echoed !== requestId) {
    return `the response requestId ${String(echoed)} does not match ${requestId}`;
  }
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    return 'the response has no numeric timestamp';
  }
  return undefined;
}
