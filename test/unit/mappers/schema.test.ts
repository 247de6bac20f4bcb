/**
 * Every Acumatica field path the mappers send or read exists, with a compatible type, in Acumatica's
 * own Default endpoint schema of each supported REST version (the saved schema files are the oracle).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fieldList, MAPPERS, type FieldKind } from '../../../acumatica/mappers';
import {
  ENTITY_TYPES,
  SUPPORTED_REST_VERSIONS,
  type EntityType,
  type RestVersion,
} from '../../../core/entities';
import {
  acumaticaCustomer,
  acumaticaServiceOrder,
  acumaticaStockItem,
  pullContext,
  pushContext,
  sampleRecords,
  SETTINGS,
  v,
} from './fixtures';

interface SchemaType {
  fields: Record<string, string>;
  linked: Record<string, string>;
  details: Record<string, string>;
}
interface Summary {
  versions: Record<string, { types: Record<string, SchemaType> }>;
}

const SUMMARY_FILE = path.resolve(
  __dirname,
  '../../..',
  '../shared/acumatica/default-endpoint-entity-summary.json',
);
const summary = JSON.parse(readFileSync(SUMMARY_FILE, 'utf8')) as Summary;

const COMPATIBLE: Record<FieldKind, readonly string[]> = {
  string: ['StringValue'],
  number: ['DecimalValue', 'IntValue', 'ShortValue', 'LongValue', 'DoubleValue', 'ByteValue'],
  boolean: ['BooleanValue'],
  datetime: ['DateTimeValue'],
  linked: [],
  details: [],
};

/** Resolves `Entity.Linked.Field` in a version's schema: the kind it has there, or why it does not exist. */
function schemaKind(version: RestVersion, fieldPath: string): FieldKind | string {
  const types = summary.versions[version]?.types ?? {};
  const [entity, ...rest] = fieldPath.split('.');
  let type = types[entity ?? ''];
  if (!type) return `no entity ${entity}`;
  for (const [i, part] of rest.entries()) {
    const last = i === rest.length - 1;
    const wrapper = type.fields[part];
    if (wrapper !== undefined) {
      if (!last) return `${part} is a field, not an object`;
      const kind = (Object.keys(COMPATIBLE) as FieldKind[]).find((k) => COMPATIBLE[k].includes(wrapper));
      return kind ?? `unknown wrapper ${wrapper}`;
    }
    const nested: string | undefined = type.linked[part] ?? type.details[part];
    if (nested === undefined) return `no field ${part}`;
    if (last) return type.linked[part] ? 'linked' : 'details';
    type = types[nested];
    if (!type) return `no type ${nested}`;
  }
  return 'empty path';
}

describe('the schema oracle', () => {
  it('knows the version quirks the mappers rely on', () => {
    assert.equal(
      schemaKind('22.200.001', 'ServiceOrder.LastModifiedDateTime'),
      'no field LastModifiedDateTime',
    );
    assert.equal(schemaKind('23.200.001', 'ServiceOrder.LastModifiedDateTime'), 'datetime');
    assert.equal(schemaKind('23.200.001', 'StockItem.LastModifiedDateTime'), 'no field LastModifiedDateTime');
    assert.equal(
      schemaKind('24.200.001', 'SalesOrder.LastModifiedDateTime'),
      'no field LastModifiedDateTime',
    );
    assert.equal(schemaKind('24.200.001', 'NonStockItem.BaseUOM'), 'no field BaseUOM');
    assert.equal(schemaKind('24.200.001', 'Invoice.Details.DiscountPercent'), 'no field DiscountPercent');
  });
});

describe('declared field lists exist in every supported version', () => {
  for (const version of SUPPORTED_REST_VERSIONS) {
    it(version, () => {
      const problems: string[] = [];
      for (const entity of ENTITY_TYPES) {
        for (const direction of ['push', 'pull'] as const) {
          for (const [fieldPath, kind] of Object.entries(fieldList(entity, version, direction))) {
            const found = schemaKind(version, fieldPath);
            if (found !== kind)
              problems.push(`${entity} ${direction} ${fieldPath}: declared ${kind}, schema ${found}`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});

/** Every path in a request body, with the JSON kind of its value. */
function bodyPaths(prefix: string, body: Record<string, unknown>, out: Map<string, FieldKind>): void {
  for (const [name, value] of Object.entries(body)) {
    if (name === 'id' || name === 'delete') continue;
    const fieldPath = `${prefix}.${name}`;
    if (Array.isArray(value)) {
      out.set(fieldPath, 'details');
      for (const row of value) bodyPaths(fieldPath, row as Record<string, unknown>, out);
    } else if (value !== null && typeof value === 'object' && 'value' in value) {
      const inner = (value as { value: unknown }).value;
      const kind: FieldKind =
        typeof inner === 'string' && /^\d{4}-\d{2}-\d{2}/.test(inner) && /Date|On$/.test(name)
          ? 'datetime'
          : typeof inner === 'number'
            ? 'number'
            : typeof inner === 'boolean'
              ? 'boolean'
              : 'string';
      out.set(fieldPath, kind);
    } else {
      out.set(fieldPath, 'linked');
      bodyPaths(fieldPath, value as Record<string, unknown>, out);
    }
  }
}

describe('push bodies only use declared fields, with values of the declared type', () => {
  const records = sampleRecords();
  for (const version of SUPPORTED_REST_VERSIONS) {
    it(version, () => {
      const problems: string[] = [];
      for (const entity of Object.keys(records) as (keyof typeof records)[]) {
        const mapper = MAPPERS[entity];
        const declared = fieldList(entity, version, 'push');
        const variants = [
          pushContext({}, version),
          pushContext(
            { settings: { ...SETTINGS, useShipToAddress: true, skipFirstAddressLine: true } },
            version,
          ),
        ];
        for (const ctx of variants) {
          const body = mapper.push?.(records[entity] as never, ctx) ?? {};
          const paths = new Map<string, FieldKind>();
          bodyPaths(mapper.acumaticaEntity, body, paths);
          for (const [fieldPath, kind] of paths) {
            if (declared[fieldPath] !== kind)
              problems.push(`${entity}: sends ${fieldPath} as ${kind}, declared ${declared[fieldPath]}`);
          }
        }
      }
      assert.deepEqual(problems, []);
    });
  }
});

/** Wraps an Acumatica record so every field the mapper reads (capitalised names) is recorded. */
function recording(prefix: string, value: unknown, seen: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get(target, prop, receiver) {
      const inner = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string') return inner;
      if (Array.isArray(target)) return /^\d+$/.test(prop) ? recording(prefix, inner, seen) : inner;
      if (!/^[A-Z]/.test(prop)) return inner;
      seen.add(`${prefix}.${prop}`);
      return recording(`${prefix}.${prop}`, inner, seen);
    },
  });
}

const PULL_FIXTURES: Partial<Record<EntityType, () => Record<string, unknown>>> = {
  customers: () => acumaticaCustomer({ ParentRecord: v('C000123') }),
  vendors: () => ({
    VendorID: v('V000042'),
    VendorName: v('Midwest Boiler Supply'),
    Status: v('Active'),
    Terms: v('30D'),
    CurrencyID: v('USD'),
    LastModifiedDateTime: v('2025-03-04T14:22:08+00:00'),
    MainContact: {
      Attention: v('Kim'),
      Email: {},
      Phone1: {},
      Address: { AddressLine1: v('9 Industrial Pkwy') },
    },
  }),
  products: acumaticaStockItem,
  services: () => ({ InventoryID: v('LABOR-HR'), Description: v('Labour'), BaseUnit: v('HOUR') }),
  'work-orders': acumaticaServiceOrder,
  projects: () => ({
    ProjectID: v('P1'),
    Customer: v('C000123'),
    ProjectAddress: { City: v('Springfield') },
  }),
  'price-lists': () => ({
    SalesPriceDetails: [
      { PriceCode: v('RETAIL'), PriceType: v('Customer'), InventoryID: v('X'), UOM: v('EA'), Price: v(1) },
    ],
  }),
};

describe('pull mappers only read declared fields', () => {
  for (const version of SUPPORTED_REST_VERSIONS) {
    it(version, () => {
      const problems: string[] = [];
      for (const [entity, fixture] of Object.entries(PULL_FIXTURES) as [
        EntityType,
        () => Record<string, unknown>,
      ][]) {
        const mapper = MAPPERS[entity];
        const declared = fieldList(entity, version, 'pull');
        for (const settings of [
          { includeSubCustomers: true },
          { includeSubCustomers: true, useShipToAddress: true, skipFirstAddressLine: true },
        ]) {
          const seen = new Set<string>();
          const raw = recording(mapper.acumaticaEntity, fixture(), seen) as Record<string, unknown>;
          const ctx = pullContext(settings, version);
          if (mapper.pullMany) mapper.pullMany(raw, ctx);
          else mapper.pull?.(raw, ctx);
          for (const fieldPath of seen)
            if (!declared[fieldPath]) problems.push(`${entity} ${version}: reads undeclared ${fieldPath}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  }

  it('queries only expand and filter on fields each version has', () => {
    const problems: string[] = [];
    for (const version of SUPPORTED_REST_VERSIONS) {
      for (const entity of ENTITY_TYPES) {
        const query = MAPPERS[entity].pullQuery?.(version);
        if (!query) continue;
        for (const expand of query.expand) {
          const fieldPath = `${query.entity}.${expand.replaceAll('/', '.')}`;
          if (!['linked', 'details'].includes(schemaKind(version, fieldPath)))
            problems.push(`${entity}: cannot expand ${expand}`);
        }
        if (
          query.modifiedField &&
          schemaKind(version, `${query.entity}.${query.modifiedField}`) !== 'datetime'
        ) {
          problems.push(`${entity} ${version}: no modified field ${query.modifiedField}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('covers every entity type that pulls', () => {
    const pulling = ENTITY_TYPES.filter((t) => MAPPERS[t].pull || MAPPERS[t].pullMany);
    assert.deepEqual(pulling.sort(), (Object.keys(PULL_FIXTURES) as EntityType[]).sort());
  });
});
