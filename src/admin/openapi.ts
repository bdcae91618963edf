import type { RouteSpec } from './http.js';
import { apiErrors } from '../errors/catalogue.js';

/**
 * The OpenAPI 3.1 document, written from the same JSON schemas fastify validates with, so the
 * document cannot drift from what the server accepts.
 */
export class OpenApiCollector {
  private readonly routes: RouteSpec[] = [];

  add(spec: RouteSpec): void {
    this.routes.push(spec);
  }

  document(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      paths[path] ??= {};
      paths[path][r.method.toLowerCase()] = operation(r);
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Mailwarden admin API',
        version,
        description:
          'Administration of the Mailwarden gateway. Sign in with POST /api/session; the session cookie is HttpOnly and SameSite=Strict. ' +
          'Every state-changing request must be JSON and carry the csrfToken from GET /api/session in the X-CSRF-Token header. ' +
          'Errors are {error:{code,message:{en,ja},fix?:{en,ja},details?}}.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: '__Host-mw_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
        schemas: {
          Error: {
            type: 'object',
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: {
                  code: { type: 'string', enum: Object.keys(apiErrors) },
                  message: { $ref: '#/components/schemas/Text' },
                  fix: { $ref: '#/components/schemas/Text' },
                  details: {},
                },
              },
            },
          },
          Text: { type: 'object', required: ['en', 'ja'], properties: { en: { type: 'string' }, ja: { type: 'string' } } },
        },
      },
      paths,
    };
  }
}

function operation(r: RouteSpec): Record<string, unknown> {
  const parameters = [
    ...schemaParams(r.params, 'path'),
    ...schemaParams(r.querystring, 'query'),
  ];
  const unsafe = r.method !== 'GET';
  const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    summary: r.summary,
    'x-summary-ja': r.summaryJa,
    tags: [r.tag],
    'x-permission': r.permission,
    ...(r.permission ? { security: [unsafe ? { session: [], csrf: [] } : { session: [] }] } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
    responses: {
      200: { description: 'OK', content: { [r.produces ?? 'application/json']: {} } },
      400: { description: 'Invalid request', ...errorRef },
      401: { description: 'Not signed in or session expired', ...errorRef },
      403: { description: 'Role lacks the permission, or CSRF token missing', ...errorRef },
    },
  };
}

function schemaParams(schema: Record<string, unknown> | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  const props = (schema?.properties ?? {}) as Record<string, unknown>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}
