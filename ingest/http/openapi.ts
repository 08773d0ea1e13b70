// The OpenAPI document is generated from the same zod schemas that validate requests:
// every route registers itself here (method, path, auth, body/query schema, summary), and
// GET /openapi.json renders the registry with zod's own JSON Schema output.
import { z } from 'zod';

export type Auth = 'secret' | 'publishable' | 'none';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono path syntax (/v1/partners/:key); rendered as /v1/partners/{key}. */
  path: string;
  summary: string;
  tag: string;
  auth: Auth;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Success status -> description. */
  responses?: Record<number, string>;
}

export class OpenApiRegistry {
  readonly routes: RouteDoc[] = [];

  add(doc: RouteDoc): RouteDoc {
    this.routes.push(doc);
    return doc;
  }

  document(info: { title: string; version: string }) {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const p = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const params: unknown[] = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      if (r.query) {
        const js = toSchema(r.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, schema] of Object.entries(js.properties ?? {})) {
          params.push({ name, in: 'query', required: (js.required ?? []).includes(name), schema });
        }
      }
      const responses: Record<string, unknown> = {};
      for (const [status, description] of Object.entries(r.responses ?? { 200: 'OK' })) responses[status] = { description };
      responses.default = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      (paths[p] ??= {})[r.method] = {
        summary: r.summary,
        tags: [r.tag],
        security: r.auth === 'secret' ? [{ secretKey: [] }] : r.auth === 'publishable' ? [{ publishableKey: [] }] : [],
        ...(params.length ? { parameters: params } : {}),
        ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } } } : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'Secret key sk_... (server to server only)' },
          publishableKey: { type: 'apiKey', in: 'header', name: 'X-Refstack-Key', description: 'Publishable key pk_... (browser endpoints; also accepted as body field "key")' },
        },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
              },
            },
          },
        },
      },
    };
  }
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  try {
    const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    delete out.$schema;
    return out;
  } catch {
    return {};
  }
}
