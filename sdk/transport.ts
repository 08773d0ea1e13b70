// Delivery to the ingest. A string body goes out as `text/plain;charset=UTF-8` (the fetch and
// beacon default for strings), which keeps these requests "simple": no CORS preflight. The
// publishable key rides in the body; `credentials: 'include'` carries the ingest's own
// HttpOnly attribution cookie.

export interface HttpError extends Error {
  code?: string;
  status?: number;
  /** The ingest refused the call (4xx other than 408/429): retrying cannot help. */
  final?: boolean;
}

/** POSTs `body` as JSON text; resolves the answer's JSON, rejects with an `HttpError`. */
export const post = (url: string, body: object): Promise<any> =>
  new Promise<Response>((resolve) =>
    resolve(fetch(url, { method: 'POST', body: JSON.stringify(body), credentials: 'include', keepalive: true })),
  ).then((res) =>
    res.json().catch(() => ({})).then((json) => {
      if (res.ok) return json;
      const s = res.status;
      const e = json.error || {};
      throw Object.assign(Error(e.message || 'HTTP ' + s), {
        code: e.code,
        status: s,
        final: s < 500 && s != 408 && s != 429,
      });
    }),
  );

/** Queues `body` for delivery even as the page goes away; delivery cannot be confirmed. */
export const beacon = (url: string, body: object): void => {
  try {
    navigator.sendBeacon(url, JSON.stringify(body));
  } catch (e) {
    // no sendBeacon: the outbox keeps the call for the next page load
  }
};
