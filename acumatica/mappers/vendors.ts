/**
 * Vendors ↔ Acumatica `Vendor` (both directions; client-chosen `VendorID`). The contact and
 * vendor-level email/phone go to `MainContact`, the address to `MainContact.Address`.
 */
import type { RestVersion } from '../../core/entities';
import type { Contact, Vendor } from '../../core/records';
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
  accountKey,
  addressFromAcumatica,
  comparableAddress,
  compact,
  linked,
  noReferences,
  pulledRecord,
  singleKeyed,
  str,
  wrapped,
} from './common';
import type { AcumaticaBody, EntityMapper, FieldList, PullResult, PulledFields, PushContext } from './types';

const ENTITY = 'Vendor';
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
      ...accountHeader(record),
    }),
    MainContact: mainContactToAcumatica(record, record.contact, record.address, MODE),
  };
}

/** Maps an Acumatica `Vendor` to our fields. */
export function vendorFromAcumatica(entity: AcumaticaRecord): PullResult<'vendors'> {
  const key = str(entity, 'VendorID') ?? '';
  const main = linked(entity, 'MainContact');
  const attention = str(main, 'Attention');
  return pulledRecord<'vendors'>(entity, {
    key,
    modifiedField: ACCOUNT_MODIFIED_FIELD,
    fields: {
      name: str(entity, 'VendorName') ?? key,
      ...accountFromAcumatica(entity, main),
      address: addressFromAcumatica(linked(main, 'Address'), MODE),
    },
    createDefaults: compact({
      number: key,
      contact: attention ? { name: attention, isPrimary: true, phones: [] } : undefined,
    }),
  });
}

/** A vendor reduced to what a push then a pull preserves. */
export function comparableVendor(fields: PulledFields<'vendors'> | Vendor): Record<string, unknown> {
  return {
    name: fields.name,
    ...comparableAccount(fields, fields.contact as Contact | undefined),
    address: comparableAddress(fields.address, MODE),
  };
}

function fieldList(_version: RestVersion, direction: 'push' | 'pull'): FieldList {
  return {
    ...accountFieldList(ENTITY, direction),
    'Vendor.VendorID': 'string',
    'Vendor.VendorName': 'string',
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
  pullReferences: noReferences,
  pullQuery: () => ({
    entity: ENTITY,
    modifiedField: ACCOUNT_MODIFIED_FIELD,
    expand: ['MainContact', 'MainContact/Address'],
  }),
  ...singleKeyed('VendorID'),
  fieldList,
};
