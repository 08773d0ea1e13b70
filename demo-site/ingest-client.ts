// The demo vendor's server-side client for the ingest API: every call sends the secret key
// as a Bearer token and never throws; a failure comes back as { ok: false, error } so a page
// can show it instead of crashing. `fetch` is swappable so seeding can run in-process
// (app.request) as well as over the network.

export type FetchLike = (url: string, init?: RequestInit) => Response | Promise<Response>;

export interface IngestClientOptions {
  /** Base URL the vendor's server reaches the ingest at, e.g. http://127.0.0.1:8787 */
  baseUrl: string;
  /** The program's secret key (sk_...). */
  secretKey: string;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** Per-request time limit. @default 5000 */
  timeoutMs?: number;
}

export interface ApiFailure {
  /** HTTP status, or 0 when the ingest could not be reached. */
  status: number;
  code: string;
  message: string;
}

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ApiFailure };

export interface IngestClient {
  get<T = any>(path: string): Promise<ApiResult<T>>;
  post<T = any>(path: string, body: unknown): Promise<ApiResult<T>>;
  patch<T = any>(path: string, body: unknown): Promise<ApiResult<T>>;
}

export function createIngestClient(opts: IngestClientOptions): IngestClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const doFetch: FetchLike = opts.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = opts.timeoutMs ?? 5000;

  async function call<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.secretKey}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, status: 0, error: { status: 0, code: 'unreachable', message: `Could not reach the ingest at ${base}: ${message}` } };
    }
    let parsed: any = null;
    const text = await res.text().catch(() => '');
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (res.ok) return { ok: true, status: res.status, data: parsed as T };
    const e = parsed?.error;
    return {
      ok: false,
      status: res.status,
      error: {
        status: res.status,
        code: typeof e?.code === 'string' ? e.code : `http_${res.status}`,
        message: typeof e?.message === 'string' ? e.message : text.slice(0, 200) || res.statusText,
      },
    };
  }

  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    patch: (path, body) => call('PATCH', path, body),
  };
}
