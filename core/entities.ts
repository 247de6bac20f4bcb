/**
 * The entity catalog: the eleven field-service record types, the Acumatica entity each maps to,
 * which directions sync, how idempotent creation works, and the dependency phase of a run.
 * Pure data, safe inside the workflow sandbox.
 */

export const ENTITY_TYPES = [
  'customers',
  'vendors',
  'products',
  'services',
  'price-lists',
  'projects',
  'work-orders',
  'estimates',
  'sales-orders',
  'purchase-orders',
  'invoices',
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

export type Direction = 'push' | 'pull';

/** How a record's Acumatica key is obtained on first push. */
export type KeyStrategy =
  /** We choose the key (CustomerID, VendorID, InventoryID): PUT is an idempotent upsert. */
  | { kind: 'client-chosen'; keyField: string }
  /** Acumatica numbers the document: look up by an external-reference field before any create. */
  | { kind: 'auto-numbered'; keyFields: readonly string[]; externalRefField: string }
  /** Pull-only; Acumatica's own key. */
  | { kind: 'acumatica'; keyFields: readonly string[] };

export interface EntityDefinition {
  type: EntityType;
  /** Human label used in notes, summaries and the UI. */
  label: string;
  acumaticaEntity: string;
  directions: readonly Direction[];
  key: KeyStrategy;
  /** Runs go phase 1 → 4; types inside a phase run in parallel. */
  phase: 1 | 2 | 3 | 4;
}

export const ENTITIES: Readonly<Record<EntityType, EntityDefinition>> = {
  customers: {
    type: 'customers',
    label: 'Customer',
    acumaticaEntity: 'Customer',
    directions: ['push', 'pull'],
    key: { kind: 'client-chosen', keyField: 'CustomerID' },
    phase: 1,
  },
  vendors: {
    type: 'vendors',
    label: 'Vendor',
    acumaticaEntity: 'Vendor',
    directions: ['push', 'pull'],
    key: { kind: 'client-chosen', keyField: 'VendorID' },
    phase: 1,
  },
  products: {
    type: 'products',
    label: 'Product',
    acumaticaEntity: 'StockItem',
    directions: ['push', 'pull'],
    key: { kind: 'client-chosen', keyField: 'InventoryID' },
    phase: 1,
  },
  services: {
    type: 'services',
    label: 'Service',
    acumaticaEntity: 'NonStockItem',
    directions: ['push', 'pull'],
    key: { kind: 'client-chosen', keyField: 'InventoryID' },
    phase: 1,
  },
  'price-lists': {
    type: 'price-lists',
    label: 'Price list',
    acumaticaEntity: 'SalesPricesInquiry',
    directions: ['pull'],
    key: { kind: 'acumatica', keyFields: ['PriceCode'] },
    phase: 2,
  },
  projects: {
    type: 'projects',
    label: 'Project',
    acumaticaEntity: 'Project',
    directions: ['pull'],
    key: { kind: 'acumatica', keyFields: ['ProjectID'] },
    phase: 2,
  },
  'work-orders': {
    type: 'work-orders',
    label: 'Work order',
    acumaticaEntity: 'ServiceOrder',
    directions: ['push', 'pull'],
    key: {
      kind: 'auto-numbered',
      keyFields: ['ServiceOrderType', 'ServiceOrderNbr'],
      externalRefField: 'ExternalReference',
    },
    phase: 3,
  },
  estimates: {
    type: 'estimates',
    label: 'Estimate',
    acumaticaEntity: 'SalesOrder',
    directions: ['push'],
    key: { kind: 'auto-numbered', keyFields: ['OrderType', 'OrderNbr'], externalRefField: 'ExternalRef' },
    phase: 3,
  },
  'sales-orders': {
    type: 'sales-orders',
    label: 'Sales order',
    acumaticaEntity: 'SalesOrder',
    directions: ['push'],
    key: { kind: 'auto-numbered', keyFields: ['OrderType', 'OrderNbr'], externalRefField: 'ExternalRef' },
    phase: 3,
  },
  'purchase-orders': {
    type: 'purchase-orders',
    label: 'Purchase order',
    acumaticaEntity: 'PurchaseOrder',
    directions: ['push'],
    key: { kind: 'auto-numbered', keyFields: ['Type', 'OrderNbr'], externalRefField: 'VendorRef' },
    phase: 3,
  },
  invoices: {
    type: 'invoices',
    label: 'Invoice',
    acumaticaEntity: 'Invoice',
    directions: ['push'],
    key: { kind: 'auto-numbered', keyFields: ['Type', 'ReferenceNbr'], externalRefField: 'CustomerOrder' },
    phase: 4,
  },
};

/** The Acumatica fields that make up an entity type's key, in the order its External ID writes them. */
export function keyFieldsOf(type: EntityType): readonly string[] {
  const key = ENTITIES[type].key;
  return key.kind === 'client-chosen' ? [key.keyField] : key.keyFields;
}

/**
 * The Acumatica key (as the External ID column shows it, `C000123` or `SO/SO004512`) of a row whose columns
 * are named as the entity's key fields, e.g. a generic-inquiry row of a push notification; null when a key
 * field is missing or blank.
 */
export function keyOfRow(type: EntityType, values: Readonly<Record<string, unknown>>): string | null {
  const parts = keyFieldsOf(type).map((field) => {
    const value = values[field];
    return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  });
  return parts.every((p) => p !== '') ? parts.join('/') : null;
}

export const PHASES = [1, 2, 3, 4] as const;

export function entitiesInPhase(phase: 1 | 2 | 3 | 4, selected: readonly EntityType[]): EntityType[] {
  return selected.filter((t) => ENTITIES[t].phase === phase);
}

export function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}

export const SYNC_STATES = ['none', 'pending', 'synced', 'failed'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export const SUPPORTED_REST_VERSIONS = ['22.200.001', '23.200.001', '24.200.001'] as const;
export type RestVersion = (typeof SUPPORTED_REST_VERSIONS)[number];
export const DEFAULT_REST_VERSION: RestVersion = '24.200.001';
