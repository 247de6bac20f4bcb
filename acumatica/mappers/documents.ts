/**
 * What the auto-numbered documents (invoices, purchase orders, sales orders and estimates, work orders)
 * have in common: a customer or vendor and lines whose items must be in Acumatica first, `Details`
 * rows matched to Acumatica's current rows on update, and a two-part key (`SO/SO004512`).
 */
import type { EntityType } from '../../core/entities';
import type { Line } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import {
  assertResolved,
  details,
  type KeyAccess,
  lineDependencies,
  lineItems,
  pairKeyed,
  reconcileRows,
  wrapped,
} from './common';
import type { AcumaticaBody, Dependency, EntityMapper, FieldList, PushKeys } from './types';

/** The customer or vendor a document belongs to. */
export interface DocumentParty {
  entity: 'customers' | 'vendors';
  id: string;
}

/**
 * The Acumatica keys a document refers to: its party's CustomerID/VendorID and each line's
 * InventoryID. Throws one `MissingDependencyError` naming everything not in Acumatica yet.
 */
export function resolveDocument(
  party: DocumentParty,
  lines: readonly Line[],
  keys: PushKeys,
): { party: string | undefined; items: (string | undefined)[] } {
  const missing: Dependency[] = [];
  const partyKey = party.entity === 'customers' ? keys.customer(party.id) : keys.vendor(party.id);
  if (partyKey === undefined) missing.push({ entity: party.entity, id: party.id });
  const items = lineItems(lines, keys, missing);
  assertResolved(missing);
  return { party: partyKey, items };
}

/** Records a document needs in Acumatica before it can be pushed: its party, then its lines' items. */
export function documentDependencies(party: DocumentParty, lines: readonly Line[]): Dependency[] {
  return [{ entity: party.entity, id: party.id }, ...lineDependencies(lines)];
}

/** The document's `Details` for a PUT, matched to Acumatica's current rows on update (see `reconcileRows`). */
export function documentDetails(
  current: AcumaticaRecord | undefined,
  rows: AcumaticaBody[],
): AcumaticaBody[] {
  return reconcileRows(details(current, 'Details'), rows);
}

/**
 * A line sold at our price: `ManualPrice` keeps Acumatica from repricing it. `SalesOrder` and
 * `ServiceOrder` lines differ only in the names of their description and quantity fields. With
 * `discountAmount` (sales documents, see `pricing.ts`) the line carries that amount as a manual
 * discount instead of its own percentage.
 */
export function agreedPriceLine(
  item: string | undefined,
  line: Line,
  names: { description: string; quantity: string },
  discountAmount?: number,
): AcumaticaBody {
  const discount =
    discountAmount === undefined
      ? { DiscountPercent: line.discountPercent }
      : { DiscountAmount: discountAmount || undefined, ManualDiscount: discountAmount ? true : undefined };
  return wrapped({
    InventoryID: item,
    [names.description]: line.description,
    [names.quantity]: line.quantity,
    UnitPrice: line.unitPrice,
    ManualPrice: true,
    UOM: line.uom,
    ...discount,
  });
}

/**
 * The registry parts of a push-only document: it is read only before an update (last-modified-wins,
 * line ids with its `Details`), never pulled into our records, so a pull lists just its key and
 * modified field.
 */
export function pushOnlyDocument(
  entity: string,
  key: readonly [string, string],
  modifiedField: string,
  pushFields: FieldList,
): KeyAccess & Pick<EntityMapper<EntityType>, 'acumaticaEntity' | 'pullQuery' | 'fieldList'> {
  const pullFields: FieldList = {
    [`${entity}.${key[0]}`]: 'string',
    [`${entity}.${key[1]}`]: 'string',
    [`${entity}.${modifiedField}`]: 'datetime',
  };
  return {
    acumaticaEntity: entity,
    pullQuery: () => ({ entity, modifiedField, expand: ['Details'] }),
    ...pairKeyed(key[0], key[1]),
    fieldList: (_version, direction) => (direction === 'pull' ? pullFields : pushFields),
  };
}
