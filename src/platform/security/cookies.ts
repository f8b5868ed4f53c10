/**
 * A cookie's name on the wire. Over HTTPS (production) the browser enforces what the prefix promises:
 * `__Host-` (Path=/) cookies are Secure, host-only and cannot be planted by a sibling subdomain, which
 * closes session fixation and CSRF-secret tossing; a cookie scoped to a path (the staff session at
 * /staff) can only be `__Secure-`. Development over plain HTTP keeps the bare name.
 */
export function cookieName(name: string, opts: { secure: boolean; path: string }): string {
  if (!opts.secure) return name;
  return opts.path === '/' ? `__Host-${name}` : `__Secure-${name}`;
}
