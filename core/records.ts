/**
 * Field-service record schemas for the eleven entity types of the catalog (design §4): what the API or
 * the field-service app may send (create/update input) and what the store keeps (record types).
 * Pure zod, no IO, no Node built-ins: imported inside Temporal's workflow sandbox.
 *
 * Business dates are ISO `YYYY-MM-DD` strings (a calendar date has no time zone); timestamps we keep
 * (`createdAt`, `updatedAt`, sync times) are `Date`s so MongoDB orders them.
 * References between records use our ids (`customerId`, a line's `productId`), never Acumatica keys.
 */
import { z } from 'zod';
import { ENTITIES, type EntityType, type SyncState } from './entities';

// ---------------------------------------------------------------------------------------------------
// Building blocks

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional();
const isoDate = z.iso.date({ error: 'must be a date in the form YYYY-MM-DD' });
const money = z.number().finite().min(0).max(1e12);
const recordId = z
  .string()
  .regex(/^[a-z]{2,4}_[A-Za-z0-9]{6,40}$/, { error: 'must be a record id such as cus_k3j9x2m4q8w1' });

/** A postal address with optional coordinates (Acumatica has none; routing needs them). */
export const addressSchema = z
  .object({
    line1: optionalText(200),
    line2: optionalText(200),
    line3: optionalText(200),
    city: optionalText(100),
    state: optionalText(100),
    postalCode: optionalText(20),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, { error: 'must be a two-letter ISO country code' })
      .optional(),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
  })
  .strict()
  .refine((a) => (a.latitude === undefined) === (a.longitude === undefined), {
    error: 'must be given together with longitude',
    path: ['latitude'],
  });
export type Address = z.output<typeof addressSchema>;

/**
 * True when an address carries usable coordinates. (0, 0) is rejected too: it is what systems write
 * when they have no position, and a technician cannot be routed there.
 */
export function hasValidCoordinates(address: Address | undefined): boolean {
  if (address?.latitude === undefined || address.longitude === undefined) return false;
  return !(address.latitude === 0 && address.longitude === 0);
}

export const PHONE_KINDS = ['business', 'mobile', 'home', 'fax', 'other'] as const;

export const phoneSchema = z.object({ kind: z.enum(PHONE_KINDS), number: text(40) }).strict();
export type Phone = z.output<typeof phoneSchema>;

export const contactSchema = z
  .object({
    name: text(255),
    title: optionalText(100),
    email: z.email({ error: 'must be an email address' }).max(254).optional(),
    phones: z.array(phoneSchema).max(10).default([]),
    isPrimary: z.boolean().default(false),
  })
  .strict();
export type Contact = z.output<typeof contactSchema>;

/** A customer's service location; `id` is ours and stable so work orders can point at it. */
export const locationSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'must be 1-40 letters, digits, _ or -' })
      .optional(),
    name: text(255),
    address: addressSchema,
    contact: contactSchema.optional(),
    isPrimary: z.boolean().default(false),
  })
  .strict();
export type Location = z.output<typeof locationSchema>;

/** A document line: an item by our product or service id (or a bare SKU), quantity and price. */
export const lineSchema = z
  .object({
    productId: recordId.optional(),
    serviceId: recordId.optional(),
    sku: optionalText(30),
    description: optionalText(1000),
    quantity: z.number().finite().gt(0, { error: 'must be greater than 0' }).max(1e9),
    unitPrice: money,
    uom: optionalText(10),
    discountPercent: z.number().min(0).max(100).optional(),
  })
  .strict()
  .refine((l) => !(l.productId && l.serviceId), {
    error: 'must not be set together with productId',
    path: ['serviceId'],
  })
  .refine((l) => Boolean(l.productId ?? l.serviceId ?? l.sku ?? l.description), {
    error: 'is required when a line has no productId, serviceId or sku',
    path: ['description'],
  });
export type Line = z.output<typeof lineSchema>;

/** A document-level discount or markup: a fixed amount or a percentage of the lines. */
export const adjustmentSchema = z
  .object({
    description: text(255),
    kind: z.enum(['amount', 'percent']),
    value: z.number().finite().min(0).max(1e12),
  })
  .strict()
  .refine((a) => a.kind !== 'percent' || a.value <= 100, {
    error: 'must be at most 100 for a percentage',
    path: ['value'],
  });
export type Adjustment = z.output<typeof adjustmentSchema>;

export const salesTaxSchema = z
  .object({
    taxZoneId: optionalText(10),
    taxId: optionalText(30),
    ratePercent: z.number().min(0).max(100).optional(),
    amount: money.optional(),
  })
  .strict();
export type SalesTax = z.output<typeof salesTaxSchema>;

const externalRef = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9/_.-]{0,29}$/, { error: 'must be 1-30 letters, digits, / _ . or -' });
const number = optionalText(30);
const status = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values);

// ---------------------------------------------------------------------------------------------------
// Per-type business fields. Fields objects carry no defaults and no cross-field rules so that the
// update schema (every field optional) never injects a default into a partial update.

export const CUSTOMER_TYPES = ['BUSINESS', 'RESIDENTIAL'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];
const ACTIVE = ['ACTIVE', 'INACTIVE'] as const;

const customerFields = z.object({
  number,
  name: text(255),
  type: z.enum(CUSTOMER_TYPES),
  status: status(ACTIVE),
  parentCustomerId: recordId.optional(),
  email: z.email({ error: 'must be an email address' }).max(254).optional(),
  phone: optionalText(40),
  terms: optionalText(10),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'must be a three-letter currency code' })
    .optional(),
  contacts: z.array(contactSchema).max(50),
  billingAddress: addressSchema.optional(),
  locations: z.array(locationSchema).max(200),
});

const vendorFields = z.object({
  number,
  name: text(255),
  status: status(ACTIVE),
  contact: contactSchema.optional(),
  address: addressSchema.optional(),
  email: z.email({ error: 'must be an email address' }).max(254).optional(),
  phone: optionalText(40),
  terms: optionalText(10),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'must be a three-letter currency code' })
    .optional(),
});

const sku = z
  .string()
  .trim()
  .min(1)
  .max(30)
  .regex(/^[^\s].*$/);

const productFields = z.object({
  sku,
  description: text(255),
  status: status(ACTIVE),
  manufacturerName: optionalText(100),
  manufacturerPartNumber: optionalText(60),
  barcode: optionalText(100),
  price: money,
  cost: money.optional(),
  unit: text(10),
  itemClass: optionalText(30),
});

const serviceFields = z.object({
  sku,
  description: text(255),
  status: status(ACTIVE),
  price: money,
  unit: text(10),
  itemClass: optionalText(30),
});

export const priceSchema = z
  .object({
    itemSku: sku,
    uom: text(10),
    breakQty: z.number().finite().min(0).default(0),
    price: money,
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: 'must be a three-letter currency code' })
      .optional(),
    effectiveDate: isoDate.optional(),
    expirationDate: isoDate.optional(),
  })
  .strict()
  .refine((p) => !p.effectiveDate || !p.expirationDate || p.expirationDate >= p.effectiveDate, {
    error: 'must not be before effectiveDate',
    path: ['expirationDate'],
  });
export type Price = z.output<typeof priceSchema>;

const priceListFields = z.object({
  priceCode: text(30),
  description: optionalText(255),
  prices: z.array(priceSchema).max(10000),
});

const projectFields = z.object({
  projectCode: text(30),
  name: optionalText(255),
  description: optionalText(1000),
  customerId: recordId.optional(),
  address: addressSchema.optional(),
  // Mirrors Acumatica's project status as pulled ("Active", "In Planning", …): free text, not an enum.
  status: text(40),
});

export const WORK_ORDER_STATUSES = [
  'OPEN',
  'SCHEDULED',
  'IN_PROGRESS',
  'COMPLETED',
  'CLOSED',
  'CANCELED',
] as const;
const workOrderFields = z.object({
  number,
  customerId: recordId,
  locationId: optionalText(40),
  description: text(1000),
  status: z.enum(WORK_ORDER_STATUSES),
  date: isoDate,
  lines: z.array(lineSchema).max(500),
});

/**
 * What a sales document's total is made of besides its lines: document discounts, markups and sales tax
 * (estimates, sales orders and invoices carry the same; see docs/documents.md).
 */
const pricingFields = {
  discounts: z.array(adjustmentSchema).max(20),
  markups: z.array(adjustmentSchema).max(20),
  salesTax: salesTaxSchema.optional(),
};

export const ESTIMATE_STATUSES = ['DRAFT', 'SENT', 'ACCEPTED', 'DECLINED'] as const;
const estimateFields = z.object({
  number,
  customerId: recordId,
  locationId: optionalText(40),
  description: optionalText(1000),
  status: z.enum(ESTIMATE_STATUSES),
  date: isoDate,
  dueDate: isoDate.optional(),
  expirationDate: isoDate.optional(),
  lines: z.array(lineSchema).max(500),
  ...pricingFields,
});

export const ORDER_STATUSES = ['OPEN', 'COMPLETED', 'CANCELED'] as const;
const salesOrderFields = z.object({
  number,
  customerId: recordId,
  locationId: optionalText(40),
  description: optionalText(1000),
  customerPO: optionalText(40),
  status: z.enum(ORDER_STATUSES),
  date: isoDate,
  dueDate: isoDate.optional(),
  requestedDate: isoDate.optional(),
  lines: z.array(lineSchema).max(500),
  ...pricingFields,
});

const purchaseOrderFields = z.object({
  number,
  vendorId: recordId,
  description: optionalText(1000),
  status: z.enum(ORDER_STATUSES),
  date: isoDate,
  promisedDate: isoDate.optional(),
  // unitPrice is the unit cost on a purchase order.
  lines: z.array(lineSchema).max(500),
});

export const INVOICE_STATUSES = ['DRAFT', 'OPEN', 'PAID', 'VOID'] as const;
const invoiceFields = z.object({
  number,
  customerId: recordId,
  workOrderId: recordId.optional(),
  description: optionalText(1000),
  status: z.enum(INVOICE_STATUSES),
  invoiceDate: isoDate,
  dueDate: isoDate.optional(),
  terms: optionalText(10),
  lines: z.array(lineSchema).min(1).max(500),
  ...pricingFields,
});

// ---------------------------------------------------------------------------------------------------
// Create and update inputs

/** Fields every create input may carry besides the business fields. */
const createCommon = {
  /** Our reference sent to Acumatica's external-reference field; generated when absent. */
  externalRef: externalRef.optional(),
};

const notBefore = (later: string, earlier: string) => (v: Record<string, unknown>) =>
  typeof v[later] !== 'string' || typeof v[earlier] !== 'string' || v[later] >= v[earlier];

export const customerCreateInput = customerFields
  .extend({
    ...createCommon,
    type: z.enum(CUSTOMER_TYPES).default('BUSINESS'),
    status: status(ACTIVE).default('ACTIVE'),
    contacts: customerFields.shape.contacts.default([]),
    locations: customerFields.shape.locations.default([]),
  })
  .strict()
  .refine(
    (c) =>
      new Set(c.locations.flatMap((l) => (l.id ? [l.id] : []))).size ===
      c.locations.filter((l) => l.id).length,
    {
      error: 'must have unique ids',
      path: ['locations'],
    },
  );

export const vendorCreateInput = vendorFields
  .extend({ ...createCommon, status: status(ACTIVE).default('ACTIVE') })
  .strict();

export const productCreateInput = productFields
  .extend({ ...createCommon, status: status(ACTIVE).default('ACTIVE'), unit: text(10).default('EA') })
  .strict();

export const serviceCreateInput = serviceFields
  .extend({ ...createCommon, status: status(ACTIVE).default('ACTIVE'), unit: text(10).default('EA') })
  .strict();

export const priceListCreateInput = priceListFields
  .extend({ ...createCommon, prices: priceListFields.shape.prices.default([]) })
  .strict();

export const projectCreateInput = projectFields
  .extend({ ...createCommon, status: text(40).default('Active') })
  .strict();

export const workOrderCreateInput = workOrderFields
  .extend({
    ...createCommon,
    status: z.enum(WORK_ORDER_STATUSES).default('OPEN'),
    lines: workOrderFields.shape.lines.default([]),
  })
  .strict();

export const estimateCreateInput = estimateFields
  .extend({
    ...createCommon,
    status: z.enum(ESTIMATE_STATUSES).default('DRAFT'),
    lines: estimateFields.shape.lines.default([]),
    discounts: pricingFields.discounts.default([]),
    markups: pricingFields.markups.default([]),
  })
  .strict()
  .refine(notBefore('expirationDate', 'date'), {
    error: 'must not be before date',
    path: ['expirationDate'],
  })
  .refine(notBefore('dueDate', 'date'), { error: 'must not be before date', path: ['dueDate'] });

export const salesOrderCreateInput = salesOrderFields
  .extend({
    ...createCommon,
    status: z.enum(ORDER_STATUSES).default('OPEN'),
    lines: salesOrderFields.shape.lines.default([]),
    discounts: pricingFields.discounts.default([]),
    markups: pricingFields.markups.default([]),
  })
  .strict()
  .refine(notBefore('requestedDate', 'date'), { error: 'must not be before date', path: ['requestedDate'] })
  .refine(notBefore('dueDate', 'date'), { error: 'must not be before date', path: ['dueDate'] });

export const purchaseOrderCreateInput = purchaseOrderFields
  .extend({
    ...createCommon,
    status: z.enum(ORDER_STATUSES).default('OPEN'),
    lines: purchaseOrderFields.shape.lines.default([]),
  })
  .strict()
  .refine(notBefore('promisedDate', 'date'), { error: 'must not be before date', path: ['promisedDate'] });

export const invoiceCreateInput = invoiceFields
  .extend({
    ...createCommon,
    status: z.enum(INVOICE_STATUSES).default('OPEN'),
    discounts: pricingFields.discounts.default([]),
    markups: pricingFields.markups.default([]),
  })
  .strict()
  .refine(notBefore('dueDate', 'invoiceDate'), {
    error: 'must not be before invoiceDate',
    path: ['dueDate'],
  });

/** Update shape: every field optional; an optional field may also be `null`, which clears it. */
type UpdateShape<S extends z.ZodRawShape> = {
  [K in keyof S]: S[K] extends z.ZodOptional<z.ZodType>
    ? z.ZodOptional<z.ZodNullable<S[K]>>
    : z.ZodOptional<S[K]>;
};

function updateInputOf<S extends z.ZodRawShape>(
  fields: z.ZodObject<S>,
): z.ZodObject<UpdateShape<S>, z.core.$strict> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, value] of Object.entries(fields.shape)) {
    const field = value as z.ZodType;
    shape[key] = field instanceof z.ZodOptional ? field.nullable().optional() : field.optional();
  }
  return z.strictObject(shape) as unknown as z.ZodObject<UpdateShape<S>, z.core.$strict>;
}

export const customerUpdateInput = updateInputOf(customerFields);
export const vendorUpdateInput = updateInputOf(vendorFields);
export const productUpdateInput = updateInputOf(productFields);
export const serviceUpdateInput = updateInputOf(serviceFields);
export const priceListUpdateInput = updateInputOf(priceListFields);
export const projectUpdateInput = updateInputOf(projectFields);
export const workOrderUpdateInput = updateInputOf(workOrderFields);
export const estimateUpdateInput = updateInputOf(estimateFields);
export const salesOrderUpdateInput = updateInputOf(salesOrderFields);
export const purchaseOrderUpdateInput = updateInputOf(purchaseOrderFields);
export const invoiceUpdateInput = updateInputOf(invoiceFields);

// ---------------------------------------------------------------------------------------------------
// Sync state, notes and the stored record

export const NOTE_AUTHORS = ['sync', 'user'] as const;

export interface Note {
  at: Date;
  text: string;
  author: (typeof NOTE_AUTHORS)[number];
  runId?: string;
}

/** Input for a user's note (the API); sync notes are written by the store itself. */
export const noteInput = z.object({ text: text(4000) }).strict();

export interface SyncError {
  message: string;
  /** Failure type, e.g. `AcumaticaRejected`, `MissingDependency`. */
  code: string;
  runId: string;
  at: Date;
}

/** Written before the create of an auto-numbered document so a retry finds it instead of creating a second. */
export interface PushIntent {
  externalRef: string;
  startedAt: Date;
  runId: string;
}

export interface SyncInfo {
  state: SyncState;
  /** The Acumatica key once synced, e.g. `C000123` or `SO/SO004512`. */
  externalId?: string;
  /** Acumatica's record GUID (`id`). */
  acumaticaId?: string;
  acumaticaModifiedAt?: Date;
  lastSyncedAt?: Date;
  /** Hash of the mapped payload last exchanged: no-op and echo detection. */
  lastSyncedHash?: string;
  lastError?: SyncError;
  pushIntent?: PushIntent;
  /** "Do Not Send": the record is never pushed (marked or full runs, "sync now") until this is cleared. */
  doNotSend?: DoNotSend;
}

/** Why and since when a record is excluded from pushes. Pulls still update the record. */
export interface DoNotSend {
  at: Date;
  reason?: string;
}

/** Fields every stored record has, whatever its type. */
export interface RecordBase {
  _id: string;
  accountId: string;
  externalRef: string;
  createdAt: Date;
  updatedAt: Date;
  /**
   * Revision: 1 when created, advanced by every write (core/revisions.ts). Records stored before revisions
   * existed have none, which counts as 0.
   */
  rev?: number;
  sync: SyncInfo;
  notes: Note[];
}

type Fields<S extends z.ZodType> = Omit<z.output<S>, 'externalRef'>;

export type Customer = RecordBase & Fields<typeof customerCreateInput>;
export type Vendor = RecordBase & Fields<typeof vendorCreateInput>;
export type Product = RecordBase & Fields<typeof productCreateInput>;
export type Service = RecordBase & Fields<typeof serviceCreateInput>;
export type PriceList = RecordBase & Fields<typeof priceListCreateInput>;
export type Project = RecordBase & Fields<typeof projectCreateInput>;
export type WorkOrder = RecordBase & Fields<typeof workOrderCreateInput>;
export type Estimate = RecordBase & Fields<typeof estimateCreateInput>;
export type SalesOrder = RecordBase & Fields<typeof salesOrderCreateInput>;
export type PurchaseOrder = RecordBase & Fields<typeof purchaseOrderCreateInput>;
export type Invoice = RecordBase & Fields<typeof invoiceCreateInput>;

/** The stored record type of each entity type. */
export interface RecordTypes {
  customers: Customer;
  vendors: Vendor;
  products: Product;
  services: Service;
  'price-lists': PriceList;
  projects: Project;
  'work-orders': WorkOrder;
  estimates: Estimate;
  'sales-orders': SalesOrder;
  'purchase-orders': PurchaseOrder;
  invoices: Invoice;
}

/** What callers may pass to create a record of each type (before defaults). */
export interface CreateInputs {
  customers: z.input<typeof customerCreateInput>;
  vendors: z.input<typeof vendorCreateInput>;
  products: z.input<typeof productCreateInput>;
  services: z.input<typeof serviceCreateInput>;
  'price-lists': z.input<typeof priceListCreateInput>;
  projects: z.input<typeof projectCreateInput>;
  'work-orders': z.input<typeof workOrderCreateInput>;
  estimates: z.input<typeof estimateCreateInput>;
  'sales-orders': z.input<typeof salesOrderCreateInput>;
  'purchase-orders': z.input<typeof purchaseOrderCreateInput>;
  invoices: z.input<typeof invoiceCreateInput>;
}

/** What callers may pass to update a record of each type. */
export interface UpdateInputs {
  customers: z.input<typeof customerUpdateInput>;
  vendors: z.input<typeof vendorUpdateInput>;
  products: z.input<typeof productUpdateInput>;
  services: z.input<typeof serviceUpdateInput>;
  'price-lists': z.input<typeof priceListUpdateInput>;
  projects: z.input<typeof projectUpdateInput>;
  'work-orders': z.input<typeof workOrderUpdateInput>;
  estimates: z.input<typeof estimateUpdateInput>;
  'sales-orders': z.input<typeof salesOrderUpdateInput>;
  'purchase-orders': z.input<typeof purchaseOrderUpdateInput>;
  invoices: z.input<typeof invoiceUpdateInput>;
}

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

export const RECORD_SPECS: { readonly [T in EntityType]: RecordSpec<T> } = {
  customers: {
    type: 'customers',
    idPrefix: 'cus',
    refCode: 'CUS',
    createInput: customerCreateInput,
    updateInput: customerUpdateInput,
    searchFields: ['name', 'number', 'email'],
    references: [{ field: 'parentCustomerId', target: 'customers' }],
  },
  vendors: {
    type: 'vendors',
    idPrefix: 'ven',
    refCode: 'VEN',
    createInput: vendorCreateInput,
    updateInput: vendorUpdateInput,
    searchFields: ['name', 'number'],
    references: [],
  },
  products: {
    type: 'products',
    idPrefix: 'prd',
    refCode: 'PRD',
    createInput: productCreateInput,
    updateInput: productUpdateInput,
    searchFields: ['description', 'sku', 'barcode', 'manufacturerPartNumber'],
    references: [],
  },
  services: {
    type: 'services',
    idPrefix: 'svc',
    refCode: 'SVC',
    createInput: serviceCreateInput,
    updateInput: serviceUpdateInput,
    searchFields: ['description', 'sku'],
    references: [],
  },
  'price-lists': {
    type: 'price-lists',
    idPrefix: 'prl',
    refCode: 'PRL',
    createInput: priceListCreateInput,
    updateInput: priceListUpdateInput,
    searchFields: ['priceCode', 'description'],
    references: [],
  },
  projects: {
    type: 'projects',
    idPrefix: 'prj',
    refCode: 'PRJ',
    createInput: projectCreateInput,
    updateInput: projectUpdateInput,
    searchFields: ['projectCode', 'name', 'description'],
    references: [{ field: 'customerId', target: 'customers' }],
  },
  'work-orders': {
    type: 'work-orders',
    idPrefix: 'wo',
    refCode: 'WO',
    createInput: workOrderCreateInput,
    updateInput: workOrderUpdateInput,
    searchFields: ['number', 'description'],
    references: [{ field: 'customerId', target: 'customers' }, ...lineRefs],
  },
  estimates: {
    type: 'estimates',
    idPrefix: 'est',
    refCode: 'EST',
    createInput: estimateCreateInput,
    updateInput: estimateUpdateInput,
    searchFields: ['number', 'description'],
    references: [{ field: 'customerId', target: 'customers' }, ...lineRefs],
  },
  'sales-orders': {
    type: 'sales-orders',
    idPrefix: 'so',
    refCode: 'SO',
    createInput: salesOrderCreateInput,
    updateInput: salesOrderUpdateInput,
    searchFields: ['number', 'description', 'customerPO'],
    references: [{ field: 'customerId', target: 'customers' }, ...lineRefs],
  },
  'purchase-orders': {
    type: 'purchase-orders',
    idPrefix: 'po',
    refCode: 'PO',
    createInput: purchaseOrderCreateInput,
    updateInput: purchaseOrderUpdateInput,
    searchFields: ['number', 'description'],
    references: [{ field: 'vendorId', target: 'vendors' }, ...lineRefs],
  },
  invoices: {
    type: 'invoices',
    idPrefix: 'inv',
    refCode: 'INV',
    createInput: invoiceCreateInput,
    updateInput: invoiceUpdateInput,
    searchFields: ['number', 'description'],
    references: [
      { field: 'customerId', target: 'customers' },
      { field: 'workOrderId', target: 'work-orders' },
      ...lineRefs,
    ],
  },
};

/** True when records of this type can be marked "Export to Acumatica". */
export function isPushable(type: EntityType): boolean {
  return ENTITIES[type].directions.includes('push');
}

export const EXTERNAL_ID_PENDING = 'Pending';
export const EXTERNAL_ID_FAILED = 'Sync Failed';
export const EXTERNAL_ID_DO_NOT_SEND = 'Do Not Send';

/**
 * The "External ID" column: `Do Not Send` while excluded from pushes (whatever the state), `Pending` while
 * marked, `Sync Failed` after a failure, else the Acumatica key (or null when it never reached Acumatica).
 */
export function externalIdDisplay(sync: Pick<SyncInfo, 'state' | 'externalId' | 'doNotSend'>): string | null {
  if (sync.doNotSend) return EXTERNAL_ID_DO_NOT_SEND;
  if (sync.state === 'pending') return EXTERNAL_ID_PENDING;
  if (sync.state === 'failed') return EXTERNAL_ID_FAILED;
  return sync.externalId ?? null;
}
