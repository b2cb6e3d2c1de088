/**
 * The receiver's OpenAPI document: a well-formed OpenAPI 3.0 document (structure checked here, as no
 * OpenAPI meta-schema ships offline), its schemas usable as JSON Schema (ajv) and accepting what
 * the receiver really sends and receives, every route of the app under /v1 documented (so a new
 * route without docs fails), and served without a token while the rest of /v1 needs one.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createReceiver } from '../../src/receiver/app.js';
import { errorBody } from '../../src/receiver/errors.js';
import { buildOpenApiDocument } from '../../src/receiver/openapi.js';
import { toEntry } from '../../src/state/audit-entry.js';

const doc = buildOpenApiDocument() as any;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const config = parseConfig('pools:\n  demo:\n    min: 1\n    max: 3\n    executor: { kind: pm2, app: demo }\n', 'test.yml');
// Never connects: building the app and answering 401 / the document touch no Redis.
const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
const receiver = createReceiver({
  config,
  redis,
  executors: new Map(),
  logger: pino({ level: 'silent' }),
  token: 'secret',
  silences: null,
});
afterAll(() => redis.disconnect());

/** Every `$ref` anywhere in `value`. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ path, method, op })),
  );

describe('OpenAPI document structure', () => {
  it('is OpenAPI 3.0 with info, servers, a bearer scheme required by default', () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(doc.components.securitySchemes.bearerAuth).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
  });

  it('every path starts with / and holds only operations, each with responses that have descriptions', () => {
    expect(operations().length).toBeGreaterThanOrEqual(11);
    for (const [path, item] of Object.entries(doc.paths as Record<string, object>)) {
      expect(path).toMatch(/^\//);
      expect(
        Object.keys(item).every((k) => METHODS.includes(k) || k === 'parameters'),
        path,
      ).toBe(true);
    }
    for (const { path, method, op } of operations()) {
      const codes = Object.keys(op.responses ?? {});
      expect(codes.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const code of codes) {
        expect(code, `${method} ${path}`).toMatch(/^([1-5]\d\d|default)$/);
        expect(op.responses[code].description, `${method} ${path} ${code}`).toEqual(expect.any(String));
      }
      expect(
        codes.some((c) => c.startsWith('2')),
        `${method} ${path} has a success response`,
      ).toBe(true);
      expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
    }
  });

  it('path parameters and {templates} agree', () => {
    for (const { path, method, op } of operations()) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path');
      expect(declared.map((p: any) => p.name).sort(), `${method} ${path}`).toEqual(templated);
      for (const p of declared) expect(p.required).toBe(true);
    }
  });

  it('every $ref resolves to a component', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(10);
    for (const ref of all) {
      const [, kind, name] = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref) ?? [];
      expect(doc.components?.[kind!]?.[name!], ref).toBeDefined();
    }
  });

  it('documents the real request schemas (webhook, manual scale, pause, audit query) and the error shape', () => {
    const body = (path: string, method: string) => doc.paths[path][method].requestBody.content['application/json'].schema.$ref;
    expect(body('/v1/alertmanager', 'post')).toBe('#/components/schemas/AlertmanagerWebhook');
    expect(body('/v1/pools/{pool}/scale', 'post')).toBe('#/components/schemas/ManualScaleRequest');
    expect(body('/v1/pools/{pool}/pause', 'post')).toBe('#/components/schemas/PauseRequest');
    expect(doc.components.schemas.ManualScaleRequest).toMatchObject({ required: ['replicas', 'reason'], additionalProperties: false });
    expect([...doc.components.schemas.PauseRequest.required].sort()).toEqual(['comment', 'duration']);
    const query = doc.paths['/v1/audit'].get.parameters
      .filter((p: any) => p.in === 'query')
      .map((p: any) => p.name)
      .sort();
    expect(query).toEqual(['cursor', 'limit', 'outcome', 'pool', 'since', 'until']);
    expect(doc.paths['/v1/pools/{pool}/pause'].post.responses['201'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/PauseResponse',
    );
    expect(doc.paths['/v1/pools/{pool}'].get.responses['404'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
  });
});

describe('schemas are JSON Schema that accept the real payloads', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(doc, 'openapi');
  const validator = (name: string) => {
    const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return (value: unknown) => (validate(value) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));
  };

  it('every schema in the document compiles (components, request bodies, parameters, responses)', () => {
    const pointer = (...parts: string[]) => `openapi#/${parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
    const schemas: string[] = Object.keys(doc.components.schemas).map((name) => pointer('components', 'schemas', name));
    for (const { path, method, op } of operations()) {
      for (const [type] of Object.entries(op.requestBody?.content ?? {}))
        schemas.push(pointer('paths', path, method, 'requestBody', 'content', type, 'schema'));
      (op.parameters ?? []).forEach((_: unknown, i: number) =>
        schemas.push(pointer('paths', path, method, 'parameters', String(i), 'schema')),
      );
      for (const [code, response] of Object.entries(op.responses as Record<string, any>)) {
        for (const type of Object.keys(response.content ?? {}))
          schemas.push(pointer('paths', path, method, 'responses', code, 'content', type, 'schema'));
      }
    }
    expect(schemas.length).toBeGreaterThan(40);
    for (const ref of schemas) expect(() => ajv.getSchema(ref), ref).not.toThrow();
    for (const ref of schemas) expect(ajv.getSchema(ref), ref).toBeTypeOf('function');
  });

  it("Alertmanager 0.25's captured webhook body", () => {
    const body = JSON.parse(readFileSync(new URL('../fixtures/alertmanager-0.25-firing.json', import.meta.url), 'utf8'));
    expect(validator('AlertmanagerWebhook')(body)).toEqual([]);
    expect(validator('AlertmanagerWebhook')({ ...body, version: '3' })).not.toEqual([]);
  });

  it('an audit entry as toEntry builds it, running and done', () => {
    const record = {
      time: '2026-11-23T06:00:00.000Z',
      pool: 'demo',
      scale: 'up' as const,
      from: 1,
      to: 3,
      outcome: 'scaled' as const,
      reason: 'r',
      alerts: [{ alertname: 'A', fingerprint: 'f', status: 'firing' as const, startsAt: '2026-11-23T05:59:00Z', generatorURL: '' }],
      actor: 'alertmanager' as const,
      requestId: 'req',
      executing: true,
    };
    const entry = validator('AuditEntry');
    expect(entry(toEntry('1-0', record, undefined))).toEqual([]);
    expect(
      entry(
        toEntry('1-0', record, {
          outcome: 'failed',
          argv: ['pm2', 'scale', 'demo', '3'],
          exitCode: 1,
          durationMs: 12,
          timedOut: false,
          outputTail: 'x',
          error: 'pm2 exited with code 1',
        }),
      ),
    ).toEqual([]);
    expect(entry({ ...toEntry('1-0', record, undefined), outcome: 'exploded' })).not.toEqual([]);
  });

  it('the error body of every endpoint', () => {
    expect(validator('Error')(errorBody('unknown_pool', 'no such pool', { known: ['demo'] }))).toEqual([]);
    expect(validator('Error')({ message: 'flat' })).not.toEqual([]);
  });
});

describe('the app and the document agree', () => {
  it('every route the app registers under /v1 (and health) is documented, with its method', () => {
    const routes = receiver.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    const documented = new Set(operations().map(({ path, method }) => `${method} ${path}`));
    expect(routes.filter((r) => r.includes(' /v1/')).length).toBeGreaterThanOrEqual(8);
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('serves the document at /v1/openapi.json without a token; the rest of /v1 still needs one', async () => {
    const res = await receiver.app.request('/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    expect((await receiver.app.request('/v1/pools')).status).toBe(401);
    expect((await receiver.app.request('/v1/audit')).status).toBe(401);
  });
});
