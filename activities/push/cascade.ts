/**
 * The cascade of dependencies: before a record is pushed, each record it references (customer, vendor,
 * items…) must be in Acumatica. One that is not yet is pushed first, once per page, or the record fails
 * naming it.
 */
import type { Dependency } from '../../acumatica/mappers';
import { ENTITIES, type EntityType } from '../../core/entities';
import { mapperFor, recordName, type AnyRecord } from '../mapping';
import type { Pusher } from './pusher';
import { repoOf } from './shared';

/** The Acumatica key of a dependency, pushing it first when it is not in Acumatica yet. */
export async function ensureDependency(
  pusher: Pusher,
  dep: Dependency,
  chain: readonly string[],
): Promise<{ key: string } | { message: string }> {
  const { args } = pusher;
  const id = `${dep.entity}/${dep.id}`;
  const label = ENTITIES[dep.entity].label;
  if (chain.includes(id)) return { message: `${label} ${dep.id} is part of a circular reference` };
  let loading = pusher.dependencies.get(id);
  if (!loading) {
    loading = repoOf(args.records, dep.entity).get(args.input.accountId, dep.id);
    pusher.dependencies.set(id, loading);
  }
  const record = await loading;
  if (!record) return { message: `${label} ${dep.id} does not exist` };
  // A record with a key exists in Acumatica, whatever its local state: use it as it is there.
  if (record.sync.externalId) return { key: record.sync.externalId };
  if (record.sync.doNotSend) {
    const name = recordName(record);
    return {
      message: `${label} ${dep.id}${name ? ` (${name})` : ''} is marked Do Not Send and is not in Acumatica yet`,
    };
  }
  let outcome = pusher.done.get(id);
  const started = !outcome;
  if (!outcome) {
    outcome = pusher.push(dep.entity, record, chain);
    pusher.done.set(id, outcome);
  }
  const result = await outcome;
  const name = recordName(record);
  // Counted once, by the push that started it, under the dependency's own type.
  if (started && !pusher.pageItems.has(id)) {
    if (result.status === 'failed') args.tally?.fail(record._id, name, result.message, dep.entity);
    else args.tally?.cascaded(dep.entity, result.status);
  }
  if (result.status === 'failed') {
    return {
      message: `${label} ${dep.id}${name ? ` (${name})` : ''} could not be pushed: ${result.message}`,
    };
  }
  return { key: result.externalId };
}

/**
 * Reads the records a page's records depend on up front, one query per referenced type, so the cascade
 * finds them loaded instead of reading them one at a time (a page of invoices names hundreds of customers
 * and items). Dependencies of those dependencies (a parent customer) are still read when reached.
 */
export async function preloadDependencies(
  pusher: Pusher,
  entity: EntityType,
  records: readonly AnyRecord[],
): Promise<void> {
  const dependenciesOf = mapperFor(entity).dependencies;
  if (!dependenciesOf) return;
  const wanted = new Map<EntityType, Set<string>>();
  for (const record of records) {
    for (const dep of dependenciesOf(record as never)) {
      if (pusher.dependencies.has(`${dep.entity}/${dep.id}`)) continue;
      const ids = wanted.get(dep.entity) ?? new Set<string>();
      wanted.set(dep.entity, ids.add(dep.id));
    }
  }
  const { accountId } = pusher.args.input;
  await Promise.all(
    [...wanted].map(async ([type, ids]) => {
      const found = await repoOf(pusher.args.records, type).getMany(accountId, [...ids]);
      const byId = new Map(found.map((r) => [r._id, r as AnyRecord]));
      for (const id of ids) {
        pusher.dependencies.set(`${type}/${id}`, Promise.resolve(byId.get(id) ?? null));
      }
    }),
  );
}

/** The dependencies without repeats, in their first order. */
export function uniqueDeps(deps: Dependency[]): Dependency[] {
  const seen = new Set<string>();
  return deps.filter((d) => {
    const id = `${d.entity}/${d.id}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
