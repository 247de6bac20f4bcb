/**
 * Work orders ↔ Acumatica `ServiceOrder` (Field Services; both directions; auto-numbered
 * `ServiceOrderType`/`ServiceOrderNbr`, found again through `ExternalReference`).
 * The status is not pushed (Acumatica changes it only through actions) and is pulled only for work
 * orders the pull creates. `ServiceOrder` has `LastModifiedDateTime` only from 23.200.001.
 */
import type { WORK_ORDER_STATUSES, Line, WorkOrder } from '../../core/records';
import type { RestVersion } from '../../core/entities';
import type { AcumaticaRecord } from '../values';
import {
  acumaticaId,
  atLeast,
  comparableLine,
  compact,
  dateOnly,
  details,
  lineItemFromAcumatica,
  num,
  pairKeyed,
  pairKeyOf,
  pulledRecord,
  str,
  under,
  wrapped,
} from './common';
import {
  agreedPriceLine,
  documentDependencies,
  documentDetails,
  type DocumentParty,
  resolveDocument,
} from './documents';
import type {
  AcumaticaBody,
  EntityMapper,
  FieldList,
  PullContext,
  PullResult,
  PulledFields,
  PushContext,
} from './types';

const ENTITY = 'ServiceOrder';
/** The stock service order type for maintenance and repair work. */
export const DEFAULT_SERVICE_ORDER_TYPE = 'MRO';

const KEY = ['ServiceOrderType', 'ServiceOrderNbr'] as const;
const party = (record: WorkOrder): DocumentParty => ({ entity: 'customers', id: record.customerId });

export function serviceOrderModifiedField(version: RestVersion): string | null {
  return atLeast(version, '23.200.001') ? 'LastModifiedDateTime' : null;
}

const STATUS_FROM_ACUMATICA: Readonly<Record<string, (typeof WORK_ORDER_STATUSES)[number]>> = {
  Open: 'OPEN',
  'On Hold': 'OPEN',
  'In Process': 'IN_PROGRESS',
  Completed: 'COMPLETED',
  Closed: 'CLOSED',
  Canceled: 'CANCELED',
};

/** Maps a work order to a `ServiceOrder` PUT body (without its number: the caller adds keys on update). */
export function workOrderToAcumatica(record: WorkOrder, ctx: PushContext): AcumaticaBody {
  const { party: customer, items } = resolveDocument(party(record), record.lines, ctx.keys);
  const rows = record.lines.map((line, i) =>
    agreedPriceLine(items[i], line, { description: 'Description', quantity: 'EstimatedQty' }),
  );
  return {
    ...wrapped({
      ServiceOrderType: ctx.serviceOrderType ?? DEFAULT_SERVICE_ORDER_TYPE,
      Customer: customer,
      Description: record.description,
      Date: record.date,
      ExternalReference: record.externalRef,
    }),
    Details: documentDetails(ctx.current, rows),
  };
}

function lineFromAcumatica(row: AcumaticaRecord, ctx: PullContext): Line | undefined {
  const quantity = num(row, 'EstimatedQty');
  // A zero-quantity row (a placeholder in Acumatica) is no line of ours.
  if (quantity === undefined || quantity <= 0) return undefined;
  return compact({
    ...lineItemFromAcumatica(str(row, 'InventoryID'), ctx.ids),
    description: str(row, 'Description'),
    quantity,
    unitPrice: num(row, 'UnitPrice') ?? 0,
    uom: str(row, 'UOM'),
    discountPercent: num(row, 'DiscountPercent') || undefined,
  }) as Line;
}

/** Maps an Acumatica `ServiceOrder` to our fields; skipped when its customer is not ours. */
export function workOrderFromAcumatica(entity: AcumaticaRecord, ctx: PullContext): PullResult<'work-orders'> {
  const key = pairKeyOf(...KEY)(entity);
  const id = acumaticaId(entity);
  const customerKey = str(entity, 'Customer');
  const customerId = customerKey ? ctx.ids.customer(customerKey) : undefined;
  if (!customerId) {
    return {
      kind: 'skip',
      acumaticaId: id,
      key,
      reason: `customer ${customerKey ?? '(none)'} is not synced`,
      because: 'customer-not-synced',
    };
  }
  const status = str(entity, 'Status');
  return pulledRecord<'work-orders'>(entity, {
    key,
    modifiedField: serviceOrderModifiedField(ctx.restVersion),
    fields: {
      customerId,
      description: str(entity, 'Description'),
      date: dateOnly(entity, 'Date'),
      lines: details(entity, 'Details')
        .map((row) => lineFromAcumatica(row, ctx))
        .filter((l): l is Line => l !== undefined),
    },
    createDefaults: {
      // Our work orders need a description; Acumatica's may be empty.
      description: `Service order ${key}`,
      status: (status && STATUS_FROM_ACUMATICA[status]) || 'OPEN',
    },
  });
}

/** A work order reduced to what a push then a pull preserves. */
export function comparableWorkOrder(
  fields: PulledFields<'work-orders'> | WorkOrder,
): Record<string, unknown> {
  return {
    customerId: fields.customerId,
    description: fields.description,
    date: fields.date,
    lines: ((fields.lines ?? []) as Line[]).map(comparableLine),
  };
}

function fieldList(version: RestVersion, direction: 'push' | 'pull'): FieldList {
  const modified = serviceOrderModifiedField(version);
  return {
    'ServiceOrder.ServiceOrderType': 'string',
    'ServiceOrder.Customer': 'string',
    'ServiceOrder.Description': 'string',
    'ServiceOrder.Date': 'datetime',
    'ServiceOrder.Details': 'details',
    ...under('ServiceOrder.Details', {
      InventoryID: 'string',
      Description: 'string',
      EstimatedQty: 'number',
      UnitPrice: 'number',
      UOM: 'string',
      DiscountPercent: 'number',
    }),
    ...(direction === 'push'
      ? { 'ServiceOrder.ExternalReference': 'string', 'ServiceOrder.Details.ManualPrice': 'boolean' }
      : {
          'ServiceOrder.ServiceOrderNbr': 'string',
          'ServiceOrder.Status': 'string',
          ...(modified ? { [`ServiceOrder.${modified}`]: 'datetime' as const } : {}),
        }),
  };
}

export const workOrdersMapper: EntityMapper<'work-orders'> = {
  entity: 'work-orders',
  acumaticaEntity: ENTITY,
  push: workOrderToAcumatica,
  dependencies: (record) => documentDependencies(party(record), record.lines),
  pull: workOrderFromAcumatica,
  comparable: comparableWorkOrder,
  pullReferences: (entity) => {
    const customer = str(entity, 'Customer');
    return {
      customers: customer ? [customer] : [],
      items: details(entity, 'Details').flatMap((r) => str(r, 'InventoryID') ?? []),
    };
  },
  pullQuery: (version) => ({
    entity: ENTITY,
    modifiedField: serviceOrderModifiedField(version),
    expand: ['Details'],
  }),
  ...pairKeyed(...KEY),
  fieldList,
};
