/**
 * Customers ↔ Acumatica `Customer` (both directions; client-chosen `CustomerID`).
 *
 * Our primary contact and customer-level email/phone go to `MainContact`, the primary location's
 * address to `MainContact.Address`, and our billing address to `BillingContact.Address` with
 * `BillingAddressOverride` (or to `ShippingContact.Address` with `ShippingAddressOverride` when the
 * account takes ShipTo instead of BillTo, so push and pull stay symmetric and BillTo is never overwritten
 * with a ship-to address).
 */
import type { RestVersion } from '../../core/entities';
import type { Address, Contact, Customer, Location } from '../../core/records';
import type { RunSettings } from '../../core/runs';
import type { AcumaticaRecord } from '../values';
import {
  ACCOUNT_MODIFIED_FIELD,
  accountFieldList,
  accountFromAcumatica,
  accountHeader,
  comparableAccount,
  mainContactToAcumatica,
} from './accounts';
import {
  ADDRESS_FIELDS,
  accountKey,
  acumaticaId,
  addressFromAcumatica,
  addressToAcumatica,
  type AddressMode,
  assertResolved,
  comparableAddress,
  linked,
  pulledRecord,
  singleKeyed,
  str,
  under,
  wrapped,
} from './common';
import type {
  AcumaticaBody,
  Dependency,
  EntityMapper,
  FieldList,
  PullContext,
  PullResult,
  PulledFields,
  PushContext,
  UnresolvedReference,
} from './types';

const ENTITY = 'Customer';

/** The CustomerID a customer gets on first push; after that the stored externalId is used. */
export function customerKeyFor(record: Pick<Customer, '_id' | 'number'>): string {
  return accountKey('C', record);
}

const addressMode = (settings: RunSettings): AddressMode => ({
  skipFirstLine: settings.skipFirstAddressLine,
});

/** The contact that stands for the customer in Acumatica's MainContact. */
function primaryContact(contacts: readonly Contact[] | undefined): Contact | undefined {
  return contacts?.find((c) => c.isPrimary) ?? contacts?.[0];
}

function primaryLocation(locations: readonly Location[] | undefined): Location | undefined {
  return locations?.find((l) => l.isPrimary) ?? locations?.[0];
}

/** The customer's main (account) address: the primary service location's, else the billing address. */
function mainAddress(record: Pick<Customer, 'locations' | 'billingAddress'>): Address | undefined {
  return primaryLocation(record.locations)?.address ?? record.billingAddress;
}

/** Maps a customer to a `Customer` PUT body. */
export function customerToAcumatica(record: Customer, ctx: PushContext): AcumaticaBody {
  const missing: Dependency[] = [];
  let parentKey: string | null = null;
  if (record.parentCustomerId) {
    parentKey = ctx.keys.customer(record.parentCustomerId) ?? null;
    if (parentKey === null) missing.push({ entity: 'customers', id: record.parentCustomerId });
  }
  assertResolved(missing);

  const mode = addressMode(ctx.settings);
  const body: AcumaticaBody = {
    ...wrapped({
      CustomerID: record.sync.externalId ?? customerKeyFor(record),
      CustomerName: record.name,
      ...accountHeader(record),
      ParentRecord: parentKey,
    }),
    MainContact: mainContactToAcumatica(record, primaryContact(record.contacts), mainAddress(record), mode),
  };
  if (record.billingAddress) {
    const [flag, linkedName] = ctx.settings.useShipToAddress
      ? ['ShippingAddressOverride', 'ShippingContact']
      : ['BillingAddressOverride', 'BillingContact'];
    body[flag] = { value: true };
    body[linkedName] = { Address: addressToAcumatica(record.billingAddress, mode) };
  }
  return body;
}

/** Maps an Acumatica `Customer` to our fields, applying the account's customer settings. */
export function customerFromAcumatica(entity: AcumaticaRecord, ctx: PullContext): PullResult<'customers'> {
  const key = str(entity, 'CustomerID') ?? '';
  const id = acumaticaId(entity);
  const parentKey = str(entity, 'ParentRecord');
  if (parentKey && !ctx.settings.includeSubCustomers) {
    return {
      kind: 'skip',
      acumaticaId: id,
      key,
      reason: `sub-customer of ${parentKey} (sub-customers are off)`,
      because: 'sub-customers-off',
    };
  }
  const mode = addressMode(ctx.settings);
  const main = linked(entity, 'MainContact');
  const billing = linked(entity, ctx.settings.useShipToAddress ? 'ShippingContact' : 'BillingContact');
  const unresolved: UnresolvedReference[] = [];
  let parentCustomerId: string | undefined;
  if (parentKey) {
    parentCustomerId = ctx.ids.customer(parentKey);
    if (!parentCustomerId)
      unresolved.push({ field: 'parentCustomerId', entity: 'customers', key: parentKey });
  }
  const fields: PulledFields<'customers'> = {
    name: str(entity, 'CustomerName') ?? key,
    ...accountFromAcumatica(entity, main),
    billingAddress: addressFromAcumatica(linked(billing, 'Address'), mode),
    parentCustomerId,
  };
  const attention = str(main, 'Attention');
  // The default location (MAIN) is where Acumatica ships to: our primary service location.
  const siteAddress =
    addressFromAcumatica(linked(linked(entity, 'ShippingContact'), 'Address'), mode) ??
    addressFromAcumatica(linked(main, 'Address'), mode);
  const createDefaults: PulledFields<'customers'> = {
    number: key,
    type: ctx.settings.newCustomerType,
    contacts: attention ? [{ name: attention, isPrimary: true, phones: [] }] : [],
    locations: siteAddress
      ? [{ id: 'MAIN', name: str(entity, 'LocationName') ?? 'Main', address: siteAddress, isPrimary: true }]
      : [],
  };
  return pulledRecord<'customers'>(entity, {
    key,
    modifiedField: ACCOUNT_MODIFIED_FIELD,
    fields,
    createDefaults,
    unresolved,
  });
}

/**
 * A customer reduced to what a push then a pull preserves: customer-level email/phone fall back to the
 * primary contact's, the billing address falls back to the main address (Acumatica's BillTo/ShipTo
 * equal the main address until overridden), addresses lose coordinates and merged lines.
 */
export function comparableCustomer(
  fields: PulledFields<'customers'> | Customer,
  settings: RunSettings,
): Record<string, unknown> {
  const mode = addressMode(settings);
  const contacts = fields.contacts as Contact[] | undefined;
  const locations = fields.locations as Location[] | undefined;
  return {
    name: fields.name,
    ...comparableAccount(fields, primaryContact(contacts)),
    parentCustomerId: fields.parentCustomerId,
    billingAddress: comparableAddress(
      fields.billingAddress ?? mainAddress({ locations: locations ?? [], billingAddress: undefined }),
      mode,
    ),
  };
}

function fieldList(_version: RestVersion, direction: 'push' | 'pull'): FieldList {
  return {
    ...accountFieldList(ENTITY, direction),
    'Customer.CustomerID': 'string',
    'Customer.CustomerName': 'string',
    'Customer.ParentRecord': 'string',
    ...(direction === 'push'
      ? { 'Customer.BillingAddressOverride': 'boolean', 'Customer.ShippingAddressOverride': 'boolean' }
      : { 'Customer.LocationName': 'string' }),
    // BillTo and ShipTo: which one is ours depends on useShipToAddress, so both are listed.
    'Customer.BillingContact': 'linked',
    'Customer.BillingContact.Address': 'linked',
    ...under('Customer.BillingContact.Address', ADDRESS_FIELDS),
    'Customer.ShippingContact': 'linked',
    'Customer.ShippingContact.Address': 'linked',
    ...under('Customer.ShippingContact.Address', ADDRESS_FIELDS),
  };
}

export const customersMapper: EntityMapper<'customers'> = {
  entity: 'customers',
  acumaticaEntity: ENTITY,
  keyFor: customerKeyFor,
  push: customerToAcumatica,
  dependencies: (record) =>
    record.parentCustomerId ? [{ entity: 'customers', id: record.parentCustomerId }] : [],
  pull: customerFromAcumatica,
  comparable: comparableCustomer,
  pullReferences: (entity) => {
    const parent = str(entity, 'ParentRecord');
    return { customers: parent ? [parent] : [], items: [] };
  },
  pullQuery: () => ({
    entity: ENTITY,
    modifiedField: ACCOUNT_MODIFIED_FIELD,
    expand: [
      'MainContact',
      'MainContact/Address',
      'BillingContact',
      'BillingContact/Address',
      'ShippingContact',
      'ShippingContact/Address',
    ],
  }),
  ...singleKeyed('CustomerID'),
  fieldList,
};
