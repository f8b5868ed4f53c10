import { describe, expect, it } from 'vitest';
import { auditVerdict } from './audit-verdict';

const report = (counts: Record<string, number>, vulnerabilities: Record<string, { severity: string }> = {}) =>
  JSON.stringify({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...counts }, dependencies: { prod: 120 } } });

describe('auditVerdict: what npm audit --json said', () => {
  it('clean, or only low and moderate advisories: passes', () => {
    expect(auditVerdict(report({})).kind).toBe('clean');
    expect(auditVerdict(report({ low: 2, moderate: 1, total: 3 }, { a: { severity: 'low' }, b: { severity: 'moderate' } })).kind).toBe('clean');
  });

  it('a high or critical advisory fails, naming the packages', () => {
    const v = auditVerdict(report({ high: 1, critical: 1, total: 2 }, { 'fast-xml-parser': { severity: 'critical' }, qs: { severity: 'high' }, ms: { severity: 'low' } }));
    expect(v).toEqual({ kind: 'advisories', counts: expect.objectContaining({ high: 1, critical: 1 }), packages: [{ name: 'fast-xml-parser', severity: 'critical' }, { name: 'qs', severity: 'high' }] });
  });

  it('a registry mirror without the advisory endpoint (this sandbox: 405) or no network: unreachable, not a pass nor an advisory', () => {
    const mirror = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', method: 'POST', statusCode: 405, body: '', error: { summary: '', detail: '' } });
    expect(auditVerdict(mirror)).toEqual({ kind: 'unreachable', reason: expect.stringContaining('405 Method Not Allowed') });
    expect(auditVerdict(JSON.stringify({ error: { code: 'ENOTFOUND', summary: 'request to https://registry.example failed', detail: '' } })).kind).toBe('unreachable');
    expect(auditVerdict(JSON.stringify({ error: { code: 'EAI_AGAIN', summary: 'getaddrinfo EAI_AGAIN' } })).kind).toBe('unreachable');
  });

  it('anything else (no lockfile, unreadable output) is broken and fails: a check that cannot run never passes silently', () => {
    expect(auditVerdict(JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.' } }))).toEqual({ kind: 'broken', reason: expect.stringContaining('lockfile') });
    expect(auditVerdict('').kind).toBe('broken');
    expect(auditVerdict('npm ERR! something').kind).toBe('broken');
  });
});
