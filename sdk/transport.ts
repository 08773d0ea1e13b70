// Delivery to the ingest. A string body goes out as `text/plain;charset=UTF-8` (what fetch and
// sendBeacon send for a string), which keeps these requests "simple": no CORS preflight. The
// publishable key rides in the body; `credentials: 'include'` carries the ingest's own
// HttpOnly attribution cookie; `keepalive` lets a request outlive the page.

/** A refused call: the ingest's `{ error: { code, message, field } }` and the HTTP status. */
export interface HttpError extends Error {
  code?: string;
  field?: string;
  status: number;
}

let api: string;
let key: string;

export const initTransport = (ingest: string, publishableKey: string): void => {
  api = ingest + '/v1/';
  key = publishableKey;
};

const text = (body: object): string => JSON.stringify(Object.assign({ key }, body));

/** Hands `body` to sendBeacon (page unload): no answer to see. */
export const beacon = (path: string, body: object): boolean => navigator.sendBeacon(api + path, text(body));

/**
 * POSTs `body` to `path` (below `/v1/`) as JSON text. Resolves the answer's JSON, or `undefined`
 * when a retry may help (5xx, 408, 429); rejects with an `HttpError` (with a `status`) when the
 * ingest refused the call, and with the fetch's own error (no `status`) on a network failure.
 */
export const post = async (path: string, body: object): Promise<any> => {
  const res = await fetch(api + path, { method: 'POST', body: text(body), credentials: 'include', keepalive: true });
  const json = await res.json().catch(Object);
  const s = res.status;
  if (res.ok) return json;
  // 4xx but 408 and 429: refused, no use retrying.
  if (/^4(?!08|29)/.test(s as any)) throw Object.assign(Error(s as any), json.error, { status: s });
};
