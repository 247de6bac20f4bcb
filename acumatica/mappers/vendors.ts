/**
 * Vendors ↔ Acumatica `Vendor` (both directions; client-chosen `VendorID`). The contact and
 * vendor-level email/phone go to `MainContact`, the address to `MainContact.Address`.
 */
import type { RestVersion } from '../../core/entities';
import type { Contact, Vendor } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import {
  ADDRESS_FIELDS,
  accountKey,
  acumaticaId,
  addressFromAcumatica,
  addressToAcumatica,
  comparableAddress,
  compact,
  contactPhone,
  instant,
  linked,
  orNull,
  singleKey,
  statusLabel,
  str,
  under,
  wrapped,
} from './common';
import type { AcumaticaBody, EntityMapper, FieldList, PullResult, PulledFields, PushContext } from './types';

const ENTITY = 'Vendor';
const MODIFIED = 'LastModifiedDateTime';
// The customer address settings are about customers; vendor addresses map line for line.
const MODE = { skipFirstLine: false };

/** The VendorID a vendor gets on first push; after that the stored externalId is used. */
export function vendorKeyFor(record: Pick<Vendor, '_id' | 'number'>): string {
  return accountKey('V', record);
}

/** Maps a vendor to a `Vendor` PUT body. */
export function vendorToAcumatica(record: Vendor, _ctx: PushContext): AcumaticaBody {
  return {
    ...wrapped({
      VendorID: record.sync.externalId ?? vendorKeyFor(record),
      VendorName: record.name,
      Status: statusLabel(record.status),
      AccountRef: record.externalRef,
      Terms: record.terms,
      CurrencyID: record.currency,
    }),
    MainContact: {
      ...wrapped({
        Attention: orNull(record.contact?.name),
        Email: orNull(record.email ?? record.contact?.email),
        Phone1: orNull(record.phone ?? contactPhone(record.contact)),
      }),
      ...(record.address ? { Address: addressToAcumatica(record.address, MODE) } : {}),
    },
  };
}

/** Maps an Acumatica `Vendor` to our fields. */
export function vendorFromAcumatica(entity: AcumaticaRecord): PullResult<'vendors'> {
  const key = str(entity, 'VendorID') ?? '';
  const main = linked(entity, 'MainContact');
  const attention = str(main, 'Attention');
  return {
    kind: 'record',
    acumaticaId: acumaticaId(entity),
    key,
    modifiedAt: instant(entity, MODIFIED),
    fields: compact({
      name: str(entity, 'VendorName') ?? key,
      // On Hold / Hold Payments / One-Time vendors are still vendors we buy from.
      status: str(entity, 'Status') === 'Inactive' ? 'INACTIVE' : 'ACTIVE',
      email: str(main, 'Email'),
      phone: str(main, 'Phone1'),
      terms: str(entity, 'Terms'),
      currency: str(entity, 'CurrencyID'),
      address: addressFromAcumatica(linked(main, 'Address'), MODE),
    }),
    createDefaults: compact({
      number: key,
      contact: attention ? { name: attention, isPrimary: true, phones: [] } : undefined,
    }),
    unresolved: [],
  };
}

/** A vendor reduced to what a push then a pull preserves. */
export function comparableVendor(fields: PulledFields<'vendors'> | Vendor): Record<string, unknown> {
  const contact = fields.contact as Contact | undefined;
  return {
    name: fields.name,
    status: fields.status ?? 'ACTIVE',
    email: fields.email ?? contact?.email,
    phone: fields.phone ?? contactPhone(contact),
    terms: fields.terms,
    currency: fields.currency,
    address: comparableAddress(fields.address, MODE),
  };
}

function fieldList(_version: RestVersion, direction: 'push' | 'pull'): FieldList {
  return {
    'Vendor.VendorID': 'string',
    'Vendor.VendorName': 'string',
    'Vendor.Status': 'string',
    'Vendor.Terms': 'string',
    'Vendor.CurrencyID': 'string',
    ...(direction === 'push'
      ? { 'Vendor.AccountRef': 'string' }
      : { 'Vendor.LastModifiedDateTime': 'datetime' }),
    'Vendor.MainContact': 'linked',
    ...under('Vendor.MainContact', {
      Attention: 'string',
      Email: 'string',
      Phone1: 'string',
      Address: 'linked',
    }),
    ...under('Vendor.MainContact.Address', ADDRESS_FIELDS),
  };
}

export const vendorsMapper: EntityMapper<'vendors'> = {
  entity: 'vendors',
  acumaticaEntity: ENTITY,
  keyFor: vendorKeyFor,
  push: vendorToAcumatica,
  dependencies: () => [],
  pull: vendorFromAcumatica,
  comparable: comparableVendor,
  pullReferences: () => ({ customers: [], items: [] }),
  pullQuery: () => ({
    entity: ENTITY,
    modifiedField: MODIFIED,
    expand: ['MainContact', 'MainContact/Address'],
  }),
  keyOf: (entity) => str(entity, 'VendorID') ?? '',
  keyFieldsFromExternalId: singleKey('VendorID'),
  fieldList,
};
