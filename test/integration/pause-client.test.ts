import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerError, createSilencesClient, pausesOf, type SilencesClient } from '../../src/silences/index.js';
import { startAlertmanager, type TestAlertmanager } from '../helpers/alertmanager.js';
import { freePort } from '../helpers/ports.js';

// The API v2 client against a real Alertmanager 0.25, and its errors against real sockets.
let am: TestAlertmanager;
let client: SilencesClient;
let odd: Server;
let oddUrl: string;

beforeAll(async () => {
  am = await startAlertmanager();
  client = createSilencesClient({ url: `${am.url}/`, timeoutMs: 2_000 });
  // Not an Alertmanager: answers JSON of the wrong shape, or never answers at all.
  odd = createServer((req, res) => {
    if (req.url?.startsWith('/hang')) return; // keeps the socket open, no answer
    res.setHeader('content-type', 'application/json');
    res.end(req.method === 'GET' ? '{"data":[]}' : 'not json');
  });
  await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
  oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
});

afterAll(async () => {
  odd?.closeAllConnections();
  await new Promise((r) => odd?.close(r));
  await am?.stop();
});

const inAnHour = () => ({ startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString() });

describe('SilencesClient against Alertmanager 0.25', () => {
  it('create → list shows it active → expire → list shows it expired', async () => {
    const window = inAnHour();
    const id = await client.create({
      matchers: [{ name: 'pool', value: 'demo', isRegex: false, isEqual: true }],
      ...window,
      createdBy: 'test',
      comment: 'client test',
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const listed = (await client.list()).find((s) => s.id === id)!;
    expect(listed).toMatchObject({
      status: { state: 'active' },
      createdBy: 'test',
      comment: 'client test',
      endsAt: window.endsAt,
      matchers: [{ name: 'pool', value: 'demo', isRegex: false, isEqual: true }],
    });
    expect(pausesOf('demo', [listed], Date.now())).toHaveLength(1);
    await client.expire(id);
    expect((await client.list()).find((s) => s.id === id)!.status.state).toBe('expired');
    await client.expire(id); // expiring an expired silence succeeds
  });

  it('Alertmanager refusing a silence → AlertmanagerError http with status and body', async () => {
    const err = await client
      .create({
        matchers: [{ name: 'pool', value: 'demo', isRegex: false, isEqual: true }],
        startsAt: '2020-01-01T00:00:00Z',
        endsAt: '2020-01-02T00:00:00Z',
        createdBy: 't',
        comment: 'past',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertmanagerError);
    expect(err).toMatchObject({
      kind: 'http',
      method: 'POST',
      url: `${am.url}/api/v2/silences`,
      status: 400,
      body: expect.stringContaining("end time can't be in the past"),
    });
  });

  it('expiring an unknown id → AlertmanagerError that knows it is not found', async () => {
    const err = (await client.expire('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e)) as AlertmanagerError;
    expect(err).toBeInstanceOf(AlertmanagerError);
    expect(err.notFound).toBe(true);
  });
});

describe('SilencesClient failures carry context', () => {
  it('nothing listening → unreachable, naming the URL and the cause', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = (await createSilencesClient({ url })
      .list()
      .catch((e: unknown) => e)) as AlertmanagerError;
    expect(err).toMatchObject({
      kind: 'unreachable',
      url: `${url}/api/v2/silences`,
      message: `Alertmanager at ${url} is unreachable (GET /api/v2/silences: ECONNREFUSED)`,
    });
  });

  it('no answer within timeoutMs → unreachable, quickly', async () => {
    const started = Date.now();
    const err = (await createSilencesClient({ url: `${oddUrl}/hang`, timeoutMs: 200 })
      .list()
      .catch((e: unknown) => e)) as AlertmanagerError;
    expect(err).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('no answer within 200 ms') });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a 2xx of the wrong shape → invalid_response with the problem and a body excerpt', async () => {
    const err = (await createSilencesClient({ url: oddUrl })
      .list()
      .catch((e: unknown) => e)) as AlertmanagerError;
    expect(err).toMatchObject({
      kind: 'invalid_response',
      status: 200,
      body: '{"data":[]}',
      message: expect.stringContaining('is not API v2'),
    });
    const notJson = (await createSilencesClient({ url: oddUrl })
      .create({ matchers: [], ...inAnHour(), createdBy: 'a', comment: 'b' })
      .catch((e: unknown) => e)) as AlertmanagerError;
    expect(notJson).toMatchObject({ kind: 'invalid_response', message: expect.stringContaining('not JSON') });
  });

  it('credentials in alertmanager.url become Basic auth and never appear in errors', async () => {
    const port = await freePort();
    const err = (await createSilencesClient({ url: `http://ops:hunter2@127.0.0.1:${port}` })
      .list()
      .catch((e: unknown) => e)) as AlertmanagerError;
    expect(err.kind).toBe('unreachable');
    expect(`${err.message} ${err.url}`).not.toContain('hunter2');
  });
});
