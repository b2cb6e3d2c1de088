import { describe, expect, it } from 'vitest';
import { AlertmanagerError, excerpt } from '../../src/silences/errors.js';
import { endpointOf } from '../../src/silences/http.js';

describe('endpointOf: alertmanager.url → base URL and auth', () => {
  it.each<[string, string, string | undefined]>([
    ['http://127.0.0.1:9093', 'http://127.0.0.1:9093', undefined],
    ['http://127.0.0.1:9093/', 'http://127.0.0.1:9093', undefined],
    ['http://am:9093/alertmanager/', 'http://am:9093/alertmanager', undefined],
    ['http://ops:s%40cret@am:9093', 'http://am:9093', `Basic ${Buffer.from('ops:s@cret').toString('base64')}`],
  ])('%s', (url, base, authorization) => {
    expect(endpointOf(url)).toEqual(authorization ? { base, authorization } : { base });
  });
});

describe('AlertmanagerError', () => {
  it.each<[number, string, boolean]>([
    [404, '', true],
    [500, '"silence not found"', true], // Alertmanager 0.25
    [500, 'boom', false],
  ])('notFound for %i %s → %s', (status, body, notFound) => {
    expect(new AlertmanagerError('http', 'DELETE', 'u', 'm', status, body).notFound).toBe(notFound);
  });

  it('excerpt flattens and cuts bodies', () => {
    expect(excerpt('a\n  b')).toBe('a b');
    expect(excerpt('x'.repeat(300))).toHaveLength(201);
  });
});
