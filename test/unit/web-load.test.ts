import { describe, expect, it } from 'vitest';
import { failsAt, loopbackUrl, quantile, requestUrl } from '../../src/demo/web/load.js';

describe('HTTP load plan (stress --url)', () => {
  it.each(['http://127.0.0.1:8000/work', 'http://localhost:1/x', 'http://[::1]:8000/work'])('accepts loopback %s', (url) => {
    expect(loopbackUrl(url).toString()).toBe(new URL(url).toString());
  });

  it.each([
    ['http://10.0.0.1:8000/work', /must be loopback .* not 10\.0\.0\.1/],
    ['http://example.com/work', /must be loopback/],
    ['https://127.0.0.1/work', /only http:\/\//],
    ['127.0.0.1:8000', /only http:\/\/|not a URL/],
    ['not a url', /not a URL/],
  ])('refuses %s', (url, message) => {
    expect(() => loopbackUrl(url)).toThrow(message);
  });

  it.each([
    [0, 100, 0],
    [0.01, 100, 1],
    [0.05, 100, 5],
    [0.5, 10, 5],
    [1, 7, 7],
  ])('fail ratio %f marks exactly ⌊n × ratio⌋ of %i requests', (ratio, n, failing) => {
    expect(Array.from({ length: n }, (_, i) => failsAt(i + 1, ratio)).filter(Boolean).length).toBe(failing);
  });

  it('puts the work time and the failure flag on the URL', () => {
    const plan = {
      url: new URL('http://127.0.0.1:8000/work?x=1'),
      requests: 2,
      rate: 1,
      workMs: 200,
      failRatio: 0.5,
      maxInFlight: 1,
      timeoutMs: 1,
    };
    expect(requestUrl(plan, 1)).toBe('http://127.0.0.1:8000/work?x=1&ms=200');
    expect(requestUrl(plan, 2)).toBe('http://127.0.0.1:8000/work?x=1&ms=200&fail=1');
  });

  it('quantiles are nearest-rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(sorted, 0.5), quantile(sorted, 0.95), quantile([], 0.95), quantile([7], 0.95)]).toEqual([50, 95, 0, 7]);
  });
});
