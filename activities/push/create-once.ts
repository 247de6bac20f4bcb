/**
 * Sending one record's PUT, creating an auto-numbered document exactly once: the push intent is recorded
 * before the create, and an attempt that finds an intent looks the document up by its external reference
 * and adopts it instead of creating another (docs/decisions/0003-push-intents-for-exactly-once-creates.md).
 */
import { filter, type AcumaticaRecord, type Filter } from '../../acumatica';
import type { AcumaticaBody, PushContext } from '../../acumatica/mappers';
import { ENTITIES, type EntityType, type RestVersion } from '../../core/entities';
import type { RecordedIntent } from '../../store/records/push-outcomes';
import type { AnyMapper, AnyRecord } from '../mapping';
import type { AcumaticaCopies } from './acumatica-copies';
import {
  documentExpand,
  documentFieldsOf,
  mergedDocumentBody,
  positionPlan,
  type DocumentPlan,
} from './document-merge';
import { keyOf, modifiedAt, repoOf, type PusherArgs } from './shared';

/**
 * Sends the PUT. Client-chosen keys and known document numbers are idempotent upserts. An auto-numbered
 * document without a number is created exactly once: the intent is recorded before the create, and any
 * attempt that finds an intent looks the document up by its external reference and adopts it. Recording
 * the intent advances `read.rev`, the revision the outcome is written back to.
 */
export async function send(
  args: PusherArgs,
  copies: AcumaticaCopies,
  entity: EntityType,
  mapper: AnyMapper,
  record: AnyRecord,
  ctx: PushContext,
  read: { rev: number },
  /** The intent the page recorded for this create before its pushes began (`read.rev` already follows it). */
  recorded?: RecordedIntent,
): Promise<{ response: AcumaticaRecord; plan?: DocumentPlan } | { gone: string }> {
  const { client, input } = args;
  const def = ENTITIES[entity];
  // Push-only documents are merged with Acumatica's copy and need their rows (and linked parts) back.
  const document = documentFieldsOf(mapper, args.version, def.acumaticaEntity);
  const detailPaths = document
    ? documentExpand(document)
    : detailsOf(mapper, args.version, def.acumaticaEntity);
  const put = (body: AcumaticaBody) =>
    client.put(def.acumaticaEntity, body, {
      signal: args.signal,
      ...(document ? { expand: detailPaths } : {}),
    });
  const externalId = record.sync.externalId;

  if (def.key.kind !== 'auto-numbered' || externalId) {
    let current: AcumaticaRecord | undefined;
    if (externalId && detailPaths.length > 0) {
      // Detail rows are matched to Acumatica's by id, so an update never duplicates lines.
      current = await copies.current(
        def.acumaticaEntity,
        mapper,
        externalId,
        record.sync.acumaticaId,
        detailPaths,
      );
      if (!current && def.key.kind === 'auto-numbered') {
        return { gone: `The Acumatica ${def.label.toLowerCase()} ${externalId} no longer exists` };
      }
    }
    let body = current
      ? mapper.push?.(record as never, { ...ctx, current })
      : mapper.push?.(record as never, ctx);
    let plan: DocumentPlan | undefined;
    if (document && current && body) {
      const modifiedField = mapper.pullQuery?.(args.version).modifiedField ?? null;
      ({ body, plan } = mergedDocumentBody(
        record,
        document,
        mapper.push?.(record as never, ctx) ?? {},
        body,
        current,
        modifiedAt(current, modifiedField),
      ));
    } else if (document && body) {
      plan = positionPlan(document, body);
    }
    const keyed =
      externalId && def.key.kind === 'auto-numbered'
        ? { ...body, ...mapper.keyFieldsFromExternalId(externalId).body }
        : body;
    return { response: await put(keyed ?? {}), ...(plan ? { plan } : {}) };
  }

  // Auto-numbered, no number yet.
  if (def.key.kind !== 'auto-numbered') throw new Error(`${def.label} has no document number to create`);
  const refField = def.key.externalRefField;
  const repo = repoOf(args.records, entity);
  const body = mapper.push?.(record as never, ctx) ?? {};
  const created = document ? { plan: positionPlan(document, body) } : {};
  let intent = record.sync.pushIntent;
  if (!intent && recorded) return { response: await put(body), ...created };
  if (!intent) {
    const recorded = await repo.recordPushIntent(input.accountId, record._id, {
      externalRef: record.externalRef,
      runId: input.runId,
      rev: read.rev,
    });
    if (!recorded) throw new Error(`${def.label} ${record._id} disappeared during the push`);
    read.rev = recorded.rev;
    if (recorded.created) return { response: await put(body), ...created };
    intent = recorded.intent;
  }
  // An earlier attempt may have created the document and lost the answer: find it before creating.
  const found = await client.list(def.acumaticaEntity, {
    filter: lookupFilter(refField, def.key.keyFields, body, intent.externalRef),
    ...(detailPaths.length > 0 ? { expand: detailPaths } : {}),
    top: 2,
    signal: args.signal,
  });
  const existing = found[0];
  if (!existing) return { response: await put(body), ...created };
  if (found.length > 1) {
    args.log.warn(
      { recordId: record._id, entity },
      'several Acumatica documents carry this external reference; adopting the first',
    );
  }
  const key = keyOf(mapper, existing);
  if (!key) throw new Error(`Acumatica returned a ${def.label.toLowerCase()} without its key`);
  args.log.info({ recordId: record._id, entity, key }, 'adopted the document an earlier attempt created');
  const adopted = mapper.push?.(record as never, { ...ctx, current: existing }) ?? body;
  const update = { ...adopted, ...mapper.keyFieldsFromExternalId(key).body };
  // The adopted document's rows are matched by position: it was created from this record.
  const plan = document ? { plan: positionPlan(document, body, existing) } : {};
  return { response: await put(update), ...plan };
}

/** `<ExternalRefField> eq '<ref>'` plus the document type (`OrderType eq 'SO'`) when the body has one. */
function lookupFilter(
  refField: string,
  keyFields: readonly string[],
  body: AcumaticaBody,
  externalRef: string,
): Filter {
  const parts: Filter[] = [filter.eq(refField, externalRef)];
  // Every key field but the number (the last) fixes the document type.
  for (const field of keyFields.slice(0, -1)) {
    const value = (body[field] as { value?: unknown } | undefined)?.value;
    if (typeof value === 'string') parts.push(filter.eq(field, value));
  }
  return filter.and(...parts) as Filter;
}

/** Detail collections the mapper writes (e.g. `Details`), which an update must match row by row. */
function detailsOf(mapper: AnyMapper, version: RestVersion, acumaticaEntity: string): string[] {
  const prefix = `${acumaticaEntity}.`;
  return Object.entries(mapper.fieldList(version, 'push'))
    .filter(
      ([path, kind]) =>
        kind === 'details' && path.startsWith(prefix) && !path.slice(prefix.length).includes('.'),
    )
    .map(([path]) => path.slice(prefix.length));
}
