/**
 * One push page: send marked records (all records on a full run) to Acumatica, several at a time in lanes,
 * dependencies first, creating auto-numbered documents exactly once. How one record is pushed: pusher.ts;
 * the cascade of dependencies: cascade.ts; an ERP edit merged before the update: merge-acumatica-copy.ts;
 * exactly-once creation with push intents: create-once.ts.
 */
import { ENTITIES, type EntityType } from '../../core/entities';
import type { PageResult } from '../../core/runs';
import type { RecordSyncOutcome } from '../../core/targeted-sync';
import { customerHasGeo, recordName, type AnyRecord } from '../mapping';
import type { PageTally } from '../page-tally';
import type { PageInput } from '../types';
import { preloadDependencies } from './cascade';
import { Pusher } from './pusher';
import { repoOf, type PusherArgs } from './shared';

export type { PusherArgs } from './shared';

export interface PushPageArgs extends Omit<PusherArgs, 'input' | 'tally'> {
  input: PageInput;
  tally: PageTally;
  /** Keyset position: push records with ids after it (the page cursor, or where an earlier attempt stopped). */
  after: string | null;
  /** Heartbeat with the id of the last record handled. */
  progress(position: string): void;
}

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
  await preloadDependencies(pusher, args.entity, [...found.values()]);
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
  await pusher.settle();
  const order = new Map(ids.map((id, i) => [id, i]));
  return out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/**
 * Records of a page pushed at once. The account's limiter still caps requests in flight and per minute;
 * this only keeps its budget busy instead of sending one record at a time.
 */
export const PUSH_CONCURRENCY = 8;

/** Records of a page whose push intents are recorded together (see `pushPage`). */
export const INTENT_WINDOW = 50;

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
  await preloadDependencies(pusher, input.entity, items as AnyRecord[]);
  // Push intents are recorded a window of records at a time, just ahead of their creates: a crash then
  // leaves at most a window of intents whose documents were never sent (each costs a lookup on retry).
  const intentWindows = new Map<number, Promise<void>>();
  const intentsFor = (i: number): Promise<void> => {
    const w = Math.floor(i / INTENT_WINDOW);
    let recording = intentWindows.get(w);
    if (!recording) {
      const window = items.slice(w * INTENT_WINDOW, (w + 1) * INTENT_WINDOW) as AnyRecord[];
      recording = pusher.recordIntents(input.entity, window);
      intentWindows.set(w, recording);
    }
    return recording;
  };
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
        await intentsFor(i);
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
      // Progress passes a record once its outcome is in the store (written back in batches).
      void pusher.writtenOf(input.entity, record._id).then(
        () => {
          finished[i] = true;
          while (finished[contiguous + 1]) contiguous++;
          const done = items[contiguous];
          if (done) args.progress(done._id);
        },
        (err: unknown) => {
          error ??= err;
        },
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUSH_CONCURRENCY, items.length) }, lane));
  // Outcomes already pushed are written back even when a record failed the page, so a retry skips them.
  await pusher.settle().catch((err: unknown) => {
    error ??= err;
  });
  if (error !== undefined) throw error;
  const last = items.at(-1)?._id ?? null;
  return tally.result(page.nextCursor !== null ? last : null);
}
