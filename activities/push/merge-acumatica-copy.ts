/**
 * Before an update, Acumatica's copy is read once: when it changed after the version we last saw (an ERP
 * edit made between the pull and the push), it is merged into our record as a pull would merge it (field by
 * field against the base, notes for conflicts, one compare-and-set on the revision read), and the merged
 * record is what the push then sends. A record without a base keeps the whole-record rule.
 */
import type { PullContext, PulledFields } from '../../acumatica/mappers';
import { ENTITIES, type EntityType } from '../../core/entities';
import { messageOf } from '../failures';
import { pulledContent, resolveReferences, type AnyMapper, type AnyRecord } from '../mapping';
import type { AcumaticaCopies } from './acumatica-copies';
import { modifiedAt, repoOf, type PusherArgs } from './shared';

/** What the push sends after the merge. */
export type MergedCopy =
  /** Acumatica's copy holds nothing new: push the record as read. */
  | { kind: 'ours' }
  /** The merge left nothing of ours for Acumatica (or Acumatica's newer copy replaced ours): send nothing. */
  | { kind: 'nothing' }
  /** Push this record: ours with Acumatica's changes merged in, as stored by the merge. */
  | { kind: 'merged'; record: AnyRecord };

/**
 * Reads Acumatica's copy of a record it already has and merges a change made there since our last sync.
 * Only for entity types that are pulled: there is no mapping back for the others. Costs one GET per update
 * (shared with the detail-row match of the PUT); creates and unchanged records cost nothing.
 */
export async function mergeAcumaticaCopy(
  args: PusherArgs,
  copies: AcumaticaCopies,
  entity: EntityType,
  mapper: AnyMapper,
  record: AnyRecord,
): Promise<MergedCopy> {
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
    return { kind: 'ours' };
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
  if (!theirs || !modified || modified.getTime() <= known) return { kind: 'ours' };
  // Without a base the whole-record rule decides, and ours newer than Acumatica's copy goes out as it is.
  if (!record.sync.base && modified.getTime() <= record.updatedAt.getTime()) return { kind: 'ours' };
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
    return { kind: 'ours' };
  }
  if (pulled.kind !== 'record') return { kind: 'ours' };
  const fields = pulled.fields as PulledFields<EntityType>;
  const repo = repoOf(args.records, entity);
  const applied = await repo.applyPulled(
    input.accountId,
    {
      acumaticaId: pulled.acumaticaId ?? record.sync.acumaticaId ?? `${def.acumaticaEntity}:${pulled.key}`,
      externalId: pulled.key,
      acumaticaModifiedAt: modified,
      externalRef: record.externalRef,
      ...pulledContent(entity, fields, fields, input.settings),
    },
    record as never,
  );
  // "unchanged": the newer copy does not differ in what we sync (or ours is newer after all): push ours.
  if (applied.outcome === 'unchanged') return { kind: 'ours' };
  if (!applied.pending) {
    args.log.info({ recordId: record._id, entity }, "Acumatica's changes merged; nothing of ours to send");
    return { kind: 'nothing' };
  }
  const merged = await repo.get(input.accountId, record._id);
  return merged ? { kind: 'merged', record: merged as AnyRecord } : { kind: 'nothing' };
}
