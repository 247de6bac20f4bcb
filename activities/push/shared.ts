/** What the parts of a push share: the arguments of a pusher, a record's outcome, the failure codes. */
import type { Logger } from 'pino';
import type { AcumaticaClient, AcumaticaRecord } from '../../acumatica';
import type { EntityType, RestVersion } from '../../core/entities';
import type { RecordRepositories, RecordRepository } from '../../store/records';
import type { AnyMapper } from '../mapping';
import type { PageTally } from '../page-tally';
import type { PageInput } from '../types';

/** What a pusher needs: the run's account, settings and Acumatica client, without a page's cursor. */
export interface PusherArgs {
  input: Pick<PageInput, 'accountId' | 'runId' | 'settings'>;
  version: RestVersion;
  client: AcumaticaClient;
  records: RecordRepositories;
  /** ISO date of the run, the invoice date when the account uses the integration date. */
  integrationDate: string;
  signal: AbortSignal;
  log: Logger;
  /** A page's tally, where dependencies the cascade pushed or failed are counted under their own type. */
  tally?: PageTally;
}

export type Outcome =
  { status: 'pushed' | 'unchanged'; externalId: string } | { status: 'failed'; message: string };

/** Failure codes kept in `sync.lastError.code`. */
export const CODES = {
  rejected: 'AcumaticaRejected',
  dependency: 'MissingDependency',
  mapping: 'MappingError',
  gone: 'AcumaticaRecordGone',
} as const;

export function repoOf(records: RecordRepositories, entity: EntityType): RecordRepository<EntityType> {
  return records[entity] as unknown as RecordRepository<EntityType>;
}

/** The record's Acumatica key as the mapper reads it, unless a key field is empty. */
export function keyOf(mapper: AnyMapper, record: AcumaticaRecord): string | undefined {
  const key = mapper.keyOf(record);
  return key && !key.startsWith('/') && !key.endsWith('/') ? key : undefined;
}

/** Acumatica's last-modified time of a record, from the entity's modified field. */
export function modifiedAt(record: AcumaticaRecord, field: string | null): Date | undefined {
  if (!field) return undefined;
  const raw = (record[field] as { value?: unknown } | undefined)?.value;
  if (typeof raw !== 'string') return undefined;
  const at = new Date(raw);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
