import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm test`'s first step (decisions/0028). Only the paths that install nothing are run here: the install itself
// was proved on a machine with the packages removed (docs/reliability.md).
const script = path.join(import.meta.dirname, 'test-deps.sh');
const run = (env: Record<string, string>) =>
  spawnSync('bash', [script], { env: { ...process.env, ...env }, encoding: 'utf8', cwd: '/' });

describe('scripts/test-deps.sh', () => {
  it('when something is missing and installing is not allowed: exit 1 and one paragraph naming the exact command', () => {
    const res = run({ PG_BINDIR: '/nonexistent', KOUSHIN_INSTALL: 'never' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('npm test needs postgresql');
    expect(res.stderr).toContain('could not install them: KOUSHIN_INSTALL=never.');
    expect(res.stderr).toContain('sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql');
    expect(res.stdout).not.toContain('Installing');
  });

  // `npm test` runs this file after the script itself installed what was missing.
  it('when everything is there: exit 0 and silent', () => {
    const res = run({ KOUSHIN_INSTALL: 'never' });
    expect([res.status, res.stdout, res.stderr]).toEqual([0, '', '']);
  });
});
