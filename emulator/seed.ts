/**
 * Deterministic demo data: the same seed gives the same records (ids included). Modified times are spread
 * over the 60 days before `now`.
 */
import { BEHAVIOURS, PRICE_ENTITY } from './entities';
import { prng } from './faults';
import { seedPostman } from './seed-postman';
import type { RecordNode, RecordStore, StoredRecord } from './store';
import type { Plain } from './values';

export interface SeedCounts {
  customers?: number;
  vendors?: number;
  stockItems?: number;
  nonStockItems?: number;
  projects?: number;
  serviceOrders?: number;
  seed?: number;
}

/** `'postman'`: the demo-tenant records Acumatica's Postman collection refers to (see `seed-postman.ts`). */
export type SeedOption = 'demo' | 'none' | 'postman' | SeedCounts;

export const DEMO_COUNTS: Required<SeedCounts> = {
  customers: 300,
  vendors: 40,
  stockItems: 150,
  nonStockItems: 60,
  projects: 20,
  serviceOrders: 80,
  seed: 42,
};

const COMPANY_A = [
  'Acme',
  'Blue Ridge',
  'Cedar',
  'Summit',
  'Lakeside',
  'Pioneer',
  'Redwood',
  'Harbor',
  'Granite',
  'Maple',
  'Silver Creek',
  'Northwind',
  'Evergreen',
  'Prairie',
  'Keystone',
  'Riverbend',
];
const COMPANY_B = [
  'Plumbing',
  'Heating & Air',
  'Property Management',
  'Dental Group',
  'Foods',
  'Logistics',
  'Hotels',
  'Builders',
  'Medical Center',
  'Schools',
  'Bakery',
  'Fitness',
  'Auto Care',
  'Apartments',
];
const FIRST = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Susan',
  'Carlos',
  'Aisha',
  'Wei',
  'Olga',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  "O'Brien",
  'Garcia',
  'Miller',
  'Davis',
  'Martinez',
  'Nguyen',
  'Patel',
  'Kowalski',
  'Chen',
];
const CITIES: [string, string, string][] = [
  ['Seattle', 'WA', '98101'],
  ['Kirkland', 'WA', '98033'],
  ['Portland', 'OR', '97201'],
  ['Boise', 'ID', '83702'],
  ['Denver', 'CO', '80202'],
  ['Austin', 'TX', '78701'],
  ['Dallas', 'TX', '75201'],
  ['Phoenix', 'AZ', '85004'],
  ['Chicago', 'IL', '60601'],
  ['Springfield', 'IL', '62701'],
  ['Atlanta', 'GA', '30303'],
  ['Miami', 'FL', '33130'],
  ['Charlotte', 'NC', '28202'],
  ['Columbus', 'OH', '43215'],
  ['Nashville', 'TN', '37203'],
  ['Boston', 'MA', '02108'],
];
const STREETS = [
  'Main St',
  'Oak Ave',
  'Elm St',
  'Lake Washington Blvd NE',
  'Maple Dr',
  'Industrial Pkwy',
  'Market St',
  'Pine Rd',
];
const PARTS = [
  'Pump',
  'Valve',
  'Filter',
  'Compressor',
  'Thermostat',
  'Fan Motor',
  'Capacitor',
  'Gasket',
  'Hose',
  'Sensor',
  'Relay',
  'Coil',
];
const MAKERS = ['Grundfos', 'Honeywell', 'Carrier', 'Trane', 'Emerson', 'Danfoss', 'Watts', 'Bosch'];
const SERVICES = [
  'Diagnostic Visit',
  'Labor Hour',
  'After-Hours Labor',
  'Preventive Maintenance',
  'Installation',
  'Travel Charge',
  'Inspection',
  'Cleaning',
];

/** Seeds the store; returns how many records of each entity were written. */
export function seedStore(store: RecordStore, option: SeedOption, now: Date): Record<string, number> {
  if (option === 'none') return {};
  if (option === 'postman') return seedPostman(store, now);
  const c = option === 'demo' ? DEMO_COUNTS : { ...DEMO_COUNTS, ...zeroes(), ...option };
  const rand = prng(c.seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const uuid = (): string => {
    const h = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  };
  const stamp = (): { created: string; modified: string } => {
    const modified = now.getTime() - Math.floor(rand() * 60 * 86_400_000);
    return {
      created: new Date(modified - int(0, 300) * 86_400_000).toISOString(),
      modified: new Date(modified).toISOString(),
    };
  };
  const node = (values: Record<string, Plain>): RecordNode => ({
    id: uuid(),
    values,
    linked: {},
    details: {},
    note: '',
  });
  const rec = (entity: string, values: Record<string, Plain>): StoredRecord => ({ ...node(values), entity });
  const address = (): RecordNode => {
    const [city, state, zip] = pick(CITIES);
    return node({
      AddressLine1: `${int(10, 9999)} ${pick(STREETS)}`,
      AddressLine2: rand() < 0.2 ? `Suite ${int(100, 900)}` : null,
      City: city,
      State: state,
      PostalCode: zip,
      Country: 'US',
    });
  };
  const contact = (company: string): RecordNode => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const n = node({
      CompanyName: company,
      DisplayName: company,
      FirstName: first,
      LastName: last,
      Attention: `${first} ${last}`,
      Email: `${first}.${last}@${company.replace(/[^A-Za-z]/g, '').toLowerCase()}.example`
        .toLowerCase()
        .replace("'", ''),
      Phone1: `+1 ${int(200, 989)} 555 ${String(int(0, 9999)).padStart(4, '0')}`,
    });
    n.linked.Address = address();
    return n;
  };
  const counts: Record<string, number> = {};
  const save = (r: StoredRecord): void => {
    store.save(r);
    counts[r.entity] = (counts[r.entity] ?? 0) + 1;
  };

  return store.batch(() => {
    const customers: StoredRecord[] = [];
    for (let i = 1; i <= c.customers; i++) {
      const name = `${pick(COMPANY_A)} ${pick(COMPANY_B)}${rand() < 0.3 ? ` ${int(2, 99)}` : ''}`;
      const t = stamp();
      const parent = i > 10 && rand() < 0.1 ? pick(customers.slice(0, 10)) : undefined;
      const r = rec('Customer', {
        CustomerID: `C${String(i).padStart(6, '0')}`,
        CustomerName: parent ? `${String(parent.values.CustomerName)} - ${pick(CITIES)[0]}` : name,
        CustomerClass: rand() < 0.8 ? 'DEFAULT' : 'COMMERCIAL',
        Status: rand() < 0.93 ? 'Active' : pick(['On Hold', 'Inactive']),
        ParentRecord: parent ? (parent.values.CustomerID ?? null) : null,
        CurrencyID: 'USD',
        Terms: '30D',
        LocationName: 'Primary Location',
        BillingContactOverride: false,
        BillingAddressOverride: false,
        ShippingContactOverride: false,
        ShippingAddressOverride: false,
        CreatedDateTime: t.created,
        LastModifiedDateTime: t.modified,
      });
      r.values.NoteID = r.id;
      r.linked.MainContact = contact(String(r.values.CustomerName));
      r.values.Email = r.linked.MainContact.values.Email ?? null;
      customers.push(r);
      save(r);
      const loc = rec('CustomerLocation', {
        Customer: r.values.CustomerID ?? null,
        LocationID: 'MAIN',
        LocationName: 'Primary Location',
        Active: true,
        Default: true,
        Status: 'Active',
        AddressOverride: false,
        ContactOverride: false,
        CreatedDateTime: t.created,
        LastModifiedDateTime: t.modified,
      });
      loc.linked.LocationContact = { ...structuredClone(r.linked.MainContact), id: uuid() };
      save(loc);
    }
    for (let i = 1; i <= c.vendors; i++) {
      const t = stamp();
      const name = `${pick(MAKERS)} ${pick(['Supply', 'Distribution', 'Wholesale', 'Parts Co'])}`;
      const r = rec('Vendor', {
        VendorID: `V${String(i).padStart(6, '0')}`,
        VendorName: name,
        LegalName: `${name} LLC`,
        VendorClass: 'DEFAULT',
        Status: 'Active',
        CurrencyID: 'USD',
        Terms: '30D',
        CreatedDateTime: t.created,
        LastModifiedDateTime: t.modified,
      });
      r.linked.MainContact = contact(name);
      save(r);
    }
    const items: StoredRecord[] = [];
    for (let i = 1; i <= c.stockItems; i++) {
      const t = stamp();
      const part = pick(PARTS);
      const maker = pick(MAKERS);
      const r = rec('StockItem', {
        InventoryID: `${part
          .toUpperCase()
          .replace(/[^A-Z]/g, '')
          .slice(0, 6)}${String(i).padStart(4, '0')}`,
        Description: `${maker} ${part} ${int(10, 99)}${pick(['A', 'B', 'X'])}`,
        ItemClass: 'STOCKITEM',
        ItemStatus: rand() < 0.95 ? 'Active' : 'Inactive',
        ItemType: 'Finished Good',
        BaseUOM: 'EA',
        SalesUOM: 'EA',
        PurchaseUOM: 'EA',
        DefaultPrice: int(500, 90000) / 100,
        MSRP: null,
        TaxCategory: 'TAXABLE',
        DefaultWarehouseID: 'WHOLESALE',
        PostingClass: 'STOCKITEM',
        LastModified: t.modified,
        LastModifiedDateTime: t.modified,
      });
      r.values.NoteID = r.id;
      r.details.CrossReferences = [
        node({
          AlternateType: 'Global',
          AlternateID: `${maker.slice(0, 3).toUpperCase()}-${int(10000, 99999)}`,
          Description: maker,
          UOM: 'EA',
        }),
        node({
          AlternateType: 'Barcode',
          AlternateID: String(int(100000, 999999)) + String(int(100000, 999999)),
          Description: null,
          UOM: 'EA',
        }),
      ];
      r.details.WarehouseDetails = [
        node({ WarehouseID: 'WHOLESALE', IsDefault: true, QtyOnHand: int(0, 400) }),
      ];
      items.push(r);
      save(r);
    }
    const services: StoredRecord[] = [];
    for (let i = 1; i <= c.nonStockItems; i++) {
      const t = stamp();
      const svc = pick(SERVICES);
      const r = rec('NonStockItem', {
        InventoryID: `SVC${String(i).padStart(4, '0')}`,
        Description: svc,
        ItemClass: 'SERVICES',
        ItemStatus: 'Active',
        ItemType: svc.includes('Labor') ? 'Labor' : 'Service',
        BaseUnit: svc.includes('Hour') || svc.includes('Labor') ? 'HOUR' : 'EA',
        SalesUnit: 'EA',
        PurchaseUnit: 'EA',
        DefaultPrice: int(4000, 25000) / 100,
        TaxCategory: 'EXEMPT',
        RequireReceipt: false,
        RequireShipment: false,
        LastModifiedDateTime: t.modified,
      });
      r.values.NoteID = r.id;
      services.push(r);
      save(r);
    }
    // One released worksheet with base prices for every item, plus some customer-specific prices.
    const allItems = [...items, ...services];
    if (allItems.length > 0) {
      const t = stamp();
      const effective = new Date(Date.parse(t.modified) - 86_400_000 * 30);
      const effectiveDate = new Date(
        Date.UTC(effective.getUTCFullYear(), effective.getUTCMonth(), effective.getUTCDate()),
      ).toISOString();
      const ws = rec('SalesPriceWorksheet', {
        ReferenceNbr: 'PW000001',
        Description: 'Demo price list',
        EffectiveDate: effectiveDate,
        Hold: false,
        Status: 'Released',
        OverwriteOverlappingPrices: true,
        CreatedDateTime: t.created,
        LastModifiedDateTime: t.modified,
      });
      store.bump('SalesPriceWorksheet', 1);
      const lines: RecordNode[] = [];
      let recordId = 0;
      const addPrice = (type: string, code: string | null, item: StoredRecord, price: number): void => {
        const line = node({
          LineID: lines.length + 1,
          PriceType: type,
          PriceCode: code,
          InventoryID: item.values.InventoryID ?? null,
          UOM: 'EA',
          BreakQty: 0,
          PendingPrice: price,
          CurrencyID: 'USD',
        });
        lines.push(line);
        recordId++;
        save(
          rec(PRICE_ENTITY, {
            RecordID: recordId,
            PriceType: type,
            PriceCode: code,
            InventoryID: line.values.InventoryID ?? null,
            UOM: 'EA',
            BreakQty: 0,
            Price: price,
            CurrencyID: 'USD',
            EffectiveDate: effectiveDate,
            ExpirationDate: null,
            Promotion: false,
            Tax: null,
            Description: null,
            CreatedDateTime: t.created,
            LastModifiedDateTime: t.modified,
          }),
        );
      };
      for (const item of allItems) addPrice('Base', null, item, Number(item.values.DefaultPrice));
      for (let i = 0; i < Math.min(20, customers.length); i++) {
        const item = pick(allItems);
        addPrice(
          'Customer',
          String(customers[i]!.values.CustomerID),
          item,
          Math.round(Number(item.values.DefaultPrice) * 90) / 100,
        );
      }
      store.bump('SalesPrice', recordId);
      ws.details.SalesPrices = lines;
      save(ws);
    }
    for (let i = 1; i <= c.projects && customers.length > 0; i++) {
      const t = stamp();
      const cust = pick(customers);
      const r = rec('Project', {
        ProjectID: `PRJ${String(i).padStart(4, '0')}`,
        Description: `${pick(['Retrofit', 'New build', 'Maintenance contract', 'Remodel'])} for ${String(cust.values.CustomerName)}`,
        Customer: cust.values.CustomerID ?? null,
        Hold: false,
        Status: 'Active',
        ProjectTemplateID: null,
        ExternalRefNbr: null,
        LastModifiedDateTime: t.modified,
      });
      r.linked.ProjectAddress = address();
      r.linked.ProjectProperties = node({ StartDate: t.created, EndDate: null, ProjectManager: null });
      save(r);
    }
    for (let i = 1; i <= c.serviceOrders && customers.length > 0; i++) {
      const t = stamp();
      const cust = pick(customers);
      const r = rec('ServiceOrder', {
        ServiceOrderType: 'MRO',
        ServiceOrderNbr: `SO${String(i).padStart(6, '0')}`,
        Customer: cust.values.CustomerID ?? null,
        Location: 'MAIN',
        Description: `${pick(['No heat', 'Leaking valve', 'Annual maintenance', 'Noisy compressor', 'Install thermostat'])} at ${String(cust.values.CustomerName)}`,
        Date: t.modified.slice(0, 10) + 'T00:00:00.000Z',
        Hold: false,
        Status: pick(['Open', 'Open', 'Completed']),
        Priority: pick(['Low', 'Medium', 'High']),
        Severity: 'Medium',
        BranchLocation: 'MAIN',
        ExternalReference: null,
        CustomerOrder: null,
        LastModifiedDateTime: t.modified,
      });
      const main = cust.linked.MainContact;
      if (main) {
        r.linked.Contact = node({
          Attention: main.values.Attention ?? null,
          CompanyName: main.values.CompanyName ?? null,
          Email: main.values.Email ?? null,
          Phone1: main.values.Phone1 ?? null,
        });
        const a = main.linked.Address;
        if (a) r.linked.Address = node({ ...a.values });
      }
      const lines = int(1, 3);
      r.details.Details = [];
      for (let l = 1; l <= lines && allItems.length > 0; l++) {
        const item = rand() < 0.6 && services.length > 0 ? pick(services) : pick(allItems);
        const qty = int(1, 4);
        const price = Number(item.values.DefaultPrice);
        r.details.Details.push(
          node({
            LineNbr: l,
            LineType: item.entity === 'NonStockItem' ? 'Service' : 'Inventory Item',
            InventoryID: item.values.InventoryID ?? null,
            Description: item.values.Description ?? null,
            EstimatedQty: qty,
            UnitPrice: price,
            ExtPrice: Math.round(qty * price * 100) / 100,
            Billable: true,
            LineStatus: 'Open',
          }),
        );
      }
      BEHAVIOURS.ServiceOrder!.derive!(r, { store, now: () => now });
      save(r);
    }
    store.bump('ServiceOrder:MRO', c.serviceOrders);
    return counts;
  });
}

function zeroes(): Required<Omit<SeedCounts, 'seed'>> {
  return { customers: 0, vendors: 0, stockItems: 0, nonStockItems: 0, projects: 0, serviceOrders: 0 };
}
