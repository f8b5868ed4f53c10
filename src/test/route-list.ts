import type { FastifyInstance } from 'fastify';

/**
 * Every route pattern of the app for one method, read from Fastify's own route tree (printRoutes), so a
 * route added tomorrow is walked by the security tests without anyone listing it. Wildcards (static files)
 * are left out: they have no page of their own.
 */
export function routePatterns(app: FastifyInstance, method: 'GET' | 'POST'): string[] {
  const tree = app.printRoutes({ commonPrefix: false, method });
  const stack: string[] = [];
  const urls: string[] = [];
  for (const line of tree.split('\n')) {
    const match = line.match(/^(.*?)[└├]── (.+?) \(([A-Z, ]+)\)\s*$/);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const prefix = depth === 0 ? '' : stack[depth - 1]!;
    const url = prefix === '/' ? `/${match[2]}` : `${prefix}${match[2]}`;
    stack[depth] = url;
    if (match[3]!.split(', ').includes(method) && !url.includes('*')) urls.push(url);
  }
  return urls;
}
