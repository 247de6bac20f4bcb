/**
 * Business behaviour of each emulated entity: keys, numbering, required fields, references, drop-down labels,
 * derived fields (totals, status) and modified-time fields. Field names come from the curated table in `schema.ts`.
 */
import type { WrapperType } from './schema';
import type { RecordNode, RecordStore, StoredRecord } from './store';
import { applyTaxes } from './taxes';
import type { Plain } from './values';

/** One validation problem; `path` addresses a field: `['CustomerID']`, `['MainContact','Email']`, `['Details',0,'InventoryID']`. */
export interface Issue {
  path: (string | number)[];
  message: string;
}

interface Reference {
  field: string;
  /** Entities searched for the value (by their single key). */
  entities: string[];
  /** Display name used in "'<label>' cannot be found in the system." */
  label: string;
}

interface DetailRules {
  /** Field auto-filled with 1, 2, 3… on insert. */
  lineNumber?: string;
  /** A row sent without an `id` updates the current row with the same value of this field (e.g. `TaxID`). */
  matchBy?: string;
  references?: Reference[];
  required?: { field: string; label: string }[];
  dropdowns?: Record<string, readonly string[]>;
}

export interface ActionDef {
  /** Long-running actions answer 202 + Location and are polled; short ones answer 204. */
  long: boolean;
  /** Applies the action's effect; returns a message to fail the action with, or undefined on success. */
  run(rec: StoredRecord, ctx: BehaviourContext): string | undefined;
}

export interface BehaviourContext {
  store: RecordStore;
  now: () => Date;
}

export interface EntityBehaviour {
  name: string;
  /** Screen caption used in entity-level error messages ("Inserting 'Sales Order' record …"). */
  label: string;
  /** DAC named in concurrency errors. */
  dac: string;
  graph: string;
  view: string;
  detailViews: Record<string, string>;
  /** Key fields in URL order. */
  keys: string[];
  /** Key values are upper-cased like Acumatica's segmented-key masks do. */
  upperKeys: boolean;
  /** Auto-numbered key field and its sequence/prefix per record. */
  autoNumber?: { field: string; sequence(values: Record<string, Plain>): { name: string; prefix: string } };
  modifiedFields: string[];
  createdFields: string[];
  /** Fields the server computes; values sent by clients are ignored. */
  readOnly: string[];
  required: { field: string; label: string }[];
  references: Reference[];
  dropdowns: Record<string, readonly string[]>;
  details: Record<string, DetailRules>;
  defaults: Record<string, Plain | ((ctx: BehaviourContext) => Plain)>;
  /** Recomputes totals/status after a write. */
  derive?(rec: RecordNode, ctx: BehaviourContext): void;
  actions: Record<string, ActionDef>;
  /** Inquiry entities are "PUT to run" and store nothing. */
  inquiry?: boolean;
  /**
   * Custom fields (`custom` in a body, `$custom` in a query) the emulator keeps, by screen view and field:
   * only the few Acumatica's own requests use. Stored as values named `View.Field` outside the schema.
   */
  customFields?: Record<string, Record<string, WrapperType>>;
}

const CUSTOMER_REF: Reference = { field: 'Customer', entities: ['Customer'], label: 'Customer' };
const ITEM_REF: Reference = {
  field: 'InventoryID',
  entities: ['StockItem', 'NonStockItem'],
  label: 'Inventory ID',
};
const HOLD_STATUS =
  (released: string, open: string) =>
  (rec: RecordNode): void => {
    const v = rec.values;
    if (
      v.Status === released ||
      v.Status === 'Cancelled' ||
      v.Status === 'Completed' ||
      v.Status === 'Closed'
    )
      return;
    if (v.Status === 'Back Order' && v.Hold !== true) return;
    v.Status = v.Hold === true ? 'On Hold' : open;
  };

const round2 = (n: number): number => Math.round(n * 100) / 100;
/** A document's tax rows: one per tax, the tax must exist (see `taxes.ts` for the amounts). */
const TAX_DETAILS: DetailRules = {
  matchBy: 'TaxID',
  references: [{ field: 'TaxID', entities: ['Tax'], label: 'Tax ID' }],
};
const num = (v: Plain | undefined): number => (typeof v === 'number' ? v : 0);

/** Fills line amounts and returns the sum of `amountField` over the rows. */
function lineTotals(
  rows: RecordNode[] | undefined,
  qty: string,
  price: string,
  ext: string,
  amount?: string,
): number {
  let total = 0;
  for (const r of rows ?? []) {
    const v = r.values;
    const extended = round2(num(v[qty]) * num(v[price]));
    v[ext] = extended;
    if (amount) v[amount] = round2(extended - num(v.DiscountAmount));
    total += num(v[amount ?? ext]);
  }
  return round2(total);
}

const todayMidnight = (ctx: BehaviourContext): Plain => {
  const d = ctx.now();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString();
};

const base = {
  detailViews: {},
  upperKeys: false,
  createdFields: [] as string[],
  readOnly: [] as string[],
  required: [] as { field: string; label: string }[],
  references: [] as Reference[],
  dropdowns: {} as Record<string, readonly string[]>,
  details: {} as Record<string, DetailRules>,
  defaults: {},
  actions: {} as Record<string, ActionDef>,
};

const invoiceRelease: ActionDef = {
  long: true,
  run(rec) {
    if (rec.values.Hold === true) return 'The document is on hold and cannot be released.';
    if (rec.values.Status === 'Open' || rec.values.Status === 'Closed')
      return 'The document has already been released.';
    // A released document with nothing left to pay is closed at once.
    rec.values.Status = num(rec.values.Balance) === 0 ? 'Closed' : 'Open';
    return undefined;
  },
};

const worksheetRelease: ActionDef = {
  long: true,
  run(rec, ctx) {
    if (rec.values.Status === 'Released') return 'The document has already been released.';
    if (rec.values.Hold === true) return 'The document is on hold and cannot be released.';
    releaseWorksheet(rec, ctx);
    rec.values.Status = 'Released';
    return undefined;
  },
};

/** Internal price table written by releasing a worksheet and read by SalesPricesInquiry. */
export const PRICE_ENTITY = 'SalesPrice';

function releaseWorksheet(ws: StoredRecord, ctx: BehaviourContext): void {
  const now = ctx.now().toISOString();
  for (const line of ws.details.SalesPrices ?? []) {
    const l = line.values;
    const match = (r: StoredRecord): boolean =>
      r.values.PriceType === l.PriceType &&
      (r.values.PriceCode ?? null) === (l.PriceCode ?? null) &&
      r.values.InventoryID === l.InventoryID &&
      (r.values.UOM ?? null) === (l.UOM ?? null) &&
      num(r.values.BreakQty) === num(l.BreakQty) &&
      r.values.EffectiveDate === (ws.values.EffectiveDate ?? null);
    const existing = ctx.store.find(PRICE_ENTITY, match);
    const rec: StoredRecord = existing ?? {
      id: line.id,
      entity: PRICE_ENTITY,
      values: { RecordID: ctx.store.next('SalesPrice'), CreatedDateTime: now },
      linked: {},
      details: {},
      note: '',
    };
    Object.assign(rec.values, {
      PriceType: l.PriceType ?? 'Base',
      PriceCode: l.PriceCode ?? null,
      InventoryID: l.InventoryID ?? null,
      UOM: l.UOM ?? null,
      BreakQty: num(l.BreakQty),
      Price: num(l.PendingPrice),
      CurrencyID: l.CurrencyID ?? 'USD',
      Tax: l.Tax ?? null,
      Description: l.Description ?? null,
      EffectiveDate: ws.values.EffectiveDate ?? null,
      ExpirationDate: ws.values.ExpirationDate ?? null,
      Promotion: false,
      LastModifiedDateTime: now,
    });
    ctx.store.save(rec);
  }
}

const ORDER_TYPES = ['SO', 'QT', 'IN', 'CM', 'RC', 'RM', 'TR', 'CS'] as const;

export const BEHAVIOURS: Readonly<Record<string, EntityBehaviour>> = {
  Customer: {
    ...base,
    name: 'Customer',
    label: 'Customer',
    dac: 'Customer',
    graph: 'PX.Objects.AR.CustomerMaint',
    view: 'BAccount',
    keys: ['CustomerID'],
    upperKeys: true,
    modifiedFields: ['LastModifiedDateTime'],
    createdFields: ['CreatedDateTime'],
    readOnly: ['BAccountID', 'NoteID'],
    required: [{ field: 'CustomerName', label: 'Customer Name' }],
    references: [{ field: 'ParentRecord', entities: ['Customer'], label: 'Parent Account' }],
    dropdowns: { Status: ['Active', 'On Hold', 'Credit Hold', 'Inactive', 'One-Time'] },
    defaults: {
      Status: 'Active',
      CustomerClass: 'DEFAULT',
      CurrencyID: 'USD',
      Terms: '30D',
      CurrencyRateType: 'SPOT',
      EnableCurrencyOverride: false,
      EnableRateOverride: false,
      BillingContactOverride: false,
      BillingAddressOverride: false,
      ShippingContactOverride: false,
      ShippingAddressOverride: false,
      LocationName: 'Primary Location',
    },
  },
  CustomerLocation: {
    ...base,
    name: 'CustomerLocation',
    label: 'Customer Location',
    dac: 'Location',
    graph: 'PX.Objects.AR.CustomerLocationMaint',
    view: 'Location',
    keys: ['Customer', 'LocationID'],
    upperKeys: true,
    modifiedFields: ['LastModifiedDateTime'],
    createdFields: ['CreatedDateTime'],
    readOnly: ['NoteID'],
    required: [{ field: 'LocationName', label: 'Location Name' }],
    references: [CUSTOMER_REF],
    dropdowns: { Status: ['Active', 'On Hold', 'Inactive'] },
    defaults: {
      Active: true,
      Status: 'Active',
      Default: false,
      AddressOverride: false,
      ContactOverride: false,
    },
  },
  Vendor: {
    ...base,
    name: 'Vendor',
    label: 'Vendor',
    dac: 'Vendor',
    graph: 'PX.Objects.AP.VendorMaint',
    view: 'BAccount',
    keys: ['VendorID'],
    upperKeys: true,
    modifiedFields: ['LastModifiedDateTime'],
    createdFields: ['CreatedDateTime'],
    required: [{ field: 'VendorName', label: 'Vendor Name' }],
    dropdowns: { Status: ['Active', 'On Hold', 'Hold Payments', 'Inactive', 'One-Time'] },
    defaults: { Status: 'Active', VendorClass: 'DEFAULT', CurrencyID: 'USD', Terms: '30D' },
  },
  StockItem: {
    ...base,
    name: 'StockItem',
    label: 'Stock Item',
    dac: 'InventoryItem',
    graph: 'PX.Objects.IN.InventoryItemMaint',
    view: 'Item',
    detailViews: { CrossReferences: 'itemxrefrecords', WarehouseDetails: 'itemsiterecords' },
    keys: ['InventoryID'],
    upperKeys: true,
    modifiedFields: ['LastModified', 'LastModifiedDateTime'],
    readOnly: ['NoteID'],
    required: [{ field: 'Description', label: 'Description' }],
    dropdowns: {
      ItemStatus: ['Active', 'No Sales', 'No Purchases', 'No Request', 'Inactive', 'Marked for Deletion'],
      ItemType: ['Finished Good', 'Component Part', 'Subassembly', 'Malfunction', 'Kit'],
    },
    details: {
      CrossReferences: {
        required: [{ field: 'AlternateID', label: 'Alternate ID' }],
        dropdowns: {
          AlternateType: [
            'Customer Part Number',
            'Vendor Part Number',
            'Global',
            'Barcode',
            'GTIN/EAN/UPC/ISBN',
          ],
        },
      },
    },
    defaults: {
      ItemStatus: 'Active',
      ItemType: 'Finished Good',
      ItemClass: 'STOCKITEM',
      BaseUOM: 'EA',
      SalesUOM: 'EA',
      PurchaseUOM: 'EA',
      DefaultPrice: 0,
      TaxCategory: 'TAXABLE',
    },
  },
  NonStockItem: {
    ...base,
    name: 'NonStockItem',
    label: 'Non-Stock Item',
    dac: 'InventoryItem',
    graph: 'PX.Objects.IN.NonStockItemMaint',
    view: 'Item',
    detailViews: { CrossReferences: 'itemxrefrecords' },
    keys: ['InventoryID'],
    upperKeys: true,
    modifiedFields: ['LastModifiedDateTime'],
    readOnly: ['NoteID'],
    required: [{ field: 'Description', label: 'Description' }],
    dropdowns: {
      ItemStatus: ['Active', 'No Sales', 'No Purchases', 'No Request', 'Inactive', 'Marked for Deletion'],
      ItemType: ['Non-Stock Item', 'Labor', 'Service', 'Charge', 'Expense'],
    },
    details: { CrossReferences: { required: [{ field: 'AlternateID', label: 'Alternate ID' }] } },
    defaults: {
      ItemStatus: 'Active',
      ItemType: 'Non-Stock Item',
      ItemClass: 'NONSTOCK',
      BaseUnit: 'EA',
      SalesUnit: 'EA',
      PurchaseUnit: 'EA',
      DefaultPrice: 0,
      RequireReceipt: false,
      RequireShipment: false,
    },
  },
  SalesPriceWorksheet: {
    ...base,
    name: 'SalesPriceWorksheet',
    label: 'Sales Price Worksheet',
    dac: 'ARPriceWorksheet',
    graph: 'PX.Objects.AR.ARPriceWorksheetMaint',
    view: 'Document',
    detailViews: { SalesPrices: 'Details' },
    keys: ['ReferenceNbr'],
    autoNumber: { field: 'ReferenceNbr', sequence: () => ({ name: 'SalesPriceWorksheet', prefix: 'PW' }) },
    modifiedFields: ['LastModifiedDateTime'],
    createdFields: ['CreatedDateTime'],
    readOnly: ['Status'],
    dropdowns: {},
    details: {
      SalesPrices: {
        lineNumber: 'LineID',
        references: [ITEM_REF],
        required: [{ field: 'InventoryID', label: 'Inventory ID' }],
        dropdowns: { PriceType: ['Base', 'Customer', 'Customer Price Class'] },
      },
    },
    defaults: { Hold: false, Status: 'Open', OverwriteOverlappingPrices: true, EffectiveDate: todayMidnight },
    derive(rec) {
      if (rec.values.Status !== 'Released') rec.values.Status = rec.values.Hold === true ? 'On Hold' : 'Open';
    },
    actions: { ReleaseSalesPriceWorksheet: worksheetRelease },
  },
  SalesPricesInquiry: {
    ...base,
    name: 'SalesPricesInquiry',
    label: 'Sales Prices',
    dac: 'ARSalesPrice',
    graph: 'PX.Objects.AR.ARSalesPriceMaint',
    view: 'Filter',
    keys: [],
    modifiedFields: [],
    dropdowns: { PriceType: ['All Prices', 'Base', 'Customer', 'Customer Price Class'] },
    defaults: { PriceType: 'All Prices' },
    inquiry: true,
  },
  Project: {
    ...base,
    name: 'Project',
    label: 'Project',
    dac: 'PMProject',
    graph: 'PX.Objects.PM.ProjectEntry',
    view: 'Project',
    keys: ['ProjectID'],
    upperKeys: true,
    modifiedFields: ['LastModifiedDateTime'],
    readOnly: ['Status'],
    references: [CUSTOMER_REF],
    defaults: { Hold: true, Status: 'On Hold' },
    derive(rec) {
      const v = rec.values;
      if (v.Status === 'Completed' || v.Status === 'Cancelled' || v.Status === 'Suspended') return;
      v.Status = v.Hold === true ? 'On Hold' : 'Active';
    },
  },
  ServiceOrder: {
    ...base,
    name: 'ServiceOrder',
    label: 'Service Order',
    dac: 'FSServiceOrder',
    graph: 'PX.Objects.FS.ServiceOrderEntry',
    view: 'ServiceOrderRecords',
    detailViews: { Details: 'ServiceOrderDetails' },
    keys: ['ServiceOrderType', 'ServiceOrderNbr'],
    autoNumber: {
      field: 'ServiceOrderNbr',
      sequence: (v) => ({ name: `ServiceOrder:${String(v.ServiceOrderType)}`, prefix: 'SO' }),
    },
    modifiedFields: ['LastModifiedDateTime'],
    readOnly: ['Status', 'ServiceOrderTotal'],
    required: [{ field: 'Customer', label: 'Customer' }],
    references: [CUSTOMER_REF],
    dropdowns: { Priority: ['Low', 'Medium', 'High'], Severity: ['Low', 'Medium', 'High'] },
    details: {
      Details: {
        lineNumber: 'LineNbr',
        references: [ITEM_REF],
        dropdowns: { LineType: ['Service', 'Non-Stock Item', 'Inventory Item', 'Comment', 'Instruction'] },
      },
    },
    defaults: {
      ServiceOrderType: 'MRO',
      Hold: false,
      Status: 'Open',
      Priority: 'Medium',
      Severity: 'Medium',
      Date: todayMidnight,
      BranchLocation: 'MAIN',
    },
    derive(rec) {
      HOLD_STATUS('Completed', 'Open')(rec);
      for (const r of rec.details.Details ?? []) {
        r.values.LineType ??= 'Service';
        r.values.LineStatus ??= 'Open';
      }
      rec.values.ServiceOrderTotal = lineTotals(rec.details.Details, 'EstimatedQty', 'UnitPrice', 'ExtPrice');
    },
  },
  SalesOrder: {
    ...base,
    name: 'SalesOrder',
    label: 'Sales Order',
    dac: 'SOOrder',
    graph: 'PX.Objects.SO.SOOrderEntry',
    view: 'Document',
    detailViews: { Details: 'Transactions' },
    keys: ['OrderType', 'OrderNbr'],
    autoNumber: {
      field: 'OrderNbr',
      sequence: (v) => ({ name: `SalesOrder:${String(v.OrderType)}`, prefix: String(v.OrderType ?? 'SO') }),
    },
    modifiedFields: ['LastModified'],
    createdFields: ['CreatedDate'],
    readOnly: ['Status', 'OrderTotal', 'OrderedQty', 'TaxTotal', 'NoteID'],
    required: [
      { field: 'OrderType', label: 'Order Type' },
      { field: 'CustomerID', label: 'Customer' },
    ],
    references: [{ field: 'CustomerID', entities: ['Customer'], label: 'Customer' }],
    dropdowns: { OrderType: ORDER_TYPES },
    details: { Details: { lineNumber: 'LineNbr', references: [ITEM_REF] }, TaxDetails: TAX_DETAILS },
    defaults: {
      OrderType: 'SO',
      Hold: false,
      Status: 'Open',
      CurrencyID: 'USD',
      Date: todayMidnight,
      LocationID: 'MAIN',
    },
    derive(rec, ctx) {
      HOLD_STATUS('Completed', 'Open')(rec);
      // A line's discount percentage gives its discount amount unless the amount was set.
      for (const r of rec.details.Details ?? []) {
        const v = r.values;
        if (num(v.DiscountAmount) === 0 && num(v.DiscountPercent) > 0)
          v.DiscountAmount = round2((num(v.OrderQty) * num(v.UnitPrice) * num(v.DiscountPercent)) / 100);
      }
      const lines = lineTotals(rec.details.Details, 'OrderQty', 'UnitPrice', 'ExtendedPrice', 'Amount');
      rec.values.TaxTotal = applyTaxes(rec, ctx, lines);
      rec.values.OrderTotal = round2(lines + rec.values.TaxTotal);
      rec.values.OrderedQty = (rec.details.Details ?? []).reduce((s, r) => s + num(r.values.OrderQty), 0);
    },
    actions: {
      AutoRecalculateDiscounts: {
        long: false,
        run(rec) {
          // No discount codes are configured, so the automatic discounts are none: only manual ones stay.
          for (const r of rec.details.Details ?? [])
            if (r.values.ManualDiscount !== true) {
              r.values.DiscountAmount = 0;
              r.values.DiscountPercent = 0;
            }
          return undefined;
        },
      },
      CancelSalesOrder: {
        long: false,
        run(rec) {
          rec.values.Status = 'Cancelled';
          return undefined;
        },
      },
      ReopenSalesOrder: {
        long: false,
        run(rec) {
          // A partly shipped order comes back with its remaining quantity back-ordered.
          const partlyShipped = (rec.details.Details ?? []).some(
            (r) => num(r.values.QtyOnShipments) > 0 && num(r.values.QtyOnShipments) < num(r.values.OrderQty),
          );
          rec.values.Status = rec.values.Hold === true ? 'On Hold' : partlyShipped ? 'Back Order' : 'Open';
          return undefined;
        },
      },
    },
  },
  PurchaseOrder: {
    ...base,
    name: 'PurchaseOrder',
    label: 'Purchase Order',
    dac: 'POOrder',
    graph: 'PX.Objects.PO.POOrderEntry',
    view: 'Document',
    detailViews: { Details: 'Transactions' },
    keys: ['Type', 'OrderNbr'],
    autoNumber: { field: 'OrderNbr', sequence: () => ({ name: 'PurchaseOrder', prefix: 'PO' }) },
    modifiedFields: ['LastModifiedDateTime'],
    readOnly: ['Status', 'OrderTotal', 'LineTotal', 'TaxTotal'],
    required: [{ field: 'VendorID', label: 'Vendor' }],
    references: [{ field: 'VendorID', entities: ['Vendor'], label: 'Vendor' }],
    dropdowns: { Type: ['Normal', 'Drop-Ship', 'Blanket', 'Standard', 'Project Drop-Ship'] },
    details: { Details: { lineNumber: 'LineNbr', references: [ITEM_REF] }, TaxDetails: TAX_DETAILS },
    defaults: {
      Type: 'Normal',
      Hold: true,
      Status: 'On Hold',
      CurrencyID: 'USD',
      Date: todayMidnight,
      Location: 'MAIN',
    },
    derive(rec, ctx) {
      HOLD_STATUS('Closed', 'Open')(rec);
      rec.values.LineTotal = lineTotals(rec.details.Details, 'OrderQty', 'UnitCost', 'ExtendedCost');
      rec.values.TaxTotal = applyTaxes(rec, ctx, rec.values.LineTotal);
      rec.values.OrderTotal = round2(num(rec.values.LineTotal) + num(rec.values.TaxTotal));
    },
  },
  Invoice: {
    ...base,
    name: 'Invoice',
    label: 'Invoice',
    dac: 'ARInvoice',
    graph: 'PX.Objects.AR.ARInvoiceEntry',
    view: 'Document',
    detailViews: { Details: 'Transactions' },
    keys: ['Type', 'ReferenceNbr'],
    autoNumber: { field: 'ReferenceNbr', sequence: () => ({ name: 'Invoice', prefix: 'AR' }) },
    modifiedFields: ['LastModifiedDateTime'],
    createdFields: ['CreatedDateTime'],
    readOnly: ['Status', 'Amount', 'Balance', 'TaxTotal'],
    required: [{ field: 'Customer', label: 'Customer' }],
    references: [CUSTOMER_REF],
    dropdowns: { Type: ['Invoice', 'Debit Memo', 'Credit Memo', 'Overdue Charge', 'Credit WO'] },
    details: { Details: { lineNumber: 'LineNbr', references: [ITEM_REF] }, TaxDetails: TAX_DETAILS },
    defaults: {
      Type: 'Invoice',
      Hold: false,
      Status: 'Balanced',
      Date: todayMidnight,
      Terms: '30D',
      LocationID: 'MAIN',
    },
    derive(rec, ctx) {
      const v = rec.values;
      if (v.Status !== 'Open' && v.Status !== 'Closed') v.Status = v.Hold === true ? 'On Hold' : 'Balanced';
      v.DueDate ??= v.Date ?? null;
      const lines = lineTotals(rec.details.Details, 'Qty', 'UnitPrice', 'ExtendedPrice', 'Amount');
      v.TaxTotal = applyTaxes(rec, ctx, lines);
      v.Amount = round2(lines + v.TaxTotal);
      if (v.Status !== 'Open' && v.Status !== 'Closed') v.Balance = v.Amount;
    },
    actions: { ReleaseInvoice: invoiceRelease },
    // The document's tax zone (ARInvoice.TaxZoneID), which the Default endpoint does not expose as a field.
    customFields: { CurrentDocument: { TaxZoneID: 'String', DontPrint: 'Boolean' } },
  },
  Tax: {
    ...base,
    name: 'Tax',
    label: 'Taxes',
    dac: 'Tax',
    graph: 'PX.Objects.TX.SalesTaxMaint',
    view: 'Tax',
    detailViews: { TaxSchedule: 'TaxRevisions' },
    keys: ['TaxID'],
    upperKeys: true,
    modifiedFields: ['LastModifiedDateTime'],
    dropdowns: { TaxType: ['Sales', 'Use', 'VAT', 'Withholding', 'Per Unit/Specific'] },
    defaults: { TaxType: 'Sales' },
  },
  TaxCategory: {
    ...base,
    name: 'TaxCategory',
    label: 'Tax Categories',
    dac: 'TaxCategory',
    graph: 'PX.Objects.TX.TaxCategoryMaint',
    view: 'TxCategory',
    detailViews: { Details: 'Details' },
    keys: ['TaxCategoryID'],
    upperKeys: true,
    modifiedFields: ['LastModifiedDateTime'],
    details: {
      Details: { matchBy: 'TaxID', references: [{ field: 'TaxID', entities: ['Tax'], label: 'Tax ID' }] },
    },
    defaults: { Active: true, ExcludeListedTaxes: false },
  },
  TaxZone: {
    ...base,
    name: 'TaxZone',
    label: 'Tax Zones',
    dac: 'TaxZone',
    graph: 'PX.Objects.TX.TaxZoneMaint',
    view: 'TxZone',
    detailViews: { ApplicableTaxes: 'Details' },
    keys: ['TaxZoneID'],
    upperKeys: true,
    modifiedFields: ['LastModifiedDateTime'],
    details: {
      ApplicableTaxes: {
        matchBy: 'TaxID',
        references: [{ field: 'TaxID', entities: ['Tax'], label: 'Tax ID' }],
      },
    },
  },
};

/** Behaviour of an emulated entity, or undefined for entities the emulator does not serve. */
export function behaviourOf(entity: string): EntityBehaviour | undefined {
  return Object.prototype.hasOwnProperty.call(BEHAVIOURS, entity) ? BEHAVIOURS[entity] : undefined;
}

/** The primary-key text of a record (list order). */
export function sortKey(b: EntityBehaviour, rec: RecordNode): string {
  return b.keys.map((k) => String(rec.values[k] ?? '')).join('\u0000');
}
