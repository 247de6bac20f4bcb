/**
 * Contracts shared by the per-entity mappers: what a push or pull mapping is given, what it returns,
 * and how a mapper declares the Acumatica fields it touches (checked against the real schema in tests).
 */
import type { EntityType, RestVersion } from '../../core/entities';
import type { CreateInputs, Line, RecordTypes } from '../../core/records';
import type { RunSettings, SkipReason } from '../../core/runs';
import type { AcumaticaRecord } from '../values';

/** A request body for `PUT /<Entity>`: wrapped fields, linked objects, detail arrays. */
export type AcumaticaBody = Record<string, unknown>;

/** Resolves our record ids to the Acumatica keys of records already synced. */
export interface PushKeys {
  /** CustomerID of one of our customers, once it exists in Acumatica. */
  customer(id: string): string | undefined;
  /** VendorID of one of our vendors, once it exists in Acumatica. */
  vendor(id: string): string | undefined;
  /** InventoryID of a line's product or service (or of its bare SKU). */
  item(line: Line): string | undefined;
}

export interface PushContext {
  settings: RunSettings;
  restVersion: RestVersion;
  /** ISO date (`YYYY-MM-DD`) of the run, used as the invoice date when the setting says so. */
  integrationDate: string;
  keys: PushKeys;
  /**
   * Acumatica's current copy of the record (fetched with the pull query's expands) when this push
   * updates an existing record: detail rows are then matched to its rows by `id` so an update never
   * duplicates lines. Leave it out on create, and when hashing (see `pushHash`).
   */
  current?: AcumaticaRecord;
  /** Service order type for work orders; `MRO` when not given. */
  serviceOrderType?: string;
}

/** Resolves Acumatica keys of pulled references to our record ids. */
export interface PullIds {
  customer(customerId: string): string | undefined;
  item(inventoryId: string): { productId: string } | { serviceId: string } | undefined;
}

export interface PullContext {
  settings: RunSettings;
  restVersion: RestVersion;
  ids: PullIds;
}

/** A reference the pull could not resolve to one of our records (its field is left out). */
export interface UnresolvedReference {
  field: string;
  entity: EntityType;
  key: string;
}

/** Fields of a pulled record, shaped like our create input. */
export type PulledFields<T extends EntityType> = Partial<CreateInputs[T]>;

export type PullResult<T extends EntityType> =
  | {
      kind: 'record';
      /** Acumatica's record GUID (`id`), when it has one (inquiry rows do not). */
      acumaticaId: string | null;
      /** The externalId string (`C000123`, `MRO/SO000412`). */
      key: string;
      /** ISO instant of the version's modified field, or null when the version has none. */
      modifiedAt: string | null;
      /**
       * The fields the pull manages: written on create and compared (see `pulledHash`) and updated
       * when Acumatica's copy is newer. A managed field left out means Acumatica has no value.
       */
      fields: PulledFields<T>;
      /** Values used only when the pull creates the record on our side, never on update. */
      createDefaults: PulledFields<T>;
      unresolved: UnresolvedReference[];
    }
  | { kind: 'skip'; acumaticaId: string | null; key: string; reason: string; because: SkipReason };

/** How to read one entity type from Acumatica for a given version. */
export interface PullQuery {
  entity: string;
  /** The field a `$filter` on "modified since" uses; null when the version has none (re-read everything). */
  modifiedField: string | null;
  expand: string[];
  /**
   * Inquiry entities (SalesPricesInquiry) are run with `PUT /<entity>?$expand=…` and this filter body
   * instead of being listed with GET.
   */
  inquiry?: AcumaticaBody;
}

/** JSON kind of a field's value, compared with the schema's wrapper type in tests. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'datetime' | 'linked' | 'details';

/** Acumatica field paths (`Customer.MainContact.Address.City`) with the kind the mapper sends or reads. */
export type FieldList = Readonly<Record<string, FieldKind>>;

/** Key fields for an update PUT (wrapped) and the URL segments of a GET by key. */
export interface KeyFields {
  body: Record<string, { value: string }>;
  segments: string[];
}

/** One entity type's mapping, as the registry exposes it. */
export interface EntityMapper<T extends EntityType> {
  entity: T;
  acumaticaEntity: string;
  /** Record → request body. Throws `MissingDependencyError` when a referenced record has no key yet. */
  push?: (record: RecordTypes[T], ctx: PushContext) => AcumaticaBody;
  /** Client-chosen key of a record on its first push (CustomerID, VendorID, InventoryID). */
  keyFor?: (record: RecordTypes[T]) => string;
  /** Records this record needs in Acumatica before it can be pushed (cascade order). */
  dependencies?: (record: RecordTypes[T]) => Dependency[];
  /** Acumatica record → our fields. Price lists map a whole inquiry result through `pullMany`. */
  pull?: (entity: AcumaticaRecord, ctx: PullContext) => PullResult<T>;
  pullMany?: (result: AcumaticaRecord, ctx: PullContext) => PullResult<T>[];
  /** Our fields (a stored record or a pull's `fields`) reduced to what a pull can see, for hashing. */
  comparable?: (fields: PulledFields<T> | RecordTypes[T], settings: RunSettings) => Record<string, unknown>;
  /** The Acumatica keys a page of pulled records refers to, so the caller can resolve them in one query. */
  pullReferences?: (entity: AcumaticaRecord) => { customers: string[]; items: string[] };
  pullQuery?: (version: RestVersion) => PullQuery;
  /** Our externalId string for an Acumatica record. */
  keyOf: (entity: AcumaticaRecord) => string;
  keyFieldsFromExternalId: (externalId: string) => KeyFields;
  fieldList: (version: RestVersion, direction: 'push' | 'pull') => FieldList;
}

export interface Dependency {
  entity: EntityType;
  id: string;
}

/**
 * A record refers to records that are not in Acumatica yet. `type` is the failure type the push
 * activity reports; `missing` lets it push those records first (cascade) or name them in a note.
 */
export class MissingDependencyError extends Error {
  readonly type = 'MissingDependency';
  constructor(readonly missing: readonly Dependency[]) {
    super(`Not in Acumatica yet: ${missing.map((d) => `${d.entity} ${d.id}`).join(', ')}`);
    this.name = 'MissingDependencyError';
  }
}
