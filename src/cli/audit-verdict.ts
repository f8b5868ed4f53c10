/**
 * What `npm audit --omit=dev --json` said, read strictly: a high or critical advisory in a production
 * dependency fails the suite; an audit service that cannot be reached (no network, a registry mirror
 * without the advisory endpoint) is reported loudly but does not, because it says nothing about our code;
 * anything else (no lockfile, output we cannot read) fails, so a broken check is never a silent pass.
 */
export type AuditVerdict =
  | { kind: 'clean'; counts: Record<string, number> }
  | { kind: 'advisories'; counts: Record<string, number>; packages: { name: string; severity: string }[] }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'broken'; reason: string };

const FAILING = new Set(['high', 'critical']);
const NETWORK_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ESOCKETTIMEDOUT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN']);

interface AuditJson {
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity?: string }>;
  message?: string;
  statusCode?: number;
  code?: string;
  error?: { code?: string; summary?: string; detail?: string };
}

export function auditVerdict(stdout: string): AuditVerdict {
  let json: AuditJson;
  try {
    json = JSON.parse(stdout) as AuditJson;
  } catch {
    return { kind: 'broken', reason: `npm audit printed no JSON: ${stdout.slice(0, 200) || '(nothing)'}` };
  }
  const counts = json.metadata?.vulnerabilities;
  if (counts) {
    const packages = Object.entries(json.vulnerabilities ?? {})
      .filter(([, v]) => FAILING.has(v.severity ?? ''))
      .map(([name, v]) => ({ name, severity: v.severity! }));
    const failing = (counts.high ?? 0) + (counts.critical ?? 0);
    return failing > 0 || packages.length > 0 ? { kind: 'advisories', counts, packages } : { kind: 'clean', counts };
  }
  const code = json.error?.code ?? json.code ?? '';
  const reason = [json.message, json.error?.summary, json.error?.detail].filter(Boolean).join(' — ') || code || 'unknown error';
  // The registry answered, but not the advisory endpoint (a mirror: 404/405/501), or nothing answered at all.
  if (typeof json.statusCode === 'number' || NETWORK_CODES.has(code) || /audit endpoint returned an error/i.test(reason)) {
    return { kind: 'unreachable', reason };
  }
  return { kind: 'broken', reason };
}
