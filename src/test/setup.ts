import { afterAll, afterEach, beforeEach, vi } from 'vitest';
import { describeNestedConnections, takeNestedConnections } from './pool-guard';

// A console.error in a test is a defect we want to see, not noise: it fails the test.
let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args));
});
// So is a second pool connection taken inside a transaction (pool-guard.ts; decisions/0022, 0027), wherever it
// happened: in the test's requests, in a job it caused, in a listener. The stack names the call.
afterEach(() => {
  vi.restoreAllMocks();
  const problems: string[] = [];
  if (errors.length) problems.push(`console.error was called: ${errors.map((a) => a.map(String).join(' ')).join('\n')}`);
  const nested = takeNestedConnections();
  if (nested.length) problems.push(describeNestedConnections(nested));
  if (problems.length) throw new Error(problems.join('\n'));
});
// What a beforeAll / afterAll hook (or a job still running after the last test) did fails the file.
afterAll(() => {
  const nested = takeNestedConnections();
  if (nested.length) throw new Error(describeNestedConnections(nested));
});
