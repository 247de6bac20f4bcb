/**
 * What the API or the field-service app may send: the create input of each entity type (defaults and
 * cross-field rules added to its fields) and the update input (every field optional, `null` clears).
 */
import { z } from 'zod';
import {
  CUSTOMER_TYPES,
  ACTIVE,
  customerFields,
  vendorFields,
  productFields,
  serviceFields,
  priceListFields,
  projectFields,
  WORK_ORDER_STATUSES,
  workOrderFields,
  pricingFields,
  ESTIMATE_STATUSES,
  estimateFields,
  ORDER_STATUSES,
  salesOrderFields,
  purchaseOrderFields,
  INVOICE_STATUSES,
  invoiceFields,
} from './fields';
import { text, externalRef, status } from './parts';

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
