/**
 * One pull page: read what Acumatica changed in the window and merge it into ours field by field.
 */
import type { Logger } from 'pino';
import {
  datetimeOffset,
  filter,
  isAcumaticaError,
  type AcumaticaClient,
  type AcumaticaRecord,
} from '../acumatica';
import type { PullContext, PullResult, PulledFields } from '../acumatica/mappers';
import { ENTITIES, type EntityType, type RestVersion } from '../core/entities';
import type { PageResult } from '../core/runs';
import { matchPulled, type RecordRepositories, type RecordRepository } from '../store/records';
import type { PullPageInput } from './types';
import {
  customerHasGeo,
  mapperFor,
  pulledContent,
  recordName,
  resolveReferences,
  type AnyMapper,
  type AnyRecord,
} from './mapping';
import type { PageTally } from './page-tally';
import { isProgrammingError, messageOf } from './failures';

export interface PullPageArgs {
  input: PullPageInput;
  version: RestVersion;
  client: AcumaticaClient;
  records: RecordRepositories;
  tally: PageTally;
  /** Records of this page already applied by an earlier attempt. */
  startAt: number;
  /** The activity's clock: stands in for the modified time of records whose version has none. */
  now: Date;
  signal: AbortSignal;
  log: Logger;
  /** Heartbeat with the number of records of the page handled so far. */
  progress(position: number): void;
}

/**
 * Errors of one pulled record (bad data, invalid mapped fields): the record fails, the page goes on. A
 * programming error (`isProgrammingError`) is none of these: it fails the activity.
 */
const RECORD_ERRORS = new Set(['ValidationError', 'ConflictError', 'ConcurrentUpdateError', 'ZodError']);

/**
 * Pulls one page and applies it. `$skip` paging on Acumatica's key order: a record inserted meanwhile
 * may shift a page, which the next run's overlap window covers.
 */
export async function pullPage(args: PullPageArgs): Promise<PageResult> {
  const { input, client, tally, signal } = args;
  const mapper = mapperFor(input.entity);
  const query = mapper.pullQuery?.(args.version);
  if (!query) throw new Error(`${input.entity} has no pull mapping`);

  let raws: AcumaticaRecord[];
  let next: string | null;
  if (query.inquiry) {
    // Inquiries (sales prices) are run whole with a PUT of their filter: one page.
    raws = [await client.put(query.entity, query.inquiry, { expand: query.expand, signal })];
    next = null;
  } else {
    const skip = input.cursor ? Number(input.cursor) : 0;
    const since =
      input.since && query.modifiedField
        ? filter.ge(query.modifiedField, datetimeOffset(new Date(input.since)))
        : undefined;
    raws = await client.list(query.entity, {
      ...(since ? { filter: since } : {}),
      ...(query.expand.length > 0 ? { expand: query.expand } : {}),
      top: input.pageSize,
      skip,
      signal,
    });
    next = raws.length < input.pageSize ? null : String(skip + raws.length);
  }
  await applyRaws(args, raws, query.entity);
  return tally.result(next);
}

/**
 * Pulls the Acumatica records with these keys (External IDs), one GET by key each, and applies them by
 * the ordinary pull rules (last-modified wins, identical content writes nothing). A key Acumatica no
 * longer has is counted unchanged and reported in `gone`: nothing is ever deleted on our side.
 * Used by "sync now" and by push notifications, which name the changed records instead of a window.
 */
export async function pullByKeys(
  args: Omit<PullPageArgs, 'startAt' | 'progress'> & { keys: readonly string[] },
): Promise<{ result: PageResult; gone: string[] }> {
  const { input, client, signal } = args;
  const mapper = mapperFor(input.entity);
  const query = mapper.pullQuery?.(args.version);
  if (!query || query.inquiry) throw new Error(`${input.entity} cannot be pulled by key`);
  const gone: string[] = [];
  const raws: AcumaticaRecord[] = [];
  for (const key of new Set(args.keys)) {
    signal.throwIfAborted();
    try {
      raws.push(
        await client.get(query.entity, mapper.keyFieldsFromExternalId(key).segments, {
          ...(query.expand.length > 0 ? { expand: query.expand } : {}),
          signal,
        }),
      );
    } catch (err) {
      if (!isAcumaticaError(err) || err.type !== 'AcumaticaNotFound') throw err;
      gone.push(key);
      args.tally.count('unchanged');
    }
  }
  await applyRaws({ ...args, startAt: 0, progress: () => undefined }, raws, query.entity);
  return { result: args.tally.result(null), gone };
}

/**
 * Maps Acumatica records read by a pull (a page of the window, or records read by key) and applies them:
 * records we do not have are inserted in batches, the others are merged one by one (docs/sync-rules.md).
 */
async function applyRaws(
  args: PullPageArgs,
  raws: AcumaticaRecord[],
  acumaticaEntity: string,
): Promise<void> {
  const { input } = args;
  const mapper = mapperFor(input.entity);
  const ctx: PullContext = {
    settings: input.settings,
    restVersion: args.version,
    ids: await resolveReferences(args.records, input.accountId, mapper, raws),
  };
  const mapped = raws.flatMap((raw) => mapRaw(mapper, acumaticaEntity, raw, ctx));
  // Records referring to one created on this page (a sub-customer listed before its parent) go last and
  // are mapped again then, so the reference resolves. The order is stable, so a resumed attempt agrees.
  const ordered = [
    ...mapped.filter((m) => !hasUnresolved(m.result)),
    ...mapped.filter((m) => hasUnresolved(m.result)),
  ];

  // One lookup of our matching records for the whole page (not three per record).
  const repo = args.records[input.entity] as unknown as RecordRepository<EntityType>;
  const candidates = await repo.findPulledMatches(
    input.accountId,
    ordered.flatMap(({ result }) => (result.kind === 'record' ? [identity(input.entity, result)] : [])),
  );

  // A reference can resolve on a second look only when it points to a record of this same page (a
  // sub-customer listed before its parent); any other unresolved reference stays so.
  const pageKeys = new Set(ordered.flatMap(({ result }) => (result.kind === 'record' ? [result.key] : [])));
  const retryable = (result: Mapped): boolean =>
    result.kind === 'record' &&
    !mapper.pullMany &&
    result.unresolved.some((u) => u.entity === input.entity && pageKeys.has(u.key));

  // Records we do not have yet are inserted together (one command per batch), and the records skipped or
  // failed among them are counted with the batch; the heartbeat position only moves past a batch once it
  // is written, so its tally always covers exactly the records before its position.
  let batch: { index: number; result: Mapped }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    await insertNew(
      args,
      pending.flatMap((p) => (p.result.kind === 'record' ? [p.result] : [])),
    );
    for (const { result } of pending) countUnwritten(args, result);
    args.progress(pending[pending.length - 1]!.index + 1);
  };
  for (let i = args.startAt; i < ordered.length; i++) {
    // Stop between records once the run is cancelled (the HTTP calls themselves abort on the signal).
    args.signal.throwIfAborted();
    const item = ordered[i];
    if (!item) continue;
    let result = item.result;
    const existing =
      result.kind === 'record' ? matchPulled(candidates, identity(input.entity, result)) : null;
    const retry = retryable(result);
    if (!existing && !retry) {
      batch.push({ index: i, result });
      if (batch.length >= INSERT_BATCH) await flush();
      continue;
    }
    // Updates, and records whose reference may be in the batch, are applied alone after it.
    await flush();
    if (retry) {
      // Mapped again from the same Acumatica record: same key and id, so `existing` still matches it.
      const retried = mapRaw(mapper, acumaticaEntity, item.raw, {
        ...ctx,
        ids: await resolveReferences(args.records, input.accountId, mapper, [item.raw]),
      });
      result = retried[0]?.result ?? result;
    }
    if (result.kind === 'record') {
      await applyOne(args, result, existing);
    } else {
      countUnwritten(args, result);
    }
    args.progress(i + 1);
  }
  await flush();
}

/** Most new records written by one insert command. */
const INSERT_BATCH = 200;

type PulledRecordResult = Extract<PullResult<EntityType>, { kind: 'record' }>;

/** How a pulled record is matched to ours: Acumatica id (or a stand-in from its key), key, external ref. */
function identity(entity: EntityType, result: PulledRecordResult) {
  const externalRef = (result.fields as { externalRef?: string }).externalRef;
  return {
    acumaticaId: result.acumaticaId ?? `${ENTITIES[entity].acumaticaEntity}:${result.key}`,
    externalId: result.key,
    ...(externalRef ? { externalRef } : {}),
  };
}

/** What the repository gets for a pulled record: create-only defaults only when we have no record yet. */
function toPulled(args: PullPageArgs, result: PulledRecordResult, existing: AnyRecord | null) {
  const { input } = args;
  // Create-only defaults (e.g. the new-customer type) must never overwrite an existing record.
  const fields = (
    existing ? result.fields : { ...result.createDefaults, ...result.fields }
  ) as PulledFields<EntityType>;
  return {
    ...identity(input.entity, result),
    acumaticaModifiedAt: result.modifiedAt ? new Date(result.modifiedAt) : args.now,
    ...pulledContent(input.entity, fields, result.fields as PulledFields<EntityType>, input.settings),
  };
}

/** Counts a record written by the pull. */
function countPulled(
  args: PullPageArgs,
  result: PulledRecordResult,
  existing: AnyRecord | null,
  fields: object,
  id: string,
): void {
  args.tally.count('pulled');
  if (args.input.entity === 'customers') {
    // What is stored now: the fields the pull wrote over what we had (a pull writes only what it maps).
    const stored = { ...(existing ?? {}), ...fields };
    if (!customerHasGeo(stored as never)) args.tally.missingGeo(id);
  }
}

/** Counts a pulled result that writes nothing: skipped by the settings, or unreadable. */
function countUnwritten(args: PullPageArgs, result: Mapped): void {
  if (result.kind === 'error') args.tally.fail(result.key, result.key, result.message);
  else if (result.kind === 'skip') args.tally.skip(result.because);
}

/** Inserts a batch of records we do not have; any the batch could not insert goes the one-by-one way. */
async function insertNew(args: PullPageArgs, batch: readonly PulledRecordResult[]): Promise<void> {
  if (batch.length === 0) return;
  const repo = args.records[args.input.entity] as unknown as RecordRepository<EntityType>;
  const pulled = batch.map((result) => toPulled(args, result, null));
  const ids = await repo.insertPulledMany(args.input.accountId, pulled);
  for (const [i, result] of batch.entries()) {
    const id = ids[i];
    if (id) {
      countPulled(args, result, null, pulled[i]!.fields as object, id);
    } else {
      await applyOne(args, result, null);
    }
  }
}

async function applyOne(
  args: PullPageArgs,
  result: PulledRecordResult,
  existing: AnyRecord | null,
): Promise<void> {
  const { input, tally } = args;
  const repo = args.records[input.entity] as unknown as RecordRepository<EntityType>;
  const label = recordName(result.fields) || result.key;
  try {
    const pulled = toPulled(args, result, existing);
    const applied = await repo.applyPulled(input.accountId, pulled, existing as never);
    if (applied.outcome === 'unchanged') {
      tally.count('unchanged');
      return;
    }
    countPulled(args, result, existing, applied.written ?? (pulled.fields as object), applied.id);
  } catch (err) {
    if (!(err instanceof Error) || !RECORD_ERRORS.has(err.name)) throw err;
    args.log.warn({ key: result.key, err: err.name }, 'pulled record rejected');
    tally.fail(
      result.key,
      label,
      `Acumatica ${ENTITIES[input.entity].label.toLowerCase()} ${result.key} could not be applied: ${err.message}`,
    );
  }
}

type Mapped = PullResult<EntityType> | { kind: 'error'; key: string; message: string };

/** Maps one Acumatica record (or inquiry result) to pull results; bad data becomes an error result. */
function mapRaw(
  mapper: AnyMapper,
  acumaticaEntity: string,
  raw: AcumaticaRecord,
  ctx: PullContext,
): { raw: AcumaticaRecord; result: Mapped }[] {
  try {
    if (mapper.pullMany) return mapper.pullMany(raw, ctx).map((result) => ({ raw, result }));
    if (mapper.pull) return [{ raw, result: mapper.pull(raw, ctx) }];
    return [];
  } catch (err) {
    if (isProgrammingError(err)) throw err;
    const key = safeKey(mapper, raw);
    return [
      {
        raw,
        result: {
          kind: 'error',
          key,
          message: `Acumatica ${acumaticaEntity} ${key} could not be read: ${messageOf(err)}`,
        },
      },
    ];
  }
}

function hasUnresolved(result: Mapped): boolean {
  return result.kind === 'record' && result.unresolved.length > 0;
}

function safeKey(mapper: AnyMapper, raw: AcumaticaRecord): string {
  try {
    const key = mapper.keyOf(raw);
    if (key && key !== '/') return key;
  } catch {
    // Falls back to the GUID below.
  }
  return typeof raw.id === 'string' ? raw.id : '(unknown)';
}
