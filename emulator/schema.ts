/**
 * The curated field table of the emulated Default endpoint: for every entity type the emulator serves (top-level
 * entities and the linked/detail types nested in them), the fields it accepts and returns, their contract wrapper
 * types, and the endpoint versions that have them. A test checks every entry against Acumatica's published
 * swagger/openapi files, so a field listed here exists in the real schema of each version it is enabled for.
 */

/** Contract wrapper type names without the `Value` suffix (`StringValue` → `String`). */
export type WrapperType =
  'String' | 'Decimal' | 'Boolean' | 'DateTime' | 'Int' | 'Guid' | 'Short' | 'Long' | 'Double';

/** Version gate: first and last endpoint version that has the item (inclusive, both optional). */
export interface VersionGate {
  since?: string;
  until?: string;
}

export interface FieldDef extends VersionGate {
  type: WrapperType;
}

export interface NestedDef extends VersionGate {
  /** Name of the nested type in {@link TYPES}. */
  type: string;
}

export interface TypeDef {
  fields: Readonly<Record<string, FieldDef>>;
  /** Linked entities (single nested object). */
  linked: Readonly<Record<string, NestedDef>>;
  /** Detail collections (arrays). */
  details: Readonly<Record<string, NestedDef>>;
}

/** Endpoint versions the emulator can serve. */
export const KNOWN_VERSIONS = ['20.200.001', '22.200.001', '23.200.001', '24.200.001'] as const;

export const DEFAULT_VERSIONS = ['22.200.001', '23.200.001', '24.200.001'];

export const TYPES: Readonly<Record<string, TypeDef>> = {
  Customer: {
    fields: {
      AccountRef: { type: 'String' },
      BAccountID: { type: 'Int', since: '22.200.001' },
      BillingAddressOverride: { type: 'Boolean' },
      BillingContactOverride: { type: 'Boolean' },
      CreatedDateTime: { type: 'DateTime' },
      CreditLimit: { type: 'Decimal', since: '22.200.001' },
      CurrencyID: { type: 'String' },
      CustomerCategory: { type: 'String', since: '23.200.001' },
      CustomerClass: { type: 'String' },
      CustomerID: { type: 'String' },
      CurrencyRateType: { type: 'String' },
      CustomerName: { type: 'String' },
      Email: { type: 'String', since: '23.200.001' },
      EnableCurrencyOverride: { type: 'Boolean' },
      EnableRateOverride: { type: 'Boolean' },
      LastModifiedDateTime: { type: 'DateTime' },
      LocationName: { type: 'String' },
      NoteID: { type: 'Guid', since: '22.200.001' },
      ParentRecord: { type: 'String' },
      PriceClassID: { type: 'String' },
      ShippingAddressOverride: { type: 'Boolean' },
      ShippingContactOverride: { type: 'Boolean' },
      ShipVia: { type: 'String' },
      Status: { type: 'String' },
      TaxZone: { type: 'String' },
      Terms: { type: 'String' },
    },
    linked: {
      BillingContact: { type: 'Contact' },
      MainContact: { type: 'Contact' },
      PrimaryContact: { type: 'Contact' },
      ShippingContact: { type: 'Contact' },
    },
    details: {},
  },
  Contact: {
    fields: {
      Attention: { type: 'String' },
      CompanyName: { type: 'String' },
      DisplayName: { type: 'String' },
      Email: { type: 'String' },
      Fax: { type: 'String' },
      FirstName: { type: 'String' },
      JobTitle: { type: 'String' },
      LastName: { type: 'String' },
      Phone1: { type: 'String' },
      Phone2: { type: 'String' },
      WebSite: { type: 'String' },
    },
    linked: {
      Address: { type: 'Address' },
    },
    details: {},
  },
  Address: {
    fields: {
      AddressLine1: { type: 'String' },
      AddressLine2: { type: 'String' },
      City: { type: 'String' },
      Country: { type: 'String' },
      PostalCode: { type: 'String' },
      State: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  CustomerLocation: {
    fields: {
      Active: { type: 'Boolean' },
      AddressOverride: { type: 'Boolean' },
      ContactOverride: { type: 'Boolean' },
      CreatedDateTime: { type: 'DateTime' },
      Customer: { type: 'String' },
      Default: { type: 'Boolean', since: '23.200.001' },
      ExtRefNbr: { type: 'String', since: '24.200.001' },
      LastModifiedDateTime: { type: 'DateTime' },
      LocationID: { type: 'String' },
      LocationName: { type: 'String' },
      NoteID: { type: 'Guid', since: '22.200.001' },
      Status: { type: 'String', since: '23.200.001' },
      TaxZone: { type: 'String' },
      ShipVia: { type: 'String' },
    },
    linked: {
      LocationContact: { type: 'Contact' },
    },
    details: {},
  },
  Vendor: {
    fields: {
      AccountRef: { type: 'String' },
      CashAccount: { type: 'String' },
      CreatedDateTime: { type: 'DateTime' },
      CurrencyID: { type: 'String' },
      LastModifiedDateTime: { type: 'DateTime' },
      LegalName: { type: 'String', since: '22.200.001' },
      Status: { type: 'String' },
      TaxZone: { type: 'String' },
      Terms: { type: 'String' },
      VendorClass: { type: 'String' },
      VendorID: { type: 'String' },
      VendorName: { type: 'String' },
    },
    linked: {
      MainContact: { type: 'Contact' },
    },
    details: {},
  },
  StockItem: {
    fields: {
      BaseUOM: { type: 'String' },
      DefaultPrice: { type: 'Decimal' },
      DefaultWarehouseID: { type: 'String' },
      Description: { type: 'String' },
      InventoryID: { type: 'String' },
      ItemClass: { type: 'String' },
      ItemStatus: { type: 'String' },
      ItemType: { type: 'String' },
      LastCost: { type: 'Decimal' },
      LastModified: { type: 'DateTime' },
      LastModifiedDateTime: { type: 'DateTime', since: '24.200.001' },
      MSRP: { type: 'Decimal' },
      NoteID: { type: 'Guid', since: '22.200.001' },
      PostingClass: { type: 'String' },
      PurchaseUOM: { type: 'String' },
      SalesUOM: { type: 'String' },
      TaxCategory: { type: 'String' },
    },
    linked: {},
    details: {
      CrossReferences: { type: 'InventoryItemCrossReference' },
      WarehouseDetails: { type: 'StockItemWarehouseDetail' },
    },
  },
  InventoryItemCrossReference: {
    fields: {
      AlternateID: { type: 'String' },
      AlternateType: { type: 'String' },
      Description: { type: 'String' },
      UOM: { type: 'String', since: '22.200.001' },
      VendorOrCustomer: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  StockItemWarehouseDetail: {
    fields: {
      IsDefault: { type: 'Boolean' },
      QtyOnHand: { type: 'Decimal' },
      WarehouseID: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  NonStockItem: {
    fields: {
      BaseUnit: { type: 'String' },
      CurrentCost: { type: 'Decimal' },
      DefaultPrice: { type: 'Decimal' },
      Description: { type: 'String' },
      InventoryID: { type: 'String' },
      ItemClass: { type: 'String' },
      ItemStatus: { type: 'String' },
      ItemType: { type: 'String' },
      LastModifiedDateTime: { type: 'DateTime' },
      NoteID: { type: 'Guid', since: '22.200.001' },
      PostingClass: { type: 'String' },
      PurchaseUnit: { type: 'String' },
      RequireReceipt: { type: 'Boolean' },
      RequireShipment: { type: 'Boolean' },
      SalesUnit: { type: 'String' },
      TaxCategory: { type: 'String' },
    },
    linked: {},
    details: {
      CrossReferences: { type: 'InventoryItemCrossReference' },
    },
  },
  SalesPricesInquiry: {
    fields: {
      EffectiveAsOf: { type: 'DateTime' },
      InventoryID: { type: 'String' },
      ItemClassID: { type: 'String' },
      PriceClass: { type: 'String' },
      PriceCode: { type: 'String' },
      PriceType: { type: 'String' },
    },
    linked: {},
    details: {
      SalesPriceDetails: { type: 'SalesPriceDetail' },
    },
  },
  SalesPriceDetail: {
    fields: {
      BreakQty: { type: 'Decimal' },
      CreatedDateTime: { type: 'DateTime' },
      CurrencyID: { type: 'String' },
      Description: { type: 'String' },
      EffectiveDate: { type: 'DateTime' },
      ExpirationDate: { type: 'DateTime' },
      InventoryID: { type: 'String' },
      LastModifiedDateTime: { type: 'DateTime' },
      Price: { type: 'Decimal' },
      PriceCode: { type: 'String' },
      PriceType: { type: 'String' },
      Promotion: { type: 'Boolean' },
      RecordID: { type: 'Int' },
      Tax: { type: 'String' },
      UOM: { type: 'String' },
      Warehouse: { type: 'String', since: '22.200.001' },
    },
    linked: {},
    details: {},
  },
  SalesPriceWorksheet: {
    fields: {
      CreatedDateTime: { type: 'DateTime' },
      Description: { type: 'String' },
      EffectiveDate: { type: 'DateTime' },
      ExpirationDate: { type: 'DateTime' },
      Hold: { type: 'Boolean' },
      LastModifiedDateTime: { type: 'DateTime' },
      OverwriteOverlappingPrices: { type: 'Boolean' },
      ReferenceNbr: { type: 'String' },
      Status: { type: 'String' },
    },
    linked: {},
    details: {
      SalesPrices: { type: 'SalesPricesWorksheetDetail' },
    },
  },
  SalesPricesWorksheetDetail: {
    fields: {
      BreakQty: { type: 'Decimal' },
      CurrencyID: { type: 'String' },
      Description: { type: 'String' },
      InventoryID: { type: 'String' },
      LineID: { type: 'Int' },
      PendingPrice: { type: 'Decimal' },
      PriceCode: { type: 'String' },
      PriceType: { type: 'String' },
      ReferenceNbr: { type: 'String' },
      SourcePrice: { type: 'Decimal' },
      Tax: { type: 'String' },
      UOM: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  Project: {
    fields: {
      Customer: { type: 'String' },
      Description: { type: 'String' },
      ExternalRefNbr: { type: 'String' },
      Hold: { type: 'Boolean' },
      LastModifiedDateTime: { type: 'DateTime' },
      ProjectID: { type: 'String' },
      ProjectTemplateID: { type: 'String' },
      Status: { type: 'String' },
    },
    linked: {
      BillingAndAllocationSettings: { type: 'ProjectBillingAndAllocationSettings' },
      ProjectAddress: { type: 'ProjectAddress', since: '23.200.001' },
      ProjectProperties: { type: 'ProjectProperties' },
    },
    details: {},
  },
  ProjectBillingAndAllocationSettings: {
    fields: {
      BillingPeriod: { type: 'String' },
      BillingRule: { type: 'String' },
      Branch: { type: 'String' },
      NextBillingDate: { type: 'DateTime' },
      Terms: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  ProjectAddress: {
    fields: {
      AddressLine1: { type: 'String', since: '23.200.001' },
      City: { type: 'String', since: '23.200.001' },
      Country: { type: 'String', since: '23.200.001' },
      Latitude: { type: 'Decimal', since: '23.200.001' },
      Longitude: { type: 'Decimal', since: '23.200.001' },
      PostalCode: { type: 'String', since: '23.200.001' },
      State: { type: 'String', since: '23.200.001' },
    },
    linked: {},
    details: {},
  },
  ProjectProperties: {
    fields: {
      EndDate: { type: 'DateTime' },
      ProjectManager: { type: 'String' },
      StartDate: { type: 'DateTime' },
    },
    linked: {},
    details: {},
  },
  ServiceOrder: {
    fields: {
      BranchLocation: { type: 'String' },
      Customer: { type: 'String' },
      CustomerOrder: { type: 'String' },
      Date: { type: 'DateTime' },
      Description: { type: 'String' },
      ExternalReference: { type: 'String' },
      Hold: { type: 'Boolean' },
      LastModifiedDateTime: { type: 'DateTime', since: '23.200.001' },
      Location: { type: 'String' },
      Priority: { type: 'String' },
      Project: { type: 'String' },
      ServiceOrderNbr: { type: 'String' },
      ServiceOrderTotal: { type: 'Decimal' },
      ServiceOrderType: { type: 'String' },
      Severity: { type: 'String' },
      Status: { type: 'String' },
      Supervisor: { type: 'String' },
      WorkflowStage: { type: 'String' },
    },
    linked: {
      Address: { type: 'SrvOrdAddress' },
      Contact: { type: 'SrvOrdContact' },
    },
    details: {
      Details: { type: 'SrvOrdDetails' },
    },
  },
  SrvOrdAddress: {
    fields: {
      AddressLine1: { type: 'String' },
      AddressLine2: { type: 'String' },
      City: { type: 'String' },
      Country: { type: 'String' },
      PostalCode: { type: 'String' },
      State: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  SrvOrdContact: {
    fields: {
      Attention: { type: 'String' },
      CompanyName: { type: 'String' },
      Email: { type: 'String' },
      Phone1: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  SrvOrdDetails: {
    fields: {
      Billable: { type: 'Boolean' },
      Description: { type: 'String' },
      EstimatedDuration: { type: 'String' },
      EstimatedQty: { type: 'Decimal' },
      ExtPrice: { type: 'Decimal' },
      InventoryID: { type: 'String' },
      LineNbr: { type: 'Int' },
      LineRef: { type: 'String' },
      LineStatus: { type: 'String' },
      LineType: { type: 'String' },
      StaffMemberID: { type: 'String' },
      UnitPrice: { type: 'Decimal' },
    },
    linked: {},
    details: {},
  },
  SalesOrder: {
    fields: {
      BillToAddressOverride: { type: 'Boolean' },
      BillToContactOverride: { type: 'Boolean' },
      Branch: { type: 'String', since: '23.200.001' },
      CreatedDate: { type: 'DateTime', since: '22.200.001' },
      CurrencyID: { type: 'String' },
      CustomerID: { type: 'String' },
      CustomerOrder: { type: 'String' },
      Date: { type: 'DateTime' },
      Description: { type: 'String' },
      ExternalRef: { type: 'String' },
      Hold: { type: 'Boolean' },
      IsTaxValid: { type: 'Boolean' },
      LastModified: { type: 'DateTime' },
      LocationID: { type: 'String' },
      NoteID: { type: 'Guid', since: '22.200.001' },
      OrderedQty: { type: 'Decimal' },
      OrderNbr: { type: 'String' },
      OrderTotal: { type: 'Decimal' },
      OrderType: { type: 'String' },
      PaymentMethod: { type: 'String' },
      Project: { type: 'String' },
      RequestedOn: { type: 'DateTime' },
      ShipToAddressOverride: { type: 'Boolean' },
      ShipToContactOverride: { type: 'Boolean' },
      ShipVia: { type: 'String' },
      Status: { type: 'String' },
      TaxTotal: { type: 'Decimal' },
    },
    linked: {
      BillToAddress: { type: 'Address' },
      BillToContact: { type: 'DocContact' },
      FinancialSettings: { type: 'FinancialSettings' },
      ShipToAddress: { type: 'Address' },
      ShipToContact: { type: 'DocContact' },
    },
    details: {
      Details: { type: 'SalesOrderDetail' },
      TaxDetails: { type: 'TaxDetail' },
    },
  },
  FinancialSettings: {
    fields: {
      CustomerTaxZone: { type: 'String' },
      DueDate: { type: 'DateTime' },
      OverrideTaxZone: { type: 'Boolean' },
      Terms: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  TaxDetail: {
    fields: {
      TaxableAmount: { type: 'Decimal' },
      TaxAmount: { type: 'Decimal' },
      TaxID: { type: 'String' },
      TaxRate: { type: 'Decimal' },
    },
    linked: {},
    details: {},
  },
  DocContact: {
    fields: {
      Attention: { type: 'String' },
      BusinessName: { type: 'String' },
      Email: { type: 'String' },
      Phone1: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  SalesOrderDetail: {
    fields: {
      Amount: { type: 'Decimal' },
      Branch: { type: 'String' },
      CustomerOrderNbr: { type: 'String' },
      DiscountAmount: { type: 'Decimal' },
      DiscountPercent: { type: 'Decimal' },
      ExtendedPrice: { type: 'Decimal' },
      ExternalRef: { type: 'String', since: '22.200.001' },
      InventoryID: { type: 'String' },
      InvoiceNbr: { type: 'String', since: '22.200.001' },
      InvoiceType: { type: 'String', since: '22.200.001' },
      LineDescription: { type: 'String' },
      LineNbr: { type: 'Int' },
      ManualDiscount: { type: 'Boolean' },
      ManualPrice: { type: 'Boolean', since: '22.200.001' },
      OrderQty: { type: 'Decimal' },
      QtyOnShipments: { type: 'Decimal' },
      TaxCategory: { type: 'String' },
      UnitPrice: { type: 'Decimal' },
      UOM: { type: 'String' },
      WarehouseID: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  PurchaseOrder: {
    fields: {
      Branch: { type: 'String' },
      CurrencyID: { type: 'String' },
      Date: { type: 'DateTime' },
      Description: { type: 'String' },
      Hold: { type: 'Boolean' },
      IsTaxValid: { type: 'Boolean', since: '22.200.001' },
      LastModifiedDateTime: { type: 'DateTime' },
      LineTotal: { type: 'Decimal' },
      Location: { type: 'String' },
      OrderNbr: { type: 'String' },
      OrderTotal: { type: 'Decimal' },
      Owner: { type: 'String' },
      Project: { type: 'String' },
      PromisedOn: { type: 'DateTime' },
      Status: { type: 'String' },
      TaxTotal: { type: 'Decimal' },
      Terms: { type: 'String' },
      Type: { type: 'String' },
      VendorID: { type: 'String' },
      VendorRef: { type: 'String' },
      VendorTaxZone: { type: 'String' },
    },
    linked: {},
    details: {
      Details: { type: 'PurchaseOrderDetail' },
      TaxDetails: { type: 'PurchaseOrderTaxDetail' },
    },
  },
  PurchaseOrderTaxDetail: {
    fields: {
      TaxableAmount: { type: 'Decimal' },
      TaxAmount: { type: 'Decimal' },
      TaxID: { type: 'String' },
      TaxRate: { type: 'Decimal' },
    },
    linked: {},
    details: {},
  },
  PurchaseOrderDetail: {
    fields: {
      BranchID: { type: 'String' },
      Description: { type: 'String' },
      ExtendedCost: { type: 'Decimal' },
      InventoryID: { type: 'String' },
      LineDescription: { type: 'String' },
      LineNbr: { type: 'Int' },
      LineType: { type: 'String' },
      OrderQty: { type: 'Decimal' },
      Promised: { type: 'DateTime' },
      TaxCategory: { type: 'String' },
      UnitCost: { type: 'Decimal' },
      UOM: { type: 'String' },
      WarehouseID: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  Invoice: {
    fields: {
      Amount: { type: 'Decimal' },
      Balance: { type: 'Decimal' },
      CreatedDateTime: { type: 'DateTime' },
      Customer: { type: 'String' },
      CustomerOrder: { type: 'String' },
      Date: { type: 'DateTime' },
      Description: { type: 'String' },
      DueDate: { type: 'DateTime' },
      Hold: { type: 'Boolean' },
      IsTaxValid: { type: 'Boolean' },
      LastModifiedDateTime: { type: 'DateTime' },
      LocationID: { type: 'String' },
      Project: { type: 'String' },
      ReferenceNbr: { type: 'String' },
      Status: { type: 'String' },
      TaxTotal: { type: 'Decimal' },
      Terms: { type: 'String' },
      Type: { type: 'String' },
    },
    linked: {
      BillToContact: { type: 'DocContact' },
    },
    details: {
      Details: { type: 'InvoiceDetail' },
      TaxDetails: { type: 'InvoiceTaxDetail' },
    },
  },
  InvoiceTaxDetail: {
    fields: {
      TaxableAmount: { type: 'Decimal' },
      TaxAmount: { type: 'Decimal' },
      TaxID: { type: 'String' },
      TaxRate: { type: 'Decimal' },
    },
    linked: {},
    details: {},
  },
  InvoiceDetail: {
    fields: {
      Amount: { type: 'Decimal' },
      Branch: { type: 'String' },
      DiscountAmount: { type: 'Decimal' },
      ExtendedPrice: { type: 'Decimal' },
      InventoryID: { type: 'String' },
      LineNbr: { type: 'Int' },
      Qty: { type: 'Decimal' },
      TransactionDescription: { type: 'String' },
      UnitPrice: { type: 'Decimal' },
      UOM: { type: 'String' },
      TaxCategory: { type: 'String', since: '22.200.001' },
    },
    linked: {},
    details: {},
  },
  Tax: {
    fields: {
      Description: { type: 'String' },
      ExcludeFromTaxonTaxCalculation: { type: 'Boolean' },
      IncludeInVATTaxableTotal: { type: 'Boolean' },
      LastModifiedDateTime: { type: 'DateTime' },
      TaxAgency: { type: 'String' },
      TaxID: { type: 'String' },
      TaxType: { type: 'String' },
    },
    linked: {},
    details: {
      TaxSchedule: { type: 'TaxScheduleDetail' },
    },
  },
  TaxScheduleDetail: {
    fields: {
      ReportingGroup: { type: 'String' },
      StartDate: { type: 'DateTime' },
      TaxRate: { type: 'Decimal' },
    },
    linked: {},
    details: {},
  },
  TaxCategory: {
    fields: {
      Active: { type: 'Boolean' },
      Description: { type: 'String' },
      ExcludeListedTaxes: { type: 'Boolean' },
      LastModifiedDateTime: { type: 'DateTime' },
      TaxCategoryID: { type: 'String' },
    },
    linked: {},
    details: {
      Details: { type: 'TaxCategoryTaxDetail' },
    },
  },
  TaxCategoryTaxDetail: {
    fields: {
      Description: { type: 'String' },
      TaxID: { type: 'String' },
    },
    linked: {},
    details: {},
  },
  TaxZone: {
    fields: {
      Description: { type: 'String' },
      LastModifiedDateTime: { type: 'DateTime' },
      TaxZoneID: { type: 'String' },
    },
    linked: {},
    details: {
      ApplicableTaxes: { type: 'TaxZoneApplicableTaxDetail' },
    },
  },
  TaxZoneApplicableTaxDetail: {
    fields: {
      TaxID: { type: 'String' },
    },
    linked: {},
    details: {},
  },
};

/** Compares two `YY.R00.001` versions. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when the gated item exists in the given endpoint version. */
export function inVersion(gate: VersionGate, version: string): boolean {
  if (gate.since !== undefined && compareVersions(version, gate.since) < 0) return false;
  if (gate.until !== undefined && compareVersions(version, gate.until) > 0) return false;
  return true;
}

/** A type as one endpoint version sees it. */
export interface VersionedType {
  name: string;
  fields: ReadonlyMap<string, WrapperType>;
  linked: ReadonlyMap<string, string>;
  details: ReadonlyMap<string, string>;
}

const cache = new Map<string, VersionedType>();

/** The fields, linked and detail members of `typeName` in `version`. Throws for a type not in the table. */
export function typeInVersion(typeName: string, version: string): VersionedType {
  const key = `${typeName}@${version}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const def = TYPES[typeName];
  if (!def) throw new Error(`Unknown emulator type ${typeName}`);
  const pick = <T extends VersionGate, R>(rec: Readonly<Record<string, T>>, f: (t: T) => R): Map<string, R> =>
    new Map(
      Object.entries(rec)
        .filter(([, g]) => inVersion(g, version))
        .map(([n, g]) => [n, f(g)]),
    );
  const vt: VersionedType = {
    name: typeName,
    fields: pick(def.fields, (f) => f.type),
    linked: pick(def.linked, (l) => l.type),
    details: pick(def.details, (d) => d.type),
  };
  cache.set(key, vt);
  return vt;
}
