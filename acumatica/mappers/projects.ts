/**
 * Projects ← Acumatica `Project` (pull only; key `ProjectID`). `ProjectAddress` exists from
 * 23.200.001; it is the one Acumatica address with coordinates, which are taken only when both are set.
 */
import type { RestVersion } from '../../core/entities';
import type { Address } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import { atLeast, dropUndefined, linked, num, pulledRecord, singleKeyed, str, under } from './common';
import type { EntityMapper, FieldList, PullContext, PullResult, UnresolvedReference } from './types';

const ENTITY = 'Project';
const MODIFIED = 'LastModifiedDateTime';

/** ProjectAddress has a single street line, and coordinates. */
function projectAddress(entity: AcumaticaRecord): Address | undefined {
  const raw = linked(entity, 'ProjectAddress');
  const address = dropUndefined<Address>({
    line1: str(raw, 'AddressLine1'),
    city: str(raw, 'City'),
    state: str(raw, 'State'),
    postalCode: str(raw, 'PostalCode'),
    country: str(raw, 'Country')?.toUpperCase(),
  });
  const latitude = num(raw, 'Latitude');
  const longitude = num(raw, 'Longitude');
  if (!address || latitude === undefined || longitude === undefined) return address;
  return { ...address, latitude, longitude };
}

/** Maps an Acumatica `Project` to our fields. */
export function projectFromAcumatica(entity: AcumaticaRecord, ctx: PullContext): PullResult<'projects'> {
  const key = str(entity, 'ProjectID') ?? '';
  const customerKey = str(entity, 'Customer');
  const unresolved: UnresolvedReference[] = [];
  const customerId = customerKey ? ctx.ids.customer(customerKey) : undefined;
  if (customerKey && !customerId)
    unresolved.push({ field: 'customerId', entity: 'customers', key: customerKey });
  return pulledRecord<'projects'>(entity, {
    key,
    modifiedField: MODIFIED,
    // Acumatica's project has one text, its Description: it is the name people see in lists.
    fields: {
      name: str(entity, 'Description'),
      customerId,
      status: str(entity, 'Status'),
      address: atLeast(ctx.restVersion, '23.200.001') ? projectAddress(entity) : undefined,
    },
    createDefaults: { projectCode: key },
    unresolved,
  });
}

function fieldList(version: RestVersion): FieldList {
  return {
    'Project.ProjectID': 'string',
    'Project.Description': 'string',
    'Project.Customer': 'string',
    'Project.Status': 'string',
    'Project.LastModifiedDateTime': 'datetime',
    ...(atLeast(version, '23.200.001')
      ? {
          'Project.ProjectAddress': 'linked',
          ...under('Project.ProjectAddress', {
            AddressLine1: 'string',
            City: 'string',
            State: 'string',
            PostalCode: 'string',
            Country: 'string',
            Latitude: 'number',
            Longitude: 'number',
          }),
        }
      : {}),
  };
}

export const projectsMapper: EntityMapper<'projects'> = {
  entity: 'projects',
  acumaticaEntity: ENTITY,
  pull: projectFromAcumatica,
  comparable: (fields) => ({
    name: fields.name,
    customerId: fields.customerId,
    status: fields.status,
    address: fields.address,
  }),
  pullReferences: (entity) => {
    const customer = str(entity, 'Customer');
    return { customers: customer ? [customer] : [], items: [] };
  },
  pullQuery: (version) => ({
    entity: ENTITY,
    modifiedField: MODIFIED,
    expand: atLeast(version, '23.200.001') ? ['ProjectAddress'] : [],
  }),
  ...singleKeyed('ProjectID'),
  fieldList: (version, direction) => (direction === 'pull' ? fieldList(version) : {}),
};
