/**
 * The `postman` seed profile: the records of Acumatica's demo tenant that the requests of Acumatica's Postman
 * collection (IntegrationDevelopmentGuide) refer to — customers, vendors, items, sales orders, invoices and a
 * service order with the demo tenant's keys, and the record ids the collection addresses directly. Deterministic:
 * ids not fixed by the collection are derived from the record keys.
 */
import { createHash } from 'node:crypto';
import type { RecordNode, RecordStore, StoredRecord } from './store';
import type { Plain } from './values';

/** A stable GUID for a record key (so the same profile always has the same ids). */
function guid(key: string): string {
  const h = createHash('sha1').update(`postman:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const node = (id: string, values: Record<string, Plain>): RecordNode => ({
  id,
  values,
  linked: {},
  details: {},
  note: '',
});

interface CustomerSpec {
  id: string;
  name: string;
  cls: string;
  contact: [first: string, last: string, email: string, phone: string];
  address: [line1: string, city: string, state: string, zip: string];
}

const CUSTOMERS: CustomerSpec[] = [
  {
    id: 'AACUSTOMER',
    name: 'AA Customer',
    cls: 'DEFAULT',
    contact: ['Anna', 'Adams', 'accounts@aacustomer.example', '+1 206 555 0101'],
    address: ['1200 Westlake Ave N', 'Seattle', 'WA', '98109'],
  },
  {
    id: 'ABAKERY',
    name: 'Alta Bakery',
    cls: 'LOCAL',
    contact: ['Maria', 'Alta', 'orders@altabakery.example', '+1 425 555 0112'],
    address: ['301 Main St', 'Bellevue', 'WA', '98004'],
  },
  {
    id: 'C000000003',
    name: 'Jevy Computers',
    cls: 'DEFAULT',
    contact: ['Jack', 'Green', 'info@jevy-comp.con', '+1 212 555 0133'],
    address: ['75 Ninth Ave', 'New York', 'NY', '10011'],
  },
  {
    id: 'COFFEESHOP',
    name: 'Coffee Shop',
    cls: 'LOCAL',
    contact: ['Peter', 'Brown', 'peter@coffeeshop.example', '+1 503 555 0144'],
    address: ['88 Pearl St', 'Portland', 'OR', '97209'],
  },
  {
    id: 'FRUITICO',
    name: 'Fruitico',
    cls: 'DEFAULT',
    contact: ['Laura', 'Fields', 'purchasing@fruitico.example', '+1 718 555 0155'],
    address: ['410 Atlantic Ave', 'Brooklyn', 'NY', '11217'],
  },
  {
    id: 'GOODFOOD',
    name: 'GoodFood One Restaurant',
    cls: 'LOCAL',
    contact: ['Sam', 'Good', 'sam@goodfood.example', '+1 646 555 0166'],
    address: ['12 Spring St', 'New York', 'NY', '10012'],
  },
  {
    id: 'WIDGETCC',
    name: 'Widget Credit Card Customer',
    cls: 'DEFAULT',
    contact: ['Wendy', 'Wong', 'ap@widgetcc.example', '+1 408 555 0177'],
    address: ['2500 Mission College Blvd', 'Santa Clara', 'CA', '95054'],
  },
];

const VENDORS: [id: string, name: string, cashAccount: string][] = [
  ['ALLFRUITS', 'All Fruits Wholesale', '10200WH'],
  ['GLORYFRUIT', 'Glory Fruit Farms', '10200WH'],
  ['GOODFRUITS', 'Good Fruits Co', '10200TG'],
];

/** [InventoryID, description, default price, last cost, base UOM, default warehouse] */
const STOCK: [string, string, number, number, string, string][] = [
  ['AACOMPUT01', 'Computer, model 01', 500, 350, 'EA', 'WHOLESALE'],
  ['AALEGO500', 'Lego, 500 piece set', 50, 31.5, 'EA', 'WHOLESALE'],
  ['AAMACHINE1', 'Coffee machine, model 1', 1200, 840, 'EA', 'WHOLESALE'],
  ['APJAM08', 'Apple jam, 8 oz', 2.26, 1.1, 'PIECE', 'WHOLESALE'],
  ['APJAM32', 'Apple jam, 32 oz', 7.5, 3.9, 'PIECE', 'WHOLESALE'],
  ['APL-16OZ-GBT', 'Apple juice, 16 oz glass bottle', 2.99, 1.25, 'EA', 'RETAIL'],
  ['APPLES', 'Apples', 2.99, 2.29, 'LB', 'WHOLESALE'],
  ['CGFEEDER', 'Cattle feeder', 149, 95, 'EA', 'WHOLESALE'],
  ['CONGRILL', 'Contact grill', 89.99, 54, 'EA', 'WHOLESALE'],
  ['EJECTOR03', 'Ejector pin, model 3', 12.5, 6.4, 'EA', 'WHOLESALE'],
  ['LAPTOP15', 'Laptop, 15 inch', 1099, 780, 'EA', 'WHOLESALE'],
  ['ORANGES', 'Oranges', 1.99, 1.15, 'LB', 'WHOLESALE'],
  ['ORG-16OZ-GBT', 'Orange juice, 16 oz glass bottle', 3.29, 1.4, 'EA', 'RETAIL'],
  ['ORG-32OZ-GBT', 'Orange juice, 32 oz glass bottle', 5.49, 2.3, 'EA', 'RETAIL'],
  ['PEARJAM96', 'Pear jam, 96 oz', 18.5, 9.2, 'PIECE', 'RETAIL'],
  ['PLUMJAM96', 'Plum jam, 96 oz', 18.5, 9.1, 'PIECE', 'RETAIL'],
  ['SWB-32OZ-GBT', 'Sparkling water, 32 oz glass bottle', 1.79, 0.6, 'EA', 'RETAIL'],
];

/** [InventoryID, description, item type, default price, base unit] */
const NON_STOCK: [string, string, string, number, string][] = [
  ['CONSULT', 'Consulting services', 'Service', 0, 'HOUR'],
  ['CONSULTING', 'Project consulting', 'Service', 100, 'HOUR'],
  ['INSTALL', 'Installation', 'Service', 217.54, 'EA'],
];

/** Seeds the profile into `store`; returns the number of records per entity. */
export function seedPostman(store: RecordStore, now: Date): Record<string, number> {
  const counts: Record<string, number> = {};
  const day = 86_400_000;
  const at = (daysAgo: number): string => new Date(now.getTime() - daysAgo * day).toISOString();
  const dateOnly = (daysAgo: number): string => `${at(daysAgo).slice(0, 10)}T00:00:00.000Z`;
  const save = (r: StoredRecord): void => {
    store.save(r);
    counts[r.entity] = (counts[r.entity] ?? 0) + 1;
  };
  const rec = (
    entity: string,
    key: string,
    values: Record<string, Plain>,
    id = guid(`${entity}:${key}`),
  ): StoredRecord => ({
    ...node(id, values),
    entity,
  });

  return store.batch(() => {
    CUSTOMERS.forEach((c, i) => {
      const r = rec('Customer', c.id, {
        CustomerID: c.id,
        CustomerName: c.name,
        CustomerClass: c.cls,
        Status: 'Active',
        CurrencyID: 'USD',
        CurrencyRateType: 'SPOT',
        EnableCurrencyOverride: false,
        EnableRateOverride: false,
        Terms: '30D',
        LocationName: 'Primary Location',
        BillingContactOverride: false,
        BillingAddressOverride: false,
        ShippingContactOverride: false,
        ShippingAddressOverride: false,
        Email: c.contact[2],
        CreatedDateTime: at(400 + i),
        LastModifiedDateTime: at(30 + i),
      });
      r.values.NoteID = r.id;
      const main = node(guid(`Contact:${c.id}`), {
        CompanyName: c.name,
        DisplayName: c.name,
        FirstName: c.contact[0],
        LastName: c.contact[1],
        Attention: `${c.contact[0]} ${c.contact[1]}`,
        Email: c.contact[2],
        Phone1: c.contact[3],
      });
      main.linked.Address = node(guid(`Address:${c.id}`), {
        AddressLine1: c.address[0],
        City: c.address[1],
        State: c.address[2],
        PostalCode: c.address[3],
        Country: 'US',
      });
      r.linked.MainContact = main;
      save(r);
      const loc = rec('CustomerLocation', `${c.id}:MAIN`, {
        Customer: c.id,
        LocationID: 'MAIN',
        LocationName: 'Primary Location',
        Active: true,
        Default: true,
        Status: 'Active',
        AddressOverride: false,
        ContactOverride: false,
        CreatedDateTime: at(400 + i),
        LastModifiedDateTime: at(30 + i),
      });
      loc.values.NoteID = loc.id;
      loc.linked.LocationContact = { ...structuredClone(main), id: guid(`LocationContact:${c.id}`) };
      save(loc);
    });

    VENDORS.forEach(([id, name, cash], i) => {
      const r = rec('Vendor', id, {
        VendorID: id,
        VendorName: name,
        LegalName: name,
        VendorClass: 'DEFAULT',
        Status: 'Active',
        CurrencyID: 'USD',
        Terms: '30D',
        CashAccount: cash,
        CreatedDateTime: at(500 + i),
        LastModifiedDateTime: at(45 + i),
      });
      r.linked.MainContact = node(guid(`VendorContact:${id}`), { CompanyName: name, DisplayName: name });
      save(r);
    });

    STOCK.forEach(([id, descr, price, cost, uom, wh], i) => {
      const r = rec('StockItem', id, {
        InventoryID: id,
        Description: descr,
        ItemClass: 'STOCKITEM',
        ItemStatus: 'Active',
        ItemType: 'Finished Good',
        BaseUOM: uom,
        SalesUOM: uom,
        PurchaseUOM: uom,
        DefaultPrice: price,
        MSRP: price,
        LastCost: cost,
        DefaultWarehouseID: wh,
        PostingClass: 'STOCKITEM',
        TaxCategory: 'TAXABLE',
        LastModified: at(20 + i),
        LastModifiedDateTime: at(20 + i),
      });
      r.values.NoteID = r.id;
      r.details.WarehouseDetails = ['WHOLESALE', 'RETAIL'].map((w, j) =>
        node(guid(`ItemSite:${id}:${w}`), {
          WarehouseID: w,
          IsDefault: w === wh,
          QtyOnHand: 40 + ((i * 7 + j * 13) % 60),
        }),
      );
      save(r);
    });

    NON_STOCK.forEach(([id, descr, type, price, unit], i) => {
      const r = rec('NonStockItem', id, {
        InventoryID: id,
        Description: descr,
        ItemClass: 'NONSTOCK',
        ItemStatus: 'Active',
        ItemType: type,
        BaseUnit: unit,
        SalesUnit: unit,
        PurchaseUnit: unit,
        DefaultPrice: price,
        RequireReceipt: false,
        RequireShipment: false,
        TaxCategory: 'EXEMPT',
        LastModifiedDateTime: at(25 + i),
      });
      r.values.NoteID = r.id;
      save(r);
    });

    const priceOf = new Map<string, number>([
      ...STOCK.map((s) => [s[0], s[2]] as const),
      ...NON_STOCK.map((s) => [s[0], s[3]] as const),
    ]);
    const order = (
      type: string,
      nbr: string,
      customer: string,
      lines: [item: string, qty: number, shipped?: number][],
      extra: Record<string, Plain> = {},
      ids: { order?: string; lines?: string[] } = {},
    ): void => {
      const daysAgo = 200 - Number(nbr.replace(/\D/g, '') || 0);
      const r = rec(
        'SalesOrder',
        `${type}:${nbr}`,
        {
          OrderType: type,
          OrderNbr: nbr,
          CustomerID: customer,
          LocationID: 'MAIN',
          CurrencyID: 'USD',
          Date: dateOnly(daysAgo),
          RequestedOn: dateOnly(daysAgo - 3),
          Hold: false,
          Status: 'Open',
          TaxTotal: 0,
          CreatedDate: at(daysAgo),
          LastModified: at(daysAgo - 1),
          ...extra,
        },
        ids.order,
      );
      r.values.NoteID = r.id;
      let total = 0;
      let qtyTotal = 0;
      r.details.Details = lines.map(([item, qty, shipped], i) => {
        const price = priceOf.get(item) ?? 0;
        const ext = Math.round(qty * price * 100) / 100;
        total += ext;
        qtyTotal += qty;
        return node(ids.lines?.[i] ?? guid(`SOLine:${type}:${nbr}:${i + 1}`), {
          LineNbr: i + 1,
          InventoryID: item,
          OrderQty: qty,
          UnitPrice: price,
          ExtendedPrice: ext,
          DiscountAmount: 0,
          Amount: ext,
          QtyOnShipments: shipped ?? 0,
          UOM: STOCK.find((s) => s[0] === item)?.[4] ?? 'EA',
          WarehouseID: 'WHOLESALE',
        });
      });
      r.values.OrderTotal = Math.round(total * 100) / 100;
      r.values.OrderedQty = qtyTotal;
      save(r);
    };
    // SO 000001 shipped in part and then completed: reopening it back-orders the rest.
    order(
      'SO',
      '000001',
      'ABAKERY',
      [
        ['APJAM08', 24, 12],
        ['APJAM32', 6, 6],
      ],
      { Status: 'Completed', CustomerOrder: 'PO-7781' },
      { order: 'a6295b33-c7f6-e811-b817-00155d408001' },
    );
    order('SO', '000002', 'COFFEESHOP', [['AACOMPUT01', 2]], { CustomerOrder: 'CS-1002' });
    order(
      'SO',
      '000003',
      'GOODFOOD',
      [
        ['CONGRILL', 1],
        ['AALEGO500', 3],
        ['APJAM08', 10],
      ],
      { CustomerOrder: 'SO248-563-06' },
    );
    order(
      'SO',
      '000004',
      'FRUITICO',
      [
        ['ORANGES', 40],
        ['APPLES', 25],
        ['APJAM32', 4],
      ],
      { CustomerOrder: 'FR-0418' },
    );
    order(
      'SO',
      '000005',
      'WIDGETCC',
      [['LAPTOP15', 1]],
      { CustomerOrder: 'WCC-5' },
      { order: 'e59cc6da-cc6c-ea11-b82d-00155d408001' },
    );
    for (let i = 0; i < 9; i++)
      order(
        'SO',
        String(10 + i).padStart(6, '0'),
        'C000000003',
        [
          ['AACOMPUT01', 1 + (i % 3)],
          ['EJECTOR03', 4 + i],
        ],
        { CustomerOrder: `JC-${2024 + i}` },
      );
    // The order the collection's "Apply Discounts to a Sales Order" recalculates.
    order('SO', '000070', 'GOODFOOD', [['APJAM08', 12]], { CustomerOrder: 'SO248-563-70' });
    // RMA orders the collection's "Correct the RM Sales Order" requests address by id.
    order(
      'RM',
      '000126',
      'FRUITICO',
      [
        ['APJAM08', 1],
        ['APJAM32', -1],
      ],
      {},
      {
        order: '4cd96bb9-41ae-ed11-9e86-9828a61840c3',
        lines: ['53d96bb9-41ae-ed11-9e86-9828a61840c3'],
      },
    );
    order(
      'RM',
      '000127',
      'FRUITICO',
      [
        ['SWB-32OZ-GBT', -1],
        ['PEARJAM96', 1],
      ],
      {},
      {
        order: '4593e6b2-8ba9-ed11-9e84-9828a61840c3',
        lines: ['4b93e6b2-8ba9-ed11-9e84-9828a61840c3'],
      },
    );
    order(
      'RM',
      '000128',
      'FRUITICO',
      [
        ['ORG-16OZ-GBT', -1],
        ['ORG-32OZ-GBT', 1],
      ],
      {},
      {
        order: 'bbbc7c53-e8ab-ed11-9e85-9828a61840c3',
        lines: ['c1bc7c53-e8ab-ed11-9e85-9828a61840c3'],
      },
    );

    // The demo tenant's sales taxes (rates as its tax schedules have them), categories and zone.
    const TAXES: [id: string, description: string, rate: number][] = [
      ['NYSTATETAX', 'NY State Tax', 8.875],
      ['CAGST', 'Canada GST', 15],
      ['PST', 'Provincial Sales Tax', 5],
    ];
    for (const [id, description, rate] of TAXES) {
      const tax = rec('Tax', id, {
        TaxID: id,
        Description: description,
        TaxType: 'Sales',
        LastModifiedDateTime: at(300),
      });
      tax.details.TaxSchedule = [
        node(guid(`TaxRev:${id}`), { TaxRate: rate, ReportingGroup: null, StartDate: dateOnly(3650) }),
      ];
      save(tax);
    }
    for (const [id, description, taxes] of [
      ['TAXABLE', 'Taxable Goods and Services', ['NYSTATETAX']],
      ['EXEMPT', 'Tax-Exempt Goods and Services', []],
    ] as const) {
      const category = rec('TaxCategory', id, {
        TaxCategoryID: id,
        Description: description,
        Active: true,
        ExcludeListedTaxes: false,
        LastModifiedDateTime: at(300),
      });
      category.details.Details = taxes.map((t) => node(guid(`TaxCat:${id}:${t}`), { TaxID: t }));
      save(category);
    }
    const zone = rec('TaxZone', 'NYZONE', {
      TaxZoneID: 'NYZONE',
      Description: 'New York',
      LastModifiedDateTime: at(300),
    });
    zone.details.ApplicableTaxes = [node(guid('TaxZone:NYZONE:NYSTATETAX'), { TaxID: 'NYSTATETAX' })];
    save(zone);

    const invoice = (
      nbr: string,
      customer: string,
      item: string,
      qty: number,
      status: string,
      daysAgo: number,
      id?: string,
    ): void => {
      const price = priceOf.get(item) ?? 0;
      const amount = Math.round(qty * price * 100) / 100;
      const r = rec(
        'Invoice',
        `Invoice:${nbr}`,
        {
          Type: 'Invoice',
          ReferenceNbr: nbr,
          Customer: customer,
          LocationID: 'MAIN',
          Date: dateOnly(daysAgo),
          DueDate: dateOnly(daysAgo - 30),
          Terms: '30D',
          Hold: false,
          Status: status,
          Amount: amount,
          Balance: status === 'Closed' ? 0 : amount,
          TaxTotal: 0,
          Description: `${item} for ${customer}`,
          CreatedDateTime: at(daysAgo),
          LastModifiedDateTime: at(daysAgo - 1),
        },
        id,
      );
      r.details.Details = [
        node(guid(`ARTran:${nbr}:1`), {
          LineNbr: 1,
          InventoryID: item,
          Qty: qty,
          UnitPrice: price,
          ExtendedPrice: amount,
          DiscountAmount: 0,
          Amount: amount,
          UOM: STOCK.find((s) => s[0] === item)?.[4] ?? 'EA',
          TransactionDescription:
            STOCK.find((s) => s[0] === item)?.[1] ?? NON_STOCK.find((s) => s[0] === item)?.[1] ?? item,
        }),
      ];
      save(r);
    };
    invoice('000030', 'GOODFOOD', 'ORANGES', 120, 'Closed', 120);
    invoice('000062', 'GOODFOOD', 'INSTALL', 1, 'Open', 60);
    invoice('000071', 'ABAKERY', 'APJAM08', 48, 'Open', 40);
    invoice('000126', 'FRUITICO', 'SWB-32OZ-GBT', 24, 'Closed', 35);
    invoice('000130', 'FRUITICO', 'ORG-16OZ-GBT', 12, 'Closed', 33);
    // The invoice the collection's "Specify the Tax Zone for an Invoice" addresses by id.
    invoice('000097', 'GOODFOOD', 'ORANGES', 10, 'Balanced', 20, '8deb6bf9-2072-eb11-b83e-00155d408001');

    const so = rec('ServiceOrder', 'MRO:000019', {
      ServiceOrderType: 'MRO',
      ServiceOrderNbr: '000019',
      Customer: 'COFFEESHOP',
      Location: 'MAIN',
      BranchLocation: 'MAIN',
      Date: dateOnly(15),
      Description: 'Coffee machine maintenance',
      Hold: false,
      Status: 'Open',
      Priority: 'Medium',
      Severity: 'Medium',
      ServiceOrderTotal: 0,
      LastModifiedDateTime: at(14),
    });
    so.details.Details = [
      node(guid('SrvLine:000019:1'), {
        LineNbr: 1,
        LineType: 'Service',
        InventoryID: 'CONSULT',
        EstimatedQty: 2,
        UnitPrice: 0,
        ExtPrice: 0,
        LineStatus: 'Open',
        Billable: true,
      }),
    ];
    save(so);
    store.bump('ServiceOrder:MRO', 19);
    return counts;
  });
}
