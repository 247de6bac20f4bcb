/**
 * Field-service record schemas for the eleven entity types of the catalog (design §4): what the API or
 * the field-service app may send (create/update input) and what the store keeps (record types).
 * Pure zod, no IO, no Node built-ins: imported inside Temporal's workflow sandbox.
 *
 * Business dates are ISO `YYYY-MM-DD` strings (a calendar date has no time zone); timestamps we keep
 * (`createdAt`, `updatedAt`, sync times) are `Date`s so MongoDB orders them.
 * References between records use our ids (`customerId`, a line's `productId`), never Acumatica keys.
 *
 * parts.ts holds the shared parts (address, phone, contact, location, line, adjustments, sales tax),
 * fields.ts each entity type's business fields, inputs.ts the create and update inputs, sync-info.ts the
 * sync state, notes and the stored record's base, specs.ts `RECORD_SPECS` and the type maps derived from it.
 */
export {
  addressSchema,
  hasValidCoordinates,
  PHONE_KINDS,
  phoneSchema,
  contactSchema,
  locationSchema,
  lineSchema,
  adjustmentSchema,
  salesTaxSchema,
  type Address,
  type Phone,
  type Contact,
  type Location,
  type Line,
  type Adjustment,
  type SalesTax,
} from './parts';
export {
  CUSTOMER_TYPES,
  priceSchema,
  WORK_ORDER_STATUSES,
  ESTIMATE_STATUSES,
  ORDER_STATUSES,
  INVOICE_STATUSES,
  type CustomerType,
  type Price,
} from './fields';
export {
  customerCreateInput,
  vendorCreateInput,
  productCreateInput,
  serviceCreateInput,
  priceListCreateInput,
  projectCreateInput,
  workOrderCreateInput,
  estimateCreateInput,
  salesOrderCreateInput,
  purchaseOrderCreateInput,
  invoiceCreateInput,
  customerUpdateInput,
  vendorUpdateInput,
  productUpdateInput,
  serviceUpdateInput,
  priceListUpdateInput,
  projectUpdateInput,
  workOrderUpdateInput,
  estimateUpdateInput,
  salesOrderUpdateInput,
  purchaseOrderUpdateInput,
  invoiceUpdateInput,
} from './inputs';
export {
  NOTE_AUTHORS,
  noteInput,
  EXTERNAL_ID_PENDING,
  EXTERNAL_ID_FAILED,
  EXTERNAL_ID_DO_NOT_SEND,
  externalIdDisplay,
  type Note,
  type SyncError,
  type PushIntent,
  type SyncInfo,
  type DoNotSend,
  type RecordBase,
} from './sync-info';
export {
  RECORD_SPECS,
  isPushable,
  type ReferenceRule,
  type RecordSpec,
  type RecordTypes,
  type CreateInputs,
  type UpdateInputs,
  type Customer,
  type Vendor,
  type Product,
  type Service,
  type PriceList,
  type Project,
  type WorkOrder,
  type Estimate,
  type SalesOrder,
  type PurchaseOrder,
  type Invoice,
} from './specs';
