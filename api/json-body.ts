/**
 * The JSON body parser: Fastify's own (it refuses prototype-poisoning keys), except that a body refused
 * only for such a key is answered with a 400 naming the key and where it is, instead of "not valid JSON".
 */
import type { FastifyBodyParser } from 'fastify';
import { invalidInput } from './errors';

/**
 * The path of the first key Fastify refuses in a body that is valid JSON: `__proto__` anywhere, or a
 * `constructor` object holding `prototype` (secure-json-parse's rules); undefined when there is none.
 */
export function forbiddenKeyPath(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const walk = (node: unknown, path: string): string | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    for (const [key, child] of Object.entries(node)) {
      const here = path ? `${path}.${key}` : key;
      if (key === '__proto__') return here;
      if (key === 'constructor' && child !== null && typeof child === 'object' && 'prototype' in child)
        return here;
      const found = walk(child, here);
      if (found) return found;
    }
    return undefined;
  };
  return walk(value, '');
}

/**
 * Wraps Fastify's default JSON parser (`app.getDefaultJsonParser('error', 'error')`) so a body refused
 * for a poisoning key fails with a 400 naming the key; any other parse error stays as Fastify reports it.
 */
export function jsonBodyParser(parse: FastifyBodyParser<string>): FastifyBodyParser<string> {
  return (request, body, done) => {
    void parse(request, body, (err, value) => {
      if (!err) return done(null, value);
      const path = forbiddenKeyPath(body);
      if (!path) return done(err, undefined);
      const key = path.split('.').at(-1) ?? path;
      done(
        invalidInput([
          { field: path, message: `${path}: the key "${key}" is not accepted in a request body`, in: 'body' },
        ]),
        undefined,
      );
    });
  };
}
