/**
 * The building blocks of record schemas: bounded text, dates, money, record ids, and the parts several
 * entity types share (address, phone, contact, location, document line, discount or markup, sales tax).
 * Pure zod: imported inside Temporal's workflow sandbox.
 */
import { z } from 'zod';

/** Bounded text: required (`text`) or optional (`optionalText`), trimmed. */
export const text = (max: number) => z.string().trim().min(1).max(max);
export const optionalText = (max: number) => z.string().trim().max(max).optional();
/** An optional email address (a fresh schema per field). */
export const optionalEmail = () => z.email({ error: 'must be an email address' }).max(254).optional();
/** An optional three-letter currency code (a fresh schema per field). */
export const optionalCurrency = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'must be a three-letter currency code' })
    .optional();
export const isoDate = z.iso.date({ error: 'must be a date in the form YYYY-MM-DD' });
export const money = z.number().finite().min(0).max(1e12);
export const recordId = z
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
    email: optionalEmail(),
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

/** Our reference sent to Acumatica's external-reference field. */
export const externalRef = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9/_.-]{0,29}$/, { error: 'must be 1-30 letters, digits, / _ . or -' });
/** A document or account number (Acumatica's key when it has one). */
export const number = optionalText(30);
/** A status field: one of the given values. */
export const status = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values);
