/**
 * One push page: send marked records (all records on a full run) to Acumatica, dependencies first,
 * creating auto-numbered documents exactly once.
 */
import type { Logger } from 'pino';
import {
  filter,
  formatFieldErrors,
  isAcumaticaError,
  type AcumaticaClient,
  type AcumaticaRecord,
  type Filter,
} from '../acumatica';
import {
  MissingDependencyError,
  type PullContext,
  type PulledFields,
  skuKey,
  type AcumaticaBody,
  type Dependency,
  type PushContext,
} from '../acumatica/mappers';
import { ENTITIES, type EntityType, type RestVersion } from '../core/entities';
import type { PageResult } from '../core/runs';
import { revisionOf } from '../core/revisions';
import type { RecordSyncOutcome } from '../core/targeted-sync';
import type { RecordRepositories, RecordRepository } from '../store/records';
import { isProgrammingError, isRecordRejection, messageOf } from './failures';
import {
  customerHasGeo,
  fieldsHash,
  mapperFor,
  recordHash,
  recordName,
  resolveReferences,
  type AnyMapper,
  type AnyRecord,
} from './mapping';
import type { PageTally } from './page-tally';
import type { PageInput } from './types';

export interface PushPageArgs {
  input: PageInput;
  version: RestVersion;
  client: AcumaticaClient;
  records: RecordRepositories;
  tally: PageTally;
  /** Keyset position: push records with ids after it (the page cursor, or where an earlier attempt stopped). */
  after: string | null;
  /** ISO date of the run, the invoice date when the account uses the integration date. */
  integrationDate: string;
  signal: AbortSignal;
  log: Logger;
  /** Heartbeat with the id of the last record handled. */
  progress(position: string): void;
}

type Outcome = { status: 'pushed' | 'unchanged'; externalId: string } | { status: 'failed'; message: string };

/** What a {@link Pusher} needs: the page arguments without the page's cursor, tally and heartbeat. */
export type PusherArgs = Pick<
  PushPageArgs,
  'version' | 'client' | 'records' | 'integrationDate' | 'signal' | 'log'
> & {
  input: Pick<PageInput, 'accountId' | 'runId' | 'settings'>;
  /** A page's tally, where dependencies the cascade pushed or failed are counted under their own type. */
  tally?: PageTally;
};

/**
 * Pushes just the records with these ids ("sync now"), with their dependencies, by the same rules as a
 * run's page: exactly-once creation, last-modified wins, dependencies cascaded once. Marked or not, each
 * given record is sent; one marked "Do Not Send" is not (outcome `excluded`). Several at a time, like a page.
 */
export async function pushRecords(
  args: PusherArgs & { entity: EntityType; ids: readonly string[] },
): Promise<RecordSyncOutcome[]> {
  const repo = repoOf(args.records, args.entity);
  const found = new Map(
    (await repo.getMany(args.input.accountId, args.ids)).map((r) => [r._id, r as AnyRecord]),
  );
  const label = ENTITIES[args.entity].label;
  const pusher = new Pusher(args);
  const ids = [...new Set(args.ids)];
  const out: RecordSyncOutcome[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const record = found.get(id);
      if (!record) {
        out.push({ id, name: '', status: 'not-found', message: `${label} ${id} does not exist` });
        continue;
      }
      const name = recordName(record);
      if (record.sync.doNotSend) {
        out.push({ id, name, status: 'excluded', message: `${label} ${id} is marked Do Not Send` });
        continue;
      }
      args.signal.throwIfAborted();
      out.push({ id, name, ...(await pusher.pushOnce(args.entity, record)) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUSH_CONCURRENCY, ids.length) }, lane));
  const order = new Map(ids.map((id, i) => [id, i]));
  return out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/** Failure codes kept in `sync.lastError.code`. */
const CODES = {
  rejected: 'AcumaticaRejected',
  dependency: 'MissingDependency',
  mapping: 'MappingError',
  gone: 'AcumaticaRecordGone',
} as const;

/**
 * Records of a page pushed at once. The account's limiter still caps requests in flight and per minute;
 * this only keeps its budget busy instead of sending one record at a time.
 */
export const PUSH_CONCURRENCY = 8;

/**
 * Pushes one keyset page of candidates, several records at a time, and reports the cursor of the next page
 * (null when done). The heartbeat carries the last id before which every record is done, so a retried
 * attempt resumes there (records done after it are skipped by their state or hash). After a failure no new
 * record starts; the ones in flight finish before the error is thrown, so a retry never overlaps them.
 */
export async function pushPage(args: PushPageArgs): Promise<PageResult> {
  const { input, tally } = args;
  const repo = repoOf(args.records, input.entity);
  const page = await repo.listPushCandidates(input.accountId, {
    scope: input.full ? 'all' : 'pending',
    ...(args.after ? { after: args.after } : {}),
    limit: input.pageSize,
  });
  const items = page.items;
  const pusher = new Pusher(args, new Set(items.map((r) => `${input.entity}/${r._id}`)));
  const finished: boolean[] = items.map(() => false);
  let contiguous = -1;
  let next = 0;
  let error: unknown = undefined;
  const lane = async (): Promise<void> => {
    while (error === undefined && next < items.length) {
      const i = next++;
      const record = items[i] as AnyRecord;
      try {
        // Stop between records once the run is cancelled (the HTTP calls themselves abort on the signal).
        args.signal.throwIfAborted();
        const outcome = await pusher.pushOnce(input.entity, record);
        if (outcome.status === 'failed') {
          tally.fail(record._id, recordName(record), outcome.message);
        } else {
          tally.count(outcome.status);
          if (
            input.entity === 'customers' &&
            outcome.status === 'pushed' &&
            !customerHasGeo(record as never)
          ) {
            tally.missingGeo(record._id);
          }
        }
      } catch (err) {
        error ??= err;
        return;
      }
      finished[i] = true;
      while (finished[contiguous + 1]) contiguous++;
      const done = items[contiguous];
      if (done) args.progress(done._id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUSH_CONCURRENCY, items.length) }, lane));
  if (error !== undefined) throw error;
  const last = items.at(-1)?._id ?? null;
  return tally.result(page.nextCursor !== null ? last : null);
}

function repoOf(records: RecordRepositories, entity: EntityType): RecordRepository<EntityType> {
  return records[entity] as unknown as RecordRepository<EntityType>;
}

/** Pushes records with their dependencies; one instance per page so a dependency is pushed at most once. */
class Pusher {
  /** Dependency outcomes of this page, by `entity/id`. */
  private readonly done = new Map<string, Promise<Outcome>>();
  /** Dependency records read for this page (records of a page share customers and items), by `entity/id`. */
  private readonly dependencies = new Map<string, Promise<AnyRecord | null>>();
  /** Acumatica's copies read during this page's pushes, by entity and id, with what they expanded. */
  private readonly copies = new Map<
    string,
    { expand: readonly string[]; copy: Promise<AcumaticaRecord | undefined> }
  >();

  /** @param pageItems the page's own records (`entity/id`): counted by the page, not as cascaded */
  constructor(
    private readonly args: PusherArgs,
    private readonly pageItems: ReadonlySet<string> = new Set(),
  ) {}

  /** Pushes a record of the page once, sharing the outcome with records of the page that depend on it. */
  pushOnce(entity: EntityType, record: AnyRecord): Promise<Outcome> {
    const id = `${entity}/${record._id}`;
    let outcome = this.done.get(id);
    if (!outcome) {
      outcome = this.push(entity, record);
      this.done.set(id, outcome);
    }
    return outcome;
  }

  /** Pushes `record` (after its dependencies) and writes the outcome to the store. */
  async push(entity: EntityType, record: AnyRecord, chain: readonly string[] = []): Promise<Outcome> {
    const { input } = this.args;
    const repo = repoOf(this.args.records, entity);
    const mapper = mapperFor(entity);
    // The revision this push decides from; its own push-intent write advances it. The outcome is written
    // back only to this revision: an edit made meanwhile keeps the record pending for the next run.
    const read = { rev: revisionOf(record) };
    const fail = async (code: string, message: string): Promise<Outcome> => {
      await repo.markFailed(input.accountId, record._id, {
        message,
        code,
        runId: input.runId,
        rev: read.rev,
      });
      return { status: 'failed', message };
    };

    // Dependencies first: push what is not in Acumatica yet (cascade), or fail naming it.
    const keys = new Map<string, string>();
    for (const dep of uniqueDeps(mapper.dependencies?.(record as never) ?? [])) {
      const resolved = await this.ensure(dep, [...chain, `${entity}/${record._id}`]);
      if ('message' in resolved) return fail(CODES.dependency, resolved.message);
      keys.set(`${dep.entity}/${dep.id}`, resolved.key);
    }

    const ctx: PushContext = {
      settings: input.settings,
      restVersion: this.args.version,
      integrationDate: this.args.integrationDate,
      keys: {
        customer: (id) => keys.get(`customers/${id}`),
        vendor: (id) => keys.get(`vendors/${id}`),
        item: (line) =>
          line.productId
            ? keys.get(`products/${line.productId}`)
            : line.serviceId
              ? keys.get(`services/${line.serviceId}`)
              : line.sku
                ? skuKey(line.sku)
                : undefined,
      },
    };
    try {
      // Mapped once up front so a mapping problem fails this record before anything is sent.
      if (!mapper.push) throw new Error(`${ENTITIES[entity].label} records are not pushed to Acumatica`);
      mapper.push(record as never, ctx);
    } catch (err) {
      if (isProgrammingError(err)) throw err;
      if (err instanceof MissingDependencyError) {
        return fail(
          CODES.dependency,
          `Not in Acumatica yet: ${err.missing.map((d) => `${ENTITIES[d.entity].label} ${d.id}`).join(', ')}`,
        );
      }
      return fail(
        CODES.mapping,
        `${ENTITIES[entity].label} could not be mapped for Acumatica: ${messageOf(err)}`,
      );
    }

    const hash = recordHash(entity, record, ctx);
    const sync = record.sync;
    const editedSinceSync = !sync.lastSyncedAt || record.updatedAt.getTime() > sync.lastSyncedAt.getTime();
    if (
      sync.externalId &&
      sync.lastSyncedHash === hash &&
      !editedSinceSync &&
      (sync.state === 'synced' || sync.state === 'pending')
    ) {
      // Acumatica already has this content: no PUT. A re-marked record without changes becomes synced.
      if (sync.state === 'pending') {
        await repo.markSynced(input.accountId, record._id, {
          externalId: sync.externalId,
          acumaticaId: sync.acumaticaId ?? '',
          ...(sync.acumaticaModifiedAt ? { acumaticaModifiedAt: sync.acumaticaModifiedAt } : {}),
          hash,
          pushedRev: read.rev,
        });
      }
      return { status: 'unchanged', externalId: sync.externalId };
    }

    if (sync.externalId && (await this.acumaticaWins(entity, mapper, record))) {
      // Last-modified wins: an ERP edit newer than ours replaced our record instead of being overwritten.
      return { status: 'unchanged', externalId: sync.externalId };
    }

    try {
      const saved = await this.send(entity, mapper, record, ctx, read);
      if ('gone' in saved) return fail(CODES.gone, saved.gone);
      const externalId = keyOf(mapper, saved.response) ?? sync.externalId;
      const acumaticaId =
        typeof saved.response.id === 'string' ? saved.response.id : (sync.acumaticaId ?? '');
      if (!externalId)
        throw new Error(`Acumatica returned the ${ENTITIES[entity].label.toLowerCase()} without its key`);
      const modifiedField = mapper.pullQuery?.(this.args.version).modifiedField ?? null;
      const modified = modifiedAt(saved.response, modifiedField);
      await repo.markSynced(input.accountId, record._id, {
        externalId,
        acumaticaId,
        ...(modified ? { acumaticaModifiedAt: modified } : {}),
        hash,
        pushedRev: read.rev,
      });
      return { status: 'pushed', externalId };
    } catch (err) {
      if (!isRecordRejection(err)) throw err;
      const detail = err.fieldErrors.length > 0 ? formatFieldErrors(err.fieldErrors) : err.message;
      return fail(
        CODES.rejected,
        `Acumatica rejected the ${ENTITIES[entity].label.toLowerCase()}: ${detail}`,
      );
    }
  }

  /** The Acumatica key of a dependency, pushing it first when it is not in Acumatica yet. */
  private async ensure(
    dep: Dependency,
    chain: readonly string[],
  ): Promise<{ key: string } | { message: string }> {
    const id = `${dep.entity}/${dep.id}`;
    const label = ENTITIES[dep.entity].label;
    if (chain.includes(id)) return { message: `${label} ${dep.id} is part of a circular reference` };
    let loading = this.dependencies.get(id);
    if (!loading) {
      loading = repoOf(this.args.records, dep.entity).get(this.args.input.accountId, dep.id);
      this.dependencies.set(id, loading);
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
    let outcome = this.done.get(id);
    const started = !outcome;
    if (!outcome) {
      outcome = this.push(dep.entity, record, chain);
      this.done.set(id, outcome);
    }
    const result = await outcome;
    const name = recordName(record);
    // Counted once, by the push that started it, under the dependency's own type.
    if (started && !this.pageItems.has(id)) {
      if (result.status === 'failed') this.args.tally?.fail(record._id, name, result.message, dep.entity);
      else this.args.tally?.cascaded(dep.entity, result.status);
    }
    if (result.status === 'failed') {
      return {
        message: `${label} ${dep.id}${name ? ` (${name})` : ''} could not be pushed: ${result.message}`,
      };
    }
    return { key: result.externalId };
  }

  /**
   * Sends the PUT. Client-chosen keys and known document numbers are idempotent upserts. An auto-numbered
   * document without a number is created exactly once: the intent is recorded before the create, and any
   * attempt that finds an intent looks the document up by its external reference and adopts it. Recording
   * the intent advances `read.rev`, the revision the outcome is written back to.
   */
  private async send(
    entity: EntityType,
    mapper: AnyMapper,
    record: AnyRecord,
    ctx: PushContext,
    read: { rev: number },
  ): Promise<{ response: AcumaticaRecord } | { gone: string }> {
    const { client, input, signal } = this.args;
    const def = ENTITIES[entity];
    const detailPaths = detailsOf(mapper, this.args.version, def.acumaticaEntity);
    const externalId = record.sync.externalId;

    if (def.key.kind !== 'auto-numbered' || externalId) {
      let current: AcumaticaRecord | undefined;
      if (externalId && detailPaths.length > 0) {
        // Detail rows are matched to Acumatica's by id, so an update never duplicates lines.
        current = await this.current(
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
      const body = current
        ? mapper.push?.(record as never, { ...ctx, current })
        : mapper.push?.(record as never, ctx);
      const keyed =
        externalId && def.key.kind === 'auto-numbered'
          ? { ...body, ...mapper.keyFieldsFromExternalId(externalId).body }
          : body;
      return { response: await client.put(def.acumaticaEntity, keyed ?? {}, { signal }) };
    }

    // Auto-numbered, no number yet.
    if (def.key.kind !== 'auto-numbered') throw new Error(`${def.label} has no document number to create`);
    const refField = def.key.externalRefField;
    const repo = repoOf(this.args.records, entity);
    const body = mapper.push?.(record as never, ctx) ?? {};
    let intent = record.sync.pushIntent;
    if (!intent) {
      const recorded = await repo.recordPushIntent(input.accountId, record._id, {
        externalRef: record.externalRef,
        runId: input.runId,
        rev: read.rev,
      });
      if (!recorded) throw new Error(`${def.label} ${record._id} disappeared during the push`);
      read.rev = recorded.rev;
      if (recorded.created) return { response: await client.put(def.acumaticaEntity, body, { signal }) };
      intent = recorded.intent;
    }
    // An earlier attempt may have created the document and lost the answer: find it before creating.
    const found = await client.list(def.acumaticaEntity, {
      filter: lookupFilter(refField, def.key.keyFields, body, intent.externalRef),
      ...(detailPaths.length > 0 ? { expand: detailPaths } : {}),
      top: 2,
      signal,
    });
    const existing = found[0];
    if (!existing) return { response: await client.put(def.acumaticaEntity, body, { signal }) };
    if (found.length > 1) {
      this.args.log.warn(
        { recordId: record._id, entity },
        'several Acumatica documents carry this external reference; adopting the first',
      );
    }
    const key = keyOf(mapper, existing);
    if (!key) throw new Error(`Acumatica returned a ${def.label.toLowerCase()} without its key`);
    this.args.log.info(
      { recordId: record._id, entity, key },
      'adopted the document an earlier attempt created',
    );
    const update = {
      ...(mapper.push?.(record as never, { ...ctx, current: existing }) ?? body),
      ...mapper.keyFieldsFromExternalId(key).body,
    };
    return { response: await client.put(def.acumaticaEntity, update, { signal }) };
  }

  /**
   * Last-modified-wins before an update: reads Acumatica's copy of a record it already has and, when that
   * copy changed after we last saw it and after our own edit, applies it to our record (as a pull would,
   * with a note that local changes were replaced). True when Acumatica's copy was applied, so the update
   * must not be sent. Only for entity types that are pulled: there is no mapping back for the others.
   * Costs one GET per update; creates and unchanged records cost nothing.
   */
  private async acumaticaWins(entity: EntityType, mapper: AnyMapper, record: AnyRecord): Promise<boolean> {
    const def = ENTITIES[entity];
    const query = mapper.pullQuery?.(this.args.version);
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
    const theirs = await this.current(
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
    const { input } = this.args;
    let pulled;
    try {
      const ctx: PullContext = {
        settings: input.settings,
        restVersion: this.args.version,
        ids: await resolveReferences(this.args.records, this.args.input.accountId, mapper, [theirs]),
      };
      pulled = mapper.pull(theirs, ctx);
    } catch (err) {
      // Acumatica's copy cannot be read back: our push goes out as before rather than failing the record.
      this.args.log.warn(
        { recordId: record._id, entity, err: messageOf(err) },
        'newer Acumatica copy could not be mapped',
      );
      return false;
    }
    if (pulled.kind !== 'record') return false;
    const fields = pulled.fields as PulledFields<EntityType>;
    const applied = await repoOf(this.args.records, entity).applyPulled(input.accountId, {
      acumaticaId: pulled.acumaticaId ?? record.sync.acumaticaId ?? `${def.acumaticaEntity}:${pulled.key}`,
      externalId: pulled.key,
      acumaticaModifiedAt: modified,
      hash: fieldsHash(entity, fields, input.settings),
      fields: fields as never,
      externalRef: record.externalRef,
    });
    // "unchanged": the newer copy does not differ in what we sync (or ours is newer after all): push ours.
    if (applied.outcome === 'unchanged') return false;
    this.args.log.info({ recordId: record._id, entity }, "Acumatica's newer copy replaced the local edit");
    return true;
  }

  /**
   * Acumatica's current copy (with the `expand`ed detail rows), or undefined when it no longer exists. Read
   * once per record and push: the last-modified check and the detail-row match of the update that follows
   * share one GET when the first read expanded what the second needs.
   */
  private current(
    acumaticaEntity: string,
    mapper: AnyMapper,
    externalId: string,
    acumaticaId: string | undefined,
    expand: string[],
  ): Promise<AcumaticaRecord | undefined> {
    const id = `${acumaticaEntity}/${acumaticaId || externalId}`;
    const read = this.copies.get(id);
    if (read && expand.every((path) => read.expand.includes(path))) return read.copy;
    const address = acumaticaId || mapper.keyFieldsFromExternalId(externalId).segments;
    const copy = this.args.client
      .get(acumaticaEntity, address, { expand, signal: this.args.signal })
      .catch((err: unknown) => {
        if (isAcumaticaError(err) && err.type === 'AcumaticaNotFound') return undefined;
        throw err;
      });
    this.copies.set(id, { expand, copy });
    return copy;
  }
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

function keyOf(mapper: AnyMapper, record: AcumaticaRecord): string | undefined {
  const key = mapper.keyOf(record);
  return key && !key.startsWith('/') && !key.endsWith('/') ? key : undefined;
}

function modifiedAt(record: AcumaticaRecord, field: string | null): Date | undefined {
  if (!field) return undefined;
  const raw = (record[field] as { value?: unknown } | undefined)?.value;
  if (typeof raw !== 'string') return undefined;
  const at = new Date(raw);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function uniqueDeps(deps: Dependency[]): Dependency[] {
  const seen = new Set<string>();
  return deps.filter((d) => {
    const id = `${d.entity}/${d.id}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
