/** The parts of a record URL: entity and action names, and the key of a record. */
import { AcumaticaRejectedError } from './errors';

/** A plain identifier: what entity, action and endpoint names must be. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Builds the key part of a record URL: a GUID as `id`, or each key value URL-encoded. */
export function keyPath(keysOrId: string | readonly string[]): string {
  if (typeof keysOrId === 'string' && GUID.test(keysOrId)) return keysOrId;
  const keys = typeof keysOrId === 'string' ? [keysOrId] : keysOrId;
  if (keys.length === 0 || keys.some((k) => k === '')) {
    throw new AcumaticaRejectedError('An Acumatica record key must not be empty');
  }
  for (const key of keys) {
    // Acumatica splits key segments on '/' even when encoded; such records are reachable by id only.
    if (key.includes('/')) {
      throw new AcumaticaRejectedError(
        `Acumatica key value ${JSON.stringify(key)} contains '/': address the record by id`,
      );
    }
  }
  return keys.map((k) => encodeURIComponent(k)).join('/');
}

/** The name of an entity or action, refused unless it is a plain identifier (it becomes a URL segment). */
export function checkedName(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`Invalid Acumatica ${what} name: ${JSON.stringify(name)}`);
  return name;
}
