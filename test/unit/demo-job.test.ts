import { describe, expect, it } from 'vitest';
import { decodeJob, encodeJob, jobId, MAX_JOB_MS, newRunId, type Job } from '../../src/demo/job.js';

describe('demo job encoding', () => {
  it.each<[Job, string]>([
    [{ id: 'a-1', ms: 500 }, '{"id":"a-1","ms":500}'],
    [{ id: 'a-2', ms: 500, cpuMs: 100 }, '{"id":"a-2","ms":500,"cpuMs":100}'],
    [{ id: 'a-3', ms: 0, cpuMs: 0 }, '{"id":"a-3","ms":0}'],
  ])('encodes %j as %s and decodes it back', (job, raw) => {
    expect(encodeJob(job)).toBe(raw);
    const back = decodeJob(raw);
    expect(back).toEqual({ ok: true, job: job.cpuMs ? job : { id: job.id, ms: job.ms } });
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['"x"', 'not a JSON object'],
    ['{"ms":10}', 'id must'],
    ['{"id":"","ms":10}', 'id must'],
    ['{"id":7,"ms":10}', 'id must'],
    ['{"id":"x"}', 'ms must'],
    ['{"id":"x","ms":-1}', 'ms must'],
    ['{"id":"x","ms":1.5}', 'ms must'],
    ['{"id":"x","ms":"10"}', 'ms must'],
    [`{"id":"x","ms":${MAX_JOB_MS + 1}}`, 'ms must'],
    ['{"id":"x","ms":10,"cpuMs":-3}', 'cpuMs must'],
  ])('rejects %s (%s)', (raw, reason) => {
    const res = decodeJob(raw);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.reason).toContain(reason);
  });

  it('clamps CPU time to the job duration (CPU is part of the job, not added to it)', () => {
    expect(decodeJob('{"id":"x","ms":10,"cpuMs":50}')).toEqual({ ok: true, job: { id: 'x', ms: 10, cpuMs: 10 } });
  });

  it('ignores unknown fields', () => {
    expect(decodeJob('{"id":"x","ms":10,"extra":true}')).toEqual({ ok: true, job: { id: 'x', ms: 10 } });
  });

  it('makes ids unique across runs and numbered within one', () => {
    const runs = new Set(Array.from({ length: 200 }, () => newRunId(1_700_000_000_000)));
    expect(runs.size).toBe(200);
    expect(jobId('abc', 1)).toBe('abc-1');
    expect(jobId('abc', 20)).toBe('abc-20');
  });
});
