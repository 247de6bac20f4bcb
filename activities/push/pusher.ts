/**
 * Pushing one record: dependencies first (cascade.ts), mapped once so a mapping problem fails it before
 * anything is sent, skipped when Acumatica already holds this content, merged with a change made in
 * Acumatica since our last sync (merge-acumatica-copy.ts), sent (create-once.ts), and its outcome written
 * back to the store with the new merge base, batched with the page's other outcomes (outcome-writes.ts).
 */
import { formatFieldErrors } from '../../acumatica';
import { MissingDependencyError, skuKey, type PushContext } from '../../acumatica/mappers';
import { ENTITIES, type EntityType } from '../../core/entities';
import { conflictNote } from '../../core/merge';
import { revisionOf } from '../../core/revisions';
import { isProgrammingError, isRecordRejection, messageOf } from '../failures';
import { mapperFor, recordHash, recordView, type AnyRecord } from '../mapping';
import { AcumaticaCopies } from './acumatica-copies';
import { ensureDependency, uniqueDeps } from './cascade';
import { send } from './create-once';
import { baseAfterPut } from './document-merge';
import { mergeAcumaticaCopy } from './merge-acumatica-copy';
import type { RecordedIntent } from '../../store/records/push-outcomes';
import { OutcomeWrites } from './outcome-writes';
import { CODES, keyOf, modifiedAt, repoOf, type Outcome, type PusherArgs } from './shared';

/** Pushes records with their dependencies; one instance per page so a dependency is pushed at most once. */
export class Pusher {
  /** Dependency outcomes of this page, by `entity/id`. */
  readonly done = new Map<string, Promise<Outcome>>();
  /** Dependency records read for this page (records of a page share customers and items), by `entity/id`. */
  readonly dependencies = new Map<string, Promise<AnyRecord | null>>();
  /** Acumatica's copies read during this page's pushes. */
  private readonly copies: AcumaticaCopies;
  /** Successful outcomes, written back in batches (outcome-writes.ts). */
  private readonly writes: OutcomeWrites;
  /** Push intents recorded for the page's creates before they are sent, by `entity/id`. */
  private readonly intents = new Map<string, RecordedIntent>();
  /** When each record's write-back (and its conflict notes) is in the store, by `entity/id`. */
  private readonly writtenBack = new Map<string, Promise<void>>();

  /** @param pageItems the page's own records (`entity/id`): counted by the page, not as cascaded */
  constructor(
    readonly args: PusherArgs,
    readonly pageItems: ReadonlySet<string> = new Set(),
  ) {
    this.copies = new AcumaticaCopies(args.client, args.signal);
    this.writes = new OutcomeWrites(args);
  }

  /**
   * Records the push intents of the auto-numbered documents among `records` that will be created (no
   * number, no intent yet), in one store command instead of one before each create (create-once.ts). An
   * intent whose record then fails before its create is harmless: its next push looks the document up
   * by its external reference first, as after any failure.
   */
  async recordIntents(entity: EntityType, records: readonly AnyRecord[]): Promise<void> {
    if (ENTITIES[entity].key.kind !== 'auto-numbered') return;
    const { input } = this.args;
    const creates = records.filter((r) => !r.sync.externalId && !r.sync.pushIntent && !r.sync.doNotSend);
    const recorded = await repoOf(this.args.records, entity).recordPushIntents(
      input.accountId,
      creates.map((r) => ({ id: r._id, externalRef: r.externalRef, runId: input.runId, rev: revisionOf(r) })),
    );
    for (const [id, intent] of recorded) this.intents.set(`${entity}/${id}`, intent);
  }

  /**
   * Settles when the record's outcome is in the store: a successful push's write-back goes out with its
   * batch; a failure or an unchanged record was written (or needed nothing) before its push returned.
   */
  writtenOf(entity: EntityType, id: string): Promise<void> {
    return this.writtenBack.get(`${entity}/${id}`) ?? Promise.resolve();
  }

  /** Writes back every outcome still queued and waits for all of them. @throws the first store error */
  async settle(): Promise<void> {
    await this.writes.flush();
    await Promise.all(this.writtenBack.values());
  }

  private trackWriteBack(entity: EntityType, id: string, done: Promise<void>): void {
    // Handled here so a dependency's write that fails does not go unobserved: settle() rethrows it.
    done.catch(() => undefined);
    this.writtenBack.set(`${entity}/${id}`, done);
  }

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
    const recorded = this.intents.get(`${entity}/${record._id}`);
    const read = { rev: recorded?.rev ?? revisionOf(record) };
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
    const resolveDependencies = async (of: AnyRecord): Promise<string | undefined> => {
      for (const dep of uniqueDeps(mapper.dependencies?.(of as never) ?? [])) {
        if (keys.has(`${dep.entity}/${dep.id}`)) continue;
        const resolved = await ensureDependency(this, dep, [...chain, `${entity}/${record._id}`]);
        if ('message' in resolved) return resolved.message;
        keys.set(`${dep.entity}/${dep.id}`, resolved.key);
      }
      return undefined;
    };
    const missing = await resolveDependencies(record);
    if (missing) return fail(CODES.dependency, missing);

    // The merge base stored with the outcome: the view of what Acumatica now holds (two-way types only).
    const baseOf = (sent: AnyRecord) => {
      const base = recordView(entity, sent, input.settings);
      return base ? { base } : {};
    };
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

    let hash = recordHash(entity, record, ctx);
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
        this.trackWriteBack(
          entity,
          record._id,
          this.writes.synced(entity, record._id, {
            externalId: sync.externalId,
            acumaticaId: sync.acumaticaId ?? '',
            ...(sync.acumaticaModifiedAt ? { acumaticaModifiedAt: sync.acumaticaModifiedAt } : {}),
            hash,
            pushedRev: read.rev,
            ...baseOf(record),
          }),
        );
      }
      return { status: 'unchanged', externalId: sync.externalId };
    }

    // An ERP edit since our last sync is merged in first: what goes out is the merged record.
    let sending = record;
    if (sync.externalId) {
      const copy = await mergeAcumaticaCopy(this.args, this.copies, entity, mapper, record);
      if (copy.kind === 'nothing') return { status: 'unchanged', externalId: sync.externalId };
      if (copy.kind === 'merged') {
        sending = copy.record;
        read.rev = revisionOf(sending);
        // Acumatica's lines may name items of their own: resolved like ours.
        const unresolved = await resolveDependencies(sending);
        if (unresolved) return fail(CODES.dependency, unresolved);
        hash = recordHash(entity, sending, ctx);
      }
    }

    try {
      const saved = await send(this.args, this.copies, entity, mapper, sending, ctx, read, recorded);
      if ('gone' in saved) return fail(CODES.gone, saved.gone);
      const externalId = keyOf(mapper, saved.response) ?? sync.externalId;
      const acumaticaId =
        typeof saved.response.id === 'string' ? saved.response.id : (sync.acumaticaId ?? '');
      if (!externalId)
        throw new Error(`Acumatica returned the ${ENTITIES[entity].label.toLowerCase()} without its key`);
      const modifiedField = mapper.pullQuery?.(this.args.version).modifiedField ?? null;
      const modified = modifiedAt(saved.response, modifiedField);
      // A push-only document's base is what this PUT sent and Acumatica answered (core/document-merge.ts).
      const base = saved.plan ? { base: baseAfterPut(saved.plan, saved.response) } : baseOf(sending);
      const written = this.writes.synced(entity, record._id, {
        externalId,
        acumaticaId,
        ...(modified ? { acumaticaModifiedAt: modified } : {}),
        hash,
        pushedRev: read.rev,
        ...base,
      });
      const conflicts = saved.plan?.conflicts ?? [];
      this.trackWriteBack(
        entity,
        record._id,
        conflicts.length === 0
          ? written
          : written.then(async () => {
              for (const conflict of conflicts) {
                await repo.addNote(input.accountId, record._id, {
                  text: conflictNote(conflict),
                  author: 'sync',
                  runId: input.runId,
                });
              }
            }),
      );
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
}
