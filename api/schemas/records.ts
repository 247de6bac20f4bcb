/** Record request and response schemas, and the record view (the "External ID" column included). */
import { z } from 'zod';
import { SYNC_STATES, type EntityType } from '../../core/entities';
import { externalIdDisplay, noteInput, type RecordBase } from '../../core/records';
import { revisionOf } from '../../core/revisions';
import { instant, timestamp, toJson } from './common';

/** Record ids look like `inv_k3j9x2m4q8w1` (store/ids.ts). */
export const recordId = z
  .string()
  .regex(/^[a-z]{2,4}_[0-9A-Za-z]{6,40}$/, { error: 'must be a record id such as cus_k3j9x2m4q8w1' });

const text = (max: number) => z.string().max(max, { error: `must be at most ${max} characters` });

export const recordFilterFields = {
  syncState: z.enum(SYNC_STATES).optional(),
  /** The "External ID" column: `Pending`, `Sync Failed`, or an Acumatica key such as C000123. */
  externalId: text(100).optional(),
  updatedSince: instant.optional(),
  /** Case-insensitive text in the type's name, description or number fields, or our external reference. */
  q: text(200).optional(),
};

export const listRecordsQuery = z
  .object({
    ...recordFilterFields,
    after: recordId.optional(),
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(500, { error: 'must be at most 500' })
      .default(50),
  })
  .strict();

export const MAX_EXPORT_IDS = 1000;

export const exportBody = z
  .object({
    ids: z.array(recordId).min(1).max(MAX_EXPORT_IDS).optional(),
    filter: z.object(recordFilterFields).strict().optional(),
    all: z.literal(true, { error: 'must be true' }).optional(),
  })
  .strict()
  .refine((b) => [b.ids, b.filter, b.all].filter((v) => v !== undefined).length === 1, {
    error: 'must have exactly one of ids, filter or all',
  });

export const noteBody = noteInput;

const syncView = z.object({
  state: z.enum(SYNC_STATES),
  externalId: z.string().optional(),
  acumaticaId: z.string().optional(),
  acumaticaModifiedAt: timestamp.optional(),
  lastSyncedAt: timestamp.optional(),
  lastError: z.object({ message: z.string(), code: z.string(), runId: z.string(), at: timestamp }).optional(),
  doNotSend: z
    .object({ at: timestamp, reason: z.string().optional() })
    .optional()
    .describe('Set while the record is excluded from pushes ("Do Not Send")'),
});

export const doNotSendBody = z
  .object({ reason: text(500).optional() })
  .strict()
  // A PUT without a body arrives as null: exclude without a reason.
  .nullish();

const noteView = z.object({
  at: timestamp,
  text: z.string(),
  author: z.enum(['sync', 'user']),
  runId: z.string().optional(),
});

/** Base fields every record view has; the type's business fields sit beside them. */
export const recordView = z
  .object({
    id: z.string(),
    entityType: z.string(),
    externalRef: z.string().describe("Our reference, sent to Acumatica's external-reference field"),
    externalId: z
      .string()
      .nullable()
      .describe('The "External ID" column: Do Not Send, Pending, Sync Failed, or the Acumatica key'),
    syncState: z.enum(SYNC_STATES),
    sync: syncView,
    notes: z.array(noteView),
    createdAt: timestamp,
    updatedAt: timestamp,
    rev: z
      .number()
      .int()
      .describe(
        'Revision: advanced by every write (yours, the sync worker\'s, a pull). Also sent as the ETag header; send it back as If-Match: "<rev>" on PATCH to update only this revision (412 otherwise)',
      ),
  })
  .catchall(z.unknown())
  .meta({ id: 'Record' });

export type RecordView = z.infer<typeof recordView>;

/**
 * A stored record as the API shows it: business fields flat, sync state without internals (the payload
 * hash and push intent stay inside).
 */
export function toRecordView(type: EntityType, doc: RecordBase): RecordView {
  const {
    _id,
    accountId: _account,
    externalRef,
    sync,
    notes,
    createdAt,
    updatedAt,
    rev: _rev,
    ...fields
  } = doc as RecordBase & Record<string, unknown>;
  return {
    ...(toJson(fields) as Record<string, unknown>),
    id: _id,
    entityType: type,
    externalRef,
    externalId: externalIdDisplay(sync),
    syncState: sync.state,
    sync: toJson({
      state: sync.state,
      externalId: sync.externalId,
      acumaticaId: sync.acumaticaId,
      acumaticaModifiedAt: sync.acumaticaModifiedAt,
      lastSyncedAt: sync.lastSyncedAt,
      lastError: sync.lastError,
      doNotSend: sync.doNotSend,
    }) as RecordView['sync'],
    notes: toJson(notes) as RecordView['notes'],
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    rev: revisionOf(doc),
  };
}
