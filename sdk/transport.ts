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

/**
 * POSTs `body` as JSON text. Resolves the answer's JSON, or `undefined` when a retry may help
 * (no network, 5xx, 408, 429); rejects with an `HttpError` when the ingest refused the call.
 */
export const post = async (url: string, body: object): Promise<any> => {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body: JSON.stringify(body), credentials: 'include', keepalive: true });
  } catch (e) {
    return;
  }
  const json = await res.json().catch(Object);
  const s = res.status;
  if (res.ok) return json;
  if (s < 500 && s != 408 && s != 429) throw Object.assign(Error(s as any), json.error, { status: s });
};
