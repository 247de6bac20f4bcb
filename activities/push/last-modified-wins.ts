/**
 * Last-modified wins before an update: when Acumatica's copy changed after we last saw it and after our own
 * edit, it replaces our record (as a pull would) instead of being overwritten by our push.
 */
import type { PullContext, PulledFields } from '../../acumatica/mappers';
import { ENTITIES, type EntityType } from '../../core/entities';
import { messageOf } from '../failures';
import { fieldsHash, resolveReferences, type AnyMapper, type AnyRecord } from '../mapping';
import type { AcumaticaCopies } from './acumatica-copies';
import { modifiedAt, repoOf, type PusherArgs } from './shared';

/**
 * Reads Acumatica's copy of a record it already has and, when that copy changed after we last saw it and
 * after our own edit, applies it to our record (as a pull would, with a note that local changes were
 * replaced). True when Acumatica's copy was applied, so the update must not be sent. Only for entity types
 * that are pulled: there is no mapping back for the others. Costs one GET per update; creates and
 * unchanged records cost nothing.
 */
export async function acumaticaWins(
  args: PusherArgs,
  copies: AcumaticaCopies,
  entity: EntityType,
  mapper: AnyMapper,
  record: AnyRecord,
): Promise<boolean> {
  const def = ENTITIES[entity];
  const query = mapper.pullQuery?.(args.version);
  const externalId = record.sync.externalId;
  if (
    !externalId ||
    !def.directions.includes('pull') ||
    !mapper.pull ||
    !query?.modifiedField ||
    query.inquiry
  ) {
    return false;
  }
  const theirs = await copies.current(
    def.acumaticaEntity,
    mapper,
    externalId,
    record.sync.acumaticaId,
    query.expand,
  );
  const modified = theirs ? modifiedAt(theirs, query.modifiedField) : undefined;
  const known = record.sync.acumaticaModifiedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (
    !theirs ||
    !modified ||
    modified.getTime() <= known ||
    modified.getTime() <= record.updatedAt.getTime()
  ) {
    return false;
  }
  const { input } = args;
  let pulled;
  try {
    const ctx: PullContext = {
      settings: input.settings,
      restVersion: args.version,
      ids: await resolveReferences(args.records, input.accountId, mapper, [theirs]),
    };
    pulled = mapper.pull(theirs, ctx);
  } catch (err) {
    // Acumatica's copy cannot be read back: our push goes out as before rather than failing the record.
    args.log.warn(
      { recordId: record._id, entity, err: messageOf(err) },
      'newer Acumatica copy could not be mapped',
    );
    return false;
  }
  if (pulled.kind !== 'record') return false;
  const fields = pulled.fields as PulledFields<EntityType>;
  const applied = await repoOf(args.records, entity).applyPulled(input.accountId, {
    acumaticaId: pulled.acumaticaId ?? record.sync.acumaticaId ?? `${def.acumaticaEntity}:${pulled.key}`,
    externalId: pulled.key,
    acumaticaModifiedAt: modified,
    hash: fieldsHash(entity, fields, input.settings),
    fields: fields as never,
    externalRef: record.externalRef,
  });
  // "unchanged": the newer copy does not differ in what we sync (or ours is newer after all): push ours.
  if (applied.outcome === 'unchanged') return false;
  args.log.info({ recordId: record._id, entity }, "Acumatica's newer copy replaced the local edit");
  return true;
}
