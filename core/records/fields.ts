/**
 * The business fields of each entity type. Fields objects carry no defaults and no cross-field rules so
 * that the update schema (every field optional) never injects a default into a partial update; the create
 * inputs (inputs.ts) add them.
 */
import { z } from 'zod';
import {
  text,
  optionalCurrency,
  optionalEmail,
  optionalText,
  isoDate,
  money,
  recordId,
  number,
  status,
  addressSchema,
  contactSchema,
  lineSchema,
  adjustmentSchema,
  salesTaxSchema,
  locationSchema,
} from './parts';

export const CUSTOMER_TYPES = ['BUSINESS', 'RESIDENTIAL'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];
export const ACTIVE = ['ACTIVE', 'INACTIVE'] as const;

export const customerFields = z.object({
  number,
  name: text(255),
  type: z.enum(CUSTOMER_TYPES),
  status: status(ACTIVE),
  parentCustomerId: recordId.optional(),
  email: optionalEmail(),
  phone: optionalText(40),
  terms: optionalText(10),
  currency: optionalCurrency(),
  contacts: z.array(contactSchema).max(50),
  billingAddress: addressSchema.optional(),
  locations: z.array(locationSchema).max(200),
});

export const vendorFields = z.object({
  number,
  name: text(255),
  status: status(ACTIVE),
  contact: contactSchema.optional(),
  address: addressSchema.optional(),
  email: optionalEmail(),
  phone: optionalText(40),
  terms: optionalText(10),
  currency: optionalCurrency(),
});

export const sku = z
  .string()
  .trim()
  .min(1)
  .max(30)
  .regex(/^[^\s].*$/);

export const productFields = z.object({
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

export const serviceFields = z.object({
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
    currency: optionalCurrency(),
    effectiveDate: isoDate.optional(),
    expirationDate: isoDate.optional(),
  })
  .strict()
  .refine((p) => !p.effectiveDate || !p.expirationDate || p.expirationDate >= p.effectiveDate, {
    error: 'must not be before effectiveDate',
    path: ['expirationDate'],
  });
export type Price = z.output<typeof priceSchema>;

export const priceListFields = z.object({
  priceCode: text(30),
  description: optionalText(255),
  prices: z.array(priceSchema).max(10000),
});

export const projectFields = z.object({
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
export const workOrderFields = z.object({
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
export const pricingFields = {
  discounts: z.array(adjustmentSchema).max(20),
  markups: z.array(adjustmentSchema).max(20),
  salesTax: salesTaxSchema.optional(),
};

export const ESTIMATE_STATUSES = ['DRAFT', 'SENT', 'ACCEPTED', 'DECLINED'] as const;
export const estimateFields = z.object({
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
export const salesOrderFields = z.object({
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

export const purchaseOrderFields = z.object({
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
export const invoiceFields = z.object({
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
