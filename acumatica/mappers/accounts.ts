/**
 * What customers and vendors have in common as Acumatica business accounts (`Customer`, `Vendor`):
 * status, terms, currency, our external reference in `AccountRef`, and a `MainContact` that carries
 * the account-level email and phone, the contact's name as `Attention`, and the main address.
 */
import type { Address, Contact, Vendor } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import {
  ADDRESS_FIELDS,
  addressToAcumatica,
  type AddressMode,
  contactPhone,
  orNull,
  statusLabel,
  str,
  under,
  wrapped,
} from './common';
import type { AcumaticaBody, FieldList } from './types';

/** The Acumatica entities that are business accounts. */
export type AccountEntity = 'Customer' | 'Vendor';

/** The modified field of both account entities, in every supported version. */
export const ACCOUNT_MODIFIED_FIELD = 'LastModifiedDateTime';

type AccountField = 'status' | 'email' | 'phone' | 'terms' | 'currency';

/** The fields of ours that customers and vendors share (as a pull gives them: any may be missing). */
export type AccountFields = Partial<Pick<Vendor, AccountField>>;

/** The header fields shared by `Customer` and `Vendor`, unwrapped (spread them into `wrapped`). */
export function accountHeader(record: Pick<Vendor, AccountField | 'externalRef'>) {
  return {
    Status: statusLabel(record.status),
    AccountRef: record.externalRef,
    // Terms and currency default from the account class: only sent when we have them.
    Terms: record.terms,
    CurrencyID: record.currency,
  };
}

/**
 * The account's `MainContact`: account-level email/phone, else the contact's; the contact's name as
 * `Attention`; the main address when there is one.
 */
export function mainContactToAcumatica(
  record: AccountFields,
  contact: Contact | undefined,
  address: Address | undefined,
  mode: AddressMode,
): AcumaticaBody {
  return {
    ...wrapped({
      Attention: orNull(contact?.name),
      Email: orNull(record.email ?? contact?.email),
      Phone1: orNull(record.phone ?? contactPhone(contact)),
    }),
    ...(address ? { Address: addressToAcumatica(address, mode) } : {}),
  };
}

/** The shared account fields of a pulled `Customer` or `Vendor`, given its expanded `MainContact`. */
export function accountFromAcumatica(
  entity: AcumaticaRecord,
  main: AcumaticaRecord | undefined,
): AccountFields {
  return {
    // On Hold, Credit Hold, Hold Payments and One-Time accounts are still accounts we deal with.
    status: str(entity, 'Status') === 'Inactive' ? 'INACTIVE' : 'ACTIVE',
    email: str(main, 'Email'),
    phone: str(main, 'Phone1'),
    terms: str(entity, 'Terms'),
    currency: str(entity, 'CurrencyID'),
  };
}

/**
 * The shared account fields reduced to what a push then a pull preserves: email and phone fall back to
 * the contact's, as the push sends them.
 */
export function comparableAccount(
  fields: AccountFields,
  contact: Contact | undefined,
): Record<string, unknown> {
  return {
    status: fields.status ?? 'ACTIVE',
    email: fields.email ?? contact?.email,
    phone: fields.phone ?? contactPhone(contact),
    terms: fields.terms,
    currency: fields.currency,
  };
}

/** The shared account fields an account mapper sends (push) or reads (pull), `MainContact` included. */
export function accountFieldList(entity: AccountEntity, direction: 'push' | 'pull'): FieldList {
  return {
    [`${entity}.Status`]: 'string',
    [`${entity}.Terms`]: 'string',
    [`${entity}.CurrencyID`]: 'string',
    ...(direction === 'push'
      ? { [`${entity}.AccountRef`]: 'string' }
      : { [`${entity}.${ACCOUNT_MODIFIED_FIELD}`]: 'datetime' }),
    [`${entity}.MainContact`]: 'linked',
    ...under(`${entity}.MainContact`, {
      Attention: 'string',
      Email: 'string',
      Phone1: 'string',
      Address: 'linked',
    }),
    ...under(`${entity}.MainContact.Address`, ADDRESS_FIELDS),
  };
}
