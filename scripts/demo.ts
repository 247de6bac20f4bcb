/**
 * The `npm start` demo, driven only through the public HTTP APIs (ours and the emulator's admin API), the
 * way an operator would. First start: creates the demo account against the emulator, field-service records
 * of every pushable type, marks most of them "Export to Acumatica", lets a first run import Acumatica's
 * master data, stages one conflict (a customer edited here and then, later, in Acumatica: its phone here, its
 * name on both sides) and starts a full
 * run. Later starts: an incremental run of the same account.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { emulatorConnection } from '../emulator';

export interface DemoOptions {
  apiUrl: string;
  adminKey: string;
  emulatorUrl: string;
  /** Where the demo account id and its API key are kept between starts. */
  stateFile: string;
  /** How long to wait for the first (import) run; default 5 minutes. */
  importTimeoutMs?: number;
  /** Told about each run the demo starts, as soon as it starts (so its link can be shown at once). */
  onRunStarted?: (workflowId: string, what: string) => void;
}

export interface DemoResult {
  accountId: string;
  /** The demo account's API key: the newcomer signs in to the console with it. */
  apiKey: string;
  runWorkflowId: string | null;
  message: string;
}

interface DemoState {
  accountId: string;
  apiKey: string;
}

class DemoError extends Error {
  override readonly name = 'DemoError';
}

/** A tiny JSON client for our API. */
function apiClient(baseUrl: string, key: string) {
  return async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new DemoError(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

type Call = ReturnType<typeof apiClient>;

function readState(file: string): DemoState | null {
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoState>;
  return typeof parsed.accountId === 'string' && typeof parsed.apiKey === 'string'
    ? { accountId: parsed.accountId, apiKey: parsed.apiKey }
    : null;
}

async function startRun(call: Call, accountId: string, full: boolean): Promise<string> {
  const run = await call<{ runId: string }>('POST', `/accounts/${accountId}/syncs`, { full });
  return run.runId;
}

async function waitForRun(call: Call, accountId: string, runId: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await call<{ status: string; summary: string | null }>(
      'GET',
      `/accounts/${accountId}/syncs/${encodeURIComponent(runId)}`,
    );
    if (run.status !== 'running') return run.summary ?? run.status;
    if (Date.now() > deadline) throw new DemoError(`the import run ${runId} did not finish in time`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Customers of the demo: most with coordinates, a few without (routing needs them; Acumatica has none). */
const CUSTOMERS: { name: string; city: string; state: string; postalCode: string; geo?: [number, number] }[] =
  [
    {
      name: 'Harborview Dental Group',
      city: 'Seattle',
      state: 'WA',
      postalCode: '98101',
      geo: [47.6097, -122.3331],
    },
    {
      name: 'Cascade Brewing Co',
      city: 'Portland',
      state: 'OR',
      postalCode: '97201',
      geo: [45.5152, -122.6784],
    },
    {
      name: 'Summit Property Management',
      city: 'Denver',
      state: 'CO',
      postalCode: '80202',
      geo: [39.7392, -104.9903],
    },
    {
      name: 'Lone Star Veterinary',
      city: 'Austin',
      state: 'TX',
      postalCode: '78701',
      geo: [30.2672, -97.7431],
    },
    {
      name: 'Desert Bloom Apartments',
      city: 'Phoenix',
      state: 'AZ',
      postalCode: '85004',
      geo: [33.4484, -112.074],
    },
    {
      name: 'Lakeshore Athletic Club',
      city: 'Chicago',
      state: 'IL',
      postalCode: '60601',
      geo: [41.8853, -87.6216],
    },
    { name: 'Peachtree Bakery', city: 'Atlanta', state: 'GA', postalCode: '30303', geo: [33.749, -84.388] },
    { name: 'Biscayne Marina', city: 'Miami', state: 'FL', postalCode: '33130', geo: [25.7617, -80.1918] },
    {
      name: 'Queen City Print Shop',
      city: 'Charlotte',
      state: 'NC',
      postalCode: '28202',
      geo: [35.2271, -80.8431],
    },
    { name: 'Boise Family Clinic', city: 'Boise', state: 'ID', postalCode: '83702' },
    { name: 'Kirkland Auto Spa', city: 'Kirkland', state: 'WA', postalCode: '98033' },
    { name: 'Dallas Data Center LLC', city: 'Dallas', state: 'TX', postalCode: '75201' },
  ];

async function createRecords(call: Call, accountId: string) {
  const post = (type: string, body: unknown) =>
    call<{ id: string }>('POST', `/accounts/${accountId}/records/${type}`, body);
  const customers: { id: string }[] = [];
  for (const [i, c] of CUSTOMERS.entries()) {
    customers.push(
      await post('customers', {
        name: c.name,
        type: i % 4 === 3 ? 'RESIDENTIAL' : 'BUSINESS',
        email: `office${i + 1}@example.com`,
        billingAddress: {
          line1: `${100 + i * 7} Main Street`,
          city: c.city,
          state: c.state,
          postalCode: c.postalCode,
          country: 'US',
          ...(c.geo ? { latitude: c.geo[0], longitude: c.geo[1] } : {}),
        },
        contacts: [{ name: `Front desk ${i + 1}`, email: `frontdesk${i + 1}@example.com`, isPrimary: true }],
      }),
    );
  }
  const customer = (i: number) => customers[i % customers.length]!.id;
  const vendor = await post('vendors', { name: 'Pacific Plumbing Supply', email: 'orders@pps.example.com' });
  const products = [
    await post('products', {
      sku: 'FS-PUMP-200',
      description: 'Sump pump 1/2 HP',
      price: 249,
      manufacturerName: 'Zoeller',
      manufacturerPartNumber: 'M53',
      barcode: '012345678905',
    }),
    await post('products', { sku: 'FS-VALVE-075', description: 'Ball valve 3/4 in', price: 18.5 }),
    await post('products', { sku: 'FS-FILTER-16', description: 'HVAC filter 16x25', price: 12 }),
  ];
  const services = [
    await post('services', {
      sku: 'FS-LABOR-HR',
      description: 'Technician labor (hour)',
      price: 95,
      unit: 'HOUR',
    }),
    await post('services', { sku: 'FS-TRIP', description: 'Trip charge', price: 45 }),
  ];
  const labor = { serviceId: services[0]!.id, quantity: 2, unitPrice: 95 };
  const pump = { productId: products[0]!.id, quantity: 1, unitPrice: 249 };
  const valve = { productId: products[1]!.id, quantity: 4, unitPrice: 18.5 };
  const workOrders = [
    await post('work-orders', {
      customerId: customer(0),
      description: 'Replace sump pump',
      date: '2026-01-12',
      lines: [pump, labor],
    }),
    await post('work-orders', {
      customerId: customer(3),
      description: 'Annual HVAC maintenance',
      date: '2026-01-14',
      lines: [labor],
    }),
  ];
  const estimate = await post('estimates', {
    customerId: customer(4),
    description: 'Boiler replacement quote',
    date: '2026-01-15',
    lines: [pump, valve, labor],
  });
  const salesOrder = await post('sales-orders', {
    customerId: customer(5),
    description: 'Filters for all units',
    date: '2026-01-16',
    lines: [{ productId: products[2]!.id, quantity: 40, unitPrice: 12 }],
  });
  const purchaseOrder = await post('purchase-orders', {
    vendorId: vendor.id,
    description: 'Restock pumps and valves',
    date: '2026-01-16',
    lines: [
      { productId: products[0]!.id, quantity: 5, unitPrice: 180 },
      { productId: products[1]!.id, quantity: 20, unitPrice: 11 },
    ],
  });
  const invoices = [
    await post('invoices', {
      customerId: customer(0),
      workOrderId: workOrders[0]!.id,
      invoiceDate: '2026-01-20',
      lines: [pump, labor],
      discounts: [{ description: 'Loyalty', kind: 'percent', value: 5 }],
    }),
    await post('invoices', {
      customerId: customer(3),
      invoiceDate: '2026-01-21',
      lines: [labor, { serviceId: services[1]!.id, quantity: 1, unitPrice: 45 }],
    }),
  ];
  // An item that exists neither in Acumatica nor here: Acumatica rejects the invoice (the failure to look at).
  const failing = await post('invoices', {
    customerId: customer(6),
    invoiceDate: '2026-01-22',
    description: 'Invoice with an item Acumatica does not know',
    lines: [{ sku: 'NOT-IN-ERP-001', description: 'Discontinued part', quantity: 1, unitPrice: 30 }],
  });
  return {
    customers,
    vendor,
    products,
    services,
    workOrders,
    estimate,
    salesOrder,
    purchaseOrder,
    invoices,
    failing,
  };
}

/**
 * Sets up the demo (first start) or starts an incremental run (later starts).
 * @throws DemoError naming the request that failed
 */
export async function setUpDemo(options: DemoOptions): Promise<DemoResult> {
  const state = readState(options.stateFile);
  if (state) {
    const call = apiClient(options.apiUrl, state.apiKey);
    const runId = await startRun(call, state.accountId, false);
    options.onRunStarted?.(runId, 'incremental run');
    return {
      accountId: state.accountId,
      apiKey: state.apiKey,
      runWorkflowId: runId,
      message: `Incremental run started: records marked since the last start are pushed, Acumatica changes pulled. Sync log: GET /accounts/${state.accountId}/syncs`,
    };
  }

  const adminCall = apiClient(options.apiUrl, options.adminKey);
  const created = await adminCall<{ account: { id: string }; apiKey: string }>('POST', '/accounts', {
    name: 'Demo field-service company',
    connection: emulatorConnection(options.emulatorUrl),
    settings: { executionDelayMinutes: 15 },
  });
  const accountId = created.account.id;
  mkdirSync(dirname(options.stateFile), { recursive: true });
  writeFileSync(options.stateFile, `${JSON.stringify({ accountId, apiKey: created.apiKey }, null, 2)}\n`, {
    mode: 0o600,
  });
  const call = apiClient(options.apiUrl, created.apiKey);

  const records = await createRecords(call, accountId);
  // "Export to Acumatica" is a choice per record: the last customer stays unmarked (unless an order needs it).
  const exportBody = (type: string) =>
    type === 'customers' ? { ids: records.customers.slice(0, -1).map((c) => c.id) } : { all: true };
  let marked = 0;
  for (const type of [
    'customers',
    'vendors',
    'products',
    'services',
    'work-orders',
    'estimates',
    'sales-orders',
    'purchase-orders',
    'invoices',
  ]) {
    marked += (
      await call<{ marked: number }>(
        'POST',
        `/accounts/${accountId}/records/${type}/export`,
        exportBody(type),
      )
    ).marked;
  }

  // The first run imports Acumatica's master data and pushes what was marked.
  const importRun = await startRun(call, accountId, false);
  options.onRunStarted?.(importRun, 'first run: imports Acumatica master data and pushes the marked records');
  const importSummary = await waitForRun(call, accountId, importRun, options.importTimeoutMs ?? 5 * 60_000);

  // The conflict: an imported customer edited here, then later in Acumatica. The field-level merge keeps our
  // phone (changed here only) and takes Acumatica's name (changed on both sides, Acumatica's edit newer) with a note.
  const conflict = await stageConflict(call, accountId, options.emulatorUrl);

  const runId = await startRun(call, accountId, true);
  options.onRunStarted?.(runId, 'full run: shows the failed invoice and the conflict resolved');
  return {
    accountId,
    apiKey: created.apiKey,
    runWorkflowId: runId,
    message: [
      `${marked} records marked for export; the import run finished (${importSummary}).`,
      `One will fail: invoice ${records.failing.id} has an item Acumatica does not know; see its note (GET /accounts/${accountId}/records/invoices/${records.failing.id}) and the run summary.`,
      conflict
        ? `Conflict: customer ${conflict.recordId} (${conflict.customerId}) was edited here (phone, name), then in Acumatica (name); the full run keeps our phone and sends it, takes Acumatica's newer name and adds a note naming the field and both values.`
        : 'No imported customer was found to stage the conflict.',
      `Full run started; sync log: GET /accounts/${accountId}/syncs, notifications: GET /accounts/${accountId}/notifications.`,
    ].join('\n  '),
  };
}

async function stageConflict(
  call: Call,
  accountId: string,
  emulatorUrl: string,
): Promise<{ recordId: string; customerId: string } | null> {
  const res = await fetch(`${emulatorUrl}/_emulator/records/Customer`);
  if (!res.ok) throw new DemoError(`the emulator's admin API answered ${res.status}`);
  const erpCustomers = (await res.json()) as { id: string; values: { CustomerID?: string } }[];
  for (const erp of erpCustomers.slice(0, 20)) {
    const key = erp.values.CustomerID;
    if (!key) continue;
    const page = await call<{ items: { id: string }[] }>(
      'GET',
      `/accounts/${accountId}/records/customers?externalId=${encodeURIComponent(key)}&limit=1`,
    );
    const local = page.items[0];
    if (!local) continue;
    await call('PATCH', `/accounts/${accountId}/records/customers/${local.id}`, {
      phone: '+1 555 0199',
      name: 'Edited here first',
    });
    await call('POST', `/accounts/${accountId}/records/customers/${local.id}/export`);
    const edit = await fetch(`${emulatorUrl}/_emulator/records/Customer/${erp.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ CustomerName: 'Edited in Acumatica after our edit' }),
    });
    if (!edit.ok) throw new DemoError(`editing customer ${key} in the emulator failed: ${edit.status}`);
    return { recordId: local.id, customerId: key };
  }
  return null;
}
