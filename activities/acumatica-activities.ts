/**
 * Activities that call Acumatica (the Acumatica task queue, rate limited by the Temporal server):
 * pushing a page of records, pulling a page of Acumatica changes, and the connection check.
 * Inputs and results carry ids, cursors and counts only; record bodies and secrets stay in the worker.
 */
import { activityInfo, cancellationSignal, heartbeat } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { PageResult } from '../core/runs';
import type { Store } from '../store';
import type { AccountActivityGate } from './account-gate';
import type { AcumaticaClientRegistry } from './client-registry';
import { versionOf } from './versions';
import { toActivityFailure } from './failures';
import { checkConnection } from './connection-check';
import { PageTally, type TallyState } from './page-tally';
import { pullByKeys, pullPage } from './pull';
import { pushPage, pushRecords, type PushPageArgs } from './push';
import type { RecordSyncOutcome } from '../core/targeted-sync';
import { ENTITIES } from '../core/entities';
import type {
  AcumaticaActivities,
  ConnectionActivities,
  ConnectionCheck,
  PageInput,
  PullPageInput,
  PullRecordsResult,
  TargetedInput,
} from './types';

export interface AcumaticaActivityDeps {
  store: Pick<Store, 'records' | 'accounts'>;
  clients: AcumaticaClientRegistry;
  /** Each account's share of this worker's Acumatica slots, taken by every page activity. */
  gate: AccountActivityGate;
  logger: Logger;
  /** Clock for the integration date and pulls without a modified field (tests). */
  now?: () => Date;
}

/** What a page activity heartbeats: where it is inside the page and what it counted so far. */
export interface PageHeartbeat extends TallyState {
  /** The page's input cursor: details from another page are ignored. */
  cursor: string | null;
  /** Pull: records of the page already applied. Push: the last record id handled. */
  position: number | string | null;
}

/**
 * Builds the Acumatica activities over injected repositories and the client registry (style: temporalio
 * samples `activities-dependency-injection`).
 */
export function createAcumaticaActivities(
  deps: AcumaticaActivityDeps,
): AcumaticaActivities & ConnectionActivities {
  const now = deps.now ?? (() => new Date());

  /**
   * What every page activity does around its direction's work: the account's client, the resumed tally of
   * an earlier attempt, heartbeats per record, cancellation, and one failure classification.
   */
  async function page(
    input: PageInput,
    direction: 'push' | 'pull',
    work: (common: PageCommon, resume: PageHeartbeat | null) => Promise<PageResult>,
  ): Promise<PageResult> {
    const log = deps.logger.child({ accountId: input.accountId, entity: input.entity, direction });
    const leave = deps.gate.enter(input.accountId);
    try {
      const resume = resumeFrom(input.cursor);
      const tally = new PageTally(input.entity, resume);
      return await work(
        {
          input,
          version: versionOf(input.settings.restVersion),
          client: await deps.clients.get(input.accountId, input.connectionVersion),
          records: deps.store.records,
          tally,
          signal: cancellationSignal(),
          log,
          progress: (position) =>
            heartbeat({ cursor: input.cursor, position, ...tally.state() } satisfies PageHeartbeat),
        },
        resume,
      );
    } catch (err) {
      throw toActivityFailure(err);
    } finally {
      leave();
    }
  }

  return {
    /**
     * Pushes one keyset page of records: the pending ones on an incremental run, every record of the type
     * on a full run. Dependencies not in Acumatica yet are pushed first (cascade). Client-chosen keys are
     * PUT as idempotent upserts; auto-numbered documents record a push intent before the create and look
     * up by their external reference on any later attempt, so a lost response never creates a duplicate.
     * Idempotency: per record, by its sync state, stored hash and push intent (a retried page skips what
     * is done); progress is heartbeated per record and a retry resumes after the last record handled.
     * Failure types: a rejected record (422/400/412) becomes `failed` with a note and the page goes on;
     * `AcumaticaThrottled`/`AcumaticaSeatLimit` (retried after the server's delay), `AcumaticaRetryable`;
     * `AcumaticaAuth` and `AccountConfigError` are non-retryable.
     */
    async pushPage(input: PageInput): Promise<PageResult> {
      return page(input, 'push', (common, resume) =>
        pushPage({
          ...common,
          after: typeof resume?.position === 'string' ? resume.position : input.cursor,
          integrationDate: now().toISOString().slice(0, 10),
        }),
      );
    },

    /**
     * Pulls one page of records Acumatica modified in the window (`$filter` on the version's modified
     * field, `$expand` as the mapper says, `$top`/`$skip` from the cursor) and applies each with
     * last-modified-wins; identical content writes nothing. Bad data from Acumatica fails that record
     * only. Idempotency: applying a pulled record twice writes nothing the second time; progress is
     * heartbeated per record and a retry resumes at the next record of the same page.
     * Failure types: `AcumaticaThrottled`/`AcumaticaSeatLimit`, `AcumaticaRetryable` (retried);
     * `AcumaticaAuth`, `AcumaticaRejected` (e.g. an unsupported filter), `AccountConfigError` (non-retryable).
     */
    async pullPage(input: PullPageInput): Promise<PageResult> {
      return page(input, 'pull', (common, resume) =>
        pullPage({
          ...common,
          input,
          startAt: typeof resume?.position === 'number' ? resume.position : 0,
          now: now(),
        }),
      );
    },

    /**
     * "Sync now": pushes just the given records of one type, dependencies first, by the page's rules
     * (exactly-once creation through push intents, last-modified wins); records marked Do Not Send or
     * missing are reported, not sent. Idempotency: per record, by its sync state, hash and push intent, so a
     * retried attempt re-sends nothing already done. Failure types: as `pushPage`.
     */
    async pushRecords(input: TargetedInput & { ids: string[] }): Promise<RecordSyncOutcome[]> {
      const log = deps.logger.child({ accountId: input.accountId, entity: input.entity, direction: 'push' });
      try {
        return await pushRecords({
          input,
          entity: input.entity,
          ids: input.ids,
          version: versionOf(input.settings.restVersion),
          client: await deps.clients.get(input.accountId),
          records: deps.store.records,
          integrationDate: now().toISOString().slice(0, 10),
          signal: cancellationSignal(),
          log,
        });
      } catch (err) {
        throw toActivityFailure(err);
      }
    },

    /**
     * Pulls just the given records by key (one GET each) and applies them by the ordinary pull rules:
     * last-modified wins, identical content writes nothing, a key Acumatica no longer has deletes nothing.
     * Records are named by our ids (their External IDs are used; ids without one are skipped) or by
     * Acumatica keys. Idempotency: applying the same copy twice writes nothing the second time.
     * Failure types: as `pullPage`.
     */
    async pullRecords(
      input: TargetedInput & { ids?: string[]; keys?: string[] },
    ): Promise<PullRecordsResult> {
      const log = deps.logger.child({ accountId: input.accountId, entity: input.entity, direction: 'pull' });
      try {
        const keys = [...(input.keys ?? [])];
        const skippedIds = new Set(input.ids ?? []);
        if (input.ids && input.ids.length > 0) {
          const repo = deps.store.records[input.entity];
          for (const record of await repo.getMany(input.accountId, input.ids)) {
            if (!record.sync.externalId) continue;
            keys.push(record.sync.externalId);
            skippedIds.delete(record._id);
          }
        }
        const tally = new PageTally(input.entity);
        if (keys.length === 0 || !ENTITIES[input.entity].directions.includes('pull')) {
          return { counts: tally.result(null).counts, failures: [], gone: [], skippedIds: [...skippedIds] };
        }
        const { result, gone } = await pullByKeys({
          input: { ...input, full: false, cursor: null, pageSize: keys.length, since: null },
          keys,
          version: versionOf(input.settings.restVersion),
          client: await deps.clients.get(input.accountId),
          records: deps.store.records,
          tally,
          now: now(),
          signal: cancellationSignal(),
          log,
        });
        return { counts: result.counts, failures: result.failures, gone, skippedIds: [...skippedIds] };
      } catch (err) {
        throw toActivityFailure(err);
      }
    },

    /**
     * Signs in, checks the REST version, reads one record of each selected entity type, signs out.
     * Idempotency: read-only. Failure types: none — every failing check is an item of the checklist.
     */
    async checkConnection(input: { accountId: string }): Promise<ConnectionCheck[]> {
      return checkConnection({
        accountId: input.accountId,
        accounts: deps.store.accounts,
        clients: deps.clients,
        signal: cancellationSignal(),
        logger: deps.logger.child({ accountId: input.accountId }),
      });
    },
  };
}

/** The arguments push and pull pages share. */
type PageCommon = Pick<
  PushPageArgs,
  'input' | 'version' | 'client' | 'records' | 'tally' | 'signal' | 'log'
> & { progress(position: number | string): void };

/** The heartbeat of an earlier attempt at the same page, if any. */
function resumeFrom(cursor: string | null): PageHeartbeat | null {
  const details: unknown = activityInfo().heartbeatDetails;
  if (!details || typeof details !== 'object') return null;
  const d = details as Partial<PageHeartbeat>;
  return d.cursor === cursor && d.counts ? (d as PageHeartbeat) : null;
}
