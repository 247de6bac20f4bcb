/**
 * `RECORD_SPECS`, everything the store and the API need to know about each entity type's records (id
 * prefix, schemas, search fields, references), and the type maps derived from it: the stored record type
 * (`RecordTypes`), the create and the update input (`CreateInputs`, `UpdateInputs`) of each entity type.
 */
import type { z } from 'zod';
import { ENTITIES, type EntityType } from '../entities';
import * as inputs from './inputs';
import type { RecordBase } from './sync-info';

/** A reference from one record to another, checked by the store to exist in the same account. */
export interface ReferenceRule {
  /** Field holding our id: a top-level field, or `lines.productId` for each line. */
  field: string;
  target: EntityType;
}

/** Everything the store and the API need to know about one entity type's records. */
export interface RecordSpec<T extends EntityType> {
  type: T;
  /** Id prefix: ids look like `inv_k3j9x2m4q8w1`. */
  idPrefix: string;
  /** Middle part of generated external refs: `FS-INV-k3j9x2m4q8w1`. */
  refCode: string;
  createInput: z.ZodType<
    Omit<RecordTypes[T], keyof RecordBase> & { externalRef?: string | undefined },
    unknown
  >;
  updateInput: z.ZodType<Partial<Record<string, unknown>>, unknown>;
  /** Fields matched by the list endpoint's text search. */
  searchFields: readonly string[];
  references: readonly ReferenceRule[];
}

const lineRefs: readonly ReferenceRule[] = [
  { field: 'lines.productId', target: 'products' },
  { field: 'lines.serviceId', target: 'services' },
];

/** The table with each entity type's own schema types, from which the type maps below are derived. */
const SPECS = {
  customers: {
    type: 'customers',
    idPrefix: 'cus',
    refCode: 'CUS',
    createInput: inputs.customerCreateInput,
    updateInput: inputs.customerUpdateInput,
    searchFields: ['name', 'number', 'email'],
    references: [{ field: 'parentCustomerId', target: 'customers' }],
  },
  vendors: {
    type: 'vendors',
    idPrefix: 'ven',
    refCode: 'VEN',
    createInput: inputs.vendorCreateInput,
    updateInput: inputs.vendorUpdateInput,
    searchFields: ['name', 'number'],
    references: [],
  },
  products: {
    type: 'products',
    idPrefix: 'prd',
    refCode: 'PRD',
    createInput: inputs.productCreateInput,
    updateInput: inputs.productUpdateInput,
    searchFields: ['description', 'sku', 'barcode', 'manufacturerPartNumber'],
    references: [],
  },
  services: {
    type: 'services',
    idPrefix: 'svc',
    refCode: 'SVC',
    createInput: inputs.serviceCreateInput,
    updateInput: inputs.serviceUpdateInput,
    searchFields: ['description', 'sku'],
    references: [],
  },
  'price-lists': {
    type: 'price-lists',
    idPrefix: 'prl',
    refCode: 'PRL',
    createInput: inputs.priceListCreateInput,
    updateInput: inputs.priceListUpdateInput,
    searchFields: ['priceCode', 'description'],
    references: [],
  },
  projects: {
    type: 'projects',
    idPrefix: 'prj',
    refCode: 'PRJ',
    createInput: inputs.projectCreateInput,
    updateInput: inputs.projectUpdateInput,
    searchFields: ['projectCode', 'name', 'description'],
    references: [{ field: 'customerId', target: 'customers' }],
  },
  'work-orders': {
    type: 'work-orders',
    idPrefix: 'wo',
    refCode: 'WO',
    createInput: inputs.workOrderCreateInput,
    updateInput: inputs.workOrderUpdateInput,
    searchFields: ['number', 'description'],
    references: [{ field: 'customerId', target: 'customers' }, ...lineRefs],
  },
  estimates: {
    type: 'estimates',
    idPrefix: 'est',
    refCode: 'EST',
    createInput: inputs.estimateCreateInput,
    updateInput: inputs.estimateUpdateInput,
    searchFields: ['number', 'description'],
    references: [{ field: 'customerId', target: 'customers' }, ...lineRefs],
  },
  'sales-orders': {
    type: 'sales-orders',
    idPrefix: 'so',
    refCode: 'SO',
    createInput: inputs.salesOrderCreateInput,
    updateInput: inputs.salesOrderUpdateInput,
    searchFields: ['number', 'description', 'customerPO'],
    references: [{ field: 'customerId', target: 'customers' }, ...lineRefs],
  },
  'purchase-orders': {
    type: 'purchase-orders',
    idPrefix: 'po',
    refCode: 'PO',
    createInput: inputs.purchaseOrderCreateInput,
    updateInput: inputs.purchaseOrderUpdateInput,
    searchFields: ['number', 'description'],
    references: [{ field: 'vendorId', target: 'vendors' }, ...lineRefs],
  },
  invoices: {
    type: 'invoices',
    idPrefix: 'inv',
    refCode: 'INV',
    createInput: inputs.invoiceCreateInput,
    updateInput: inputs.invoiceUpdateInput,
    searchFields: ['number', 'description'],
    references: [
      { field: 'customerId', target: 'customers' },
      { field: 'workOrderId', target: 'work-orders' },
      ...lineRefs,
    ],
  },
} satisfies {
  readonly [T in EntityType]: Omit<RecordSpec<T>, 'createInput'> & { createInput: z.ZodType };
};

type Specs = typeof SPECS;
type Fields<S extends z.ZodType> = Omit<z.output<S>, 'externalRef'>;

/** The stored record type of each entity type. */
export type RecordTypes = { [T in EntityType]: RecordBase & Fields<Specs[T]['createInput']> };
/** What callers may pass to create a record of each type (before defaults). */
export type CreateInputs = { [T in EntityType]: z.input<Specs[T]['createInput']> };
/** What callers may pass to update a record of each type. */
export type UpdateInputs = { [T in EntityType]: z.input<Specs[T]['updateInput']> };

export type Customer = RecordTypes['customers'];
export type Vendor = RecordTypes['vendors'];
export type Product = RecordTypes['products'];
export type Service = RecordTypes['services'];
export type PriceList = RecordTypes['price-lists'];
export type Project = RecordTypes['projects'];
export type WorkOrder = RecordTypes['work-orders'];
export type Estimate = RecordTypes['estimates'];
export type SalesOrder = RecordTypes['sales-orders'];
export type PurchaseOrder = RecordTypes['purchase-orders'];
export type Invoice = RecordTypes['invoices'];

export const RECORD_SPECS: { readonly [T in EntityType]: RecordSpec<T> } = SPECS;

/** True when records of this type can be marked "Export to Acumatica". */
export function isPushable(type: EntityType): boolean {
  return ENTITIES[type].directions.includes('push');
}
