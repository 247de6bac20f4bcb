/**
 * The entity engine: list/get/put/delete/actions of the contract-based API over the record store, independent of
 * HTTP. Results carry the status, body and headers the real server would answer with.
 */
import { randomUUID } from 'node:crypto';
import { BEHAVIOURS, PRICE_ENTITY, sortKey, type EntityBehaviour, type Issue } from './entities';
import { httpError, notFoundEntity } from './errors';
import {
  evaluateFilter,
  FilterEvaluationError,
  FilterSyntaxError,
  parseFilter,
  type FieldValue,
} from './filter';
import { TYPES, typeInVersion, type VersionedType } from './schema';
import { cloneRecord, newNode, type RecordNode, type RecordStore, type StoredRecord } from './store';
import { GUID_RE, toPlain, ucase, unwrap, ValueConversionError, wrap, type Plain } from './values';

export interface EngineResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** True when the request changed stored data. */
  committed?: boolean;
}

export interface EngineConfig {
  store: RecordStore;
  now: () => Date;
  /** Instance UTC offset used to render date-times. */
  utcOffset: string;
  /** How long long-running actions stay in "running" (202) state. */
  actionDurationMs: number;
}

export interface QueryOptions {
  $select?: string;
  $expand?: string;
  $filter?: string;
  $top?: string;
  $skip?: string;
  /** Custom fields to return, `View.Field,…` (only those in the entity's `customFields`). */
  $custom?: string;
}

/**
 * Linked contacts that mirror `MainContact` (Customer): the contact fields until `…ContactOverride` is set,
 * the address until `…AddressOverride` is set — two independent flags, as on the Customers form.
 */
const MIRRORS: Record<string, Record<string, { contact: string; address: string }>> = {
  Customer: {
    BillingContact: { contact: 'BillingContactOverride', address: 'BillingAddressOverride' },
    ShippingContact: { contact: 'ShippingContactOverride', address: 'ShippingAddressOverride' },
  },
};

interface Job {
  id: string;
  entity: string;
  recordId: string;
  action: string;
  doneAt: number;
  /** The status URL, answered again on every poll while the action runs. */
  location: string;
  outcome?: { error?: string };
}

interface Shape {
  select?: Set<string>;
  expand: Set<string>;
  custom: Set<string>;
}

/** List order of the internal price table: by record number. */
const priceOrder = (r: StoredRecord): string => String(r.values.RecordID).padStart(10, '0');

export class EntityEngine {
  private readonly jobs = new Map<string, Job>();
  private readonly orders = new Map<string, (r: StoredRecord) => string>();

  constructor(private readonly cfg: EngineConfig) {}

  private get store(): RecordStore {
    return this.cfg.store;
  }

  // ---------------------------------------------------------------- reading

  list(entity: string, version: string, q: QueryOptions): EngineResult {
    const b = BEHAVIOURS[entity]!;
    if (b.inquiry) return this.inquiry(b, version, {}, q);
    const vt = typeInVersion(entity, version);
    const sorted = this.store.list(entity, this.listOrder(b));
    let recs = sorted;
    const filter = q.$filter;
    if (filter) {
      try {
        // A paged pull repeats one filter page after page: it is evaluated once per write to the entity.
        recs = this.store.derived(entity, `$filter ${version} ${filter}`, () => {
          const expr = parseFilter(filter);
          return sorted.filter((r) => evaluateFilter(expr, (p) => this.resolvePath(b, r, vt, version, p)));
        });
      } catch (err) {
        if (err instanceof FilterSyntaxError || err instanceof FilterEvaluationError)
          return { status: 500, body: httpError(err.message, 'PX.Api.ContractBased.OptimizationException') };
        throw err;
      }
    }
    const skip = Math.max(0, Number(q.$skip ?? 0) || 0);
    const top = q.$top !== undefined ? Math.max(0, Number(q.$top) || 0) : undefined;
    recs = recs.slice(skip, top !== undefined ? skip + top : undefined);
    const shape = parseShape(q);
    return {
      status: 200,
      body: recs.map((r, i) => this.serialize(b, r, version, shape, i + 1)),
    };
  }

  get(entity: string, version: string, segments: string[], q: QueryOptions): EngineResult {
    const b = BEHAVIOURS[entity]!;
    const rec = this.locateBySegments(b, segments);
    if (!rec) return notFoundEntity();
    return { status: 200, body: this.serialize(b, rec, version, parseShape(q), 1) };
  }

  delete(entity: string, segments: string[]): EngineResult {
    const b = BEHAVIOURS[entity]!;
    const rec = this.locateBySegments(b, segments);
    if (!rec) return notFoundEntity();
    this.store.delete(entity, rec.id);
    return { status: 204, committed: true };
  }

  /** The list order of an entity (primary key), one function per entity so the store keeps the order. */
  private listOrder(b: EntityBehaviour): (r: StoredRecord) => string {
    let order = this.orders.get(b.name);
    if (!order) {
      order = (r) => sortKey(b, r);
      this.orders.set(b.name, order);
    }
    return order;
  }

  private locateBySegments(b: EntityBehaviour, segments: string[]): StoredRecord | undefined {
    if (b.inquiry) return undefined;
    const parts = segments.length === 1 && b.keys.length > 1 ? segments[0]!.split('|') : segments;
    if (parts.length === 1 && GUID_RE.test(parts[0]!)) {
      const byId = this.store.get(b.name, parts[0]!);
      if (byId || b.keys.length > 1) return byId;
    }
    if (parts.length !== b.keys.length) return undefined;
    return this.findByKeys(b, parts);
  }

  private findByKeys(b: EntityBehaviour, values: string[]): StoredRecord | undefined {
    return this.store.findByKey(b.name, b.keys, values);
  }

  /** A field value for `$filter` evaluation, following linked paths. */
  private resolvePath(
    b: EntityBehaviour,
    rec: StoredRecord,
    vt: VersionedType,
    version: string,
    path: string[],
  ): FieldValue {
    let node: RecordNode | undefined = rec;
    let type = vt;
    for (let i = 0; i < path.length - 1; i++) {
      const name = path[i]!;
      if (type.details.has(name)) return { kind: 'detail' };
      const linkedType = type.linked.get(name);
      if (!linkedType)
        throw new FilterEvaluationError(`The field ${path.join('/')} is not found in the ${b.name} entity.`);
      node = node ? this.linkedView(b, node, name, i === 0) : undefined;
      type = typeInVersion(linkedType, version);
    }
    const last = path[path.length - 1]!;
    if (type.details.has(last)) return { kind: 'detail' };
    const ft = type.fields.get(last);
    if (!ft)
      throw new FilterEvaluationError(`The field ${path.join('/')} is not found in the ${b.name} entity.`);
    return { kind: 'value', type: ft, value: node?.values[last] ?? null };
  }

  private linkedView(
    b: EntityBehaviour,
    node: RecordNode,
    name: string,
    topLevel: boolean,
  ): RecordNode | undefined {
    const own = node.linked[name];
    const flags = topLevel ? MIRRORS[b.name]?.[name] : undefined;
    const main = node.linked.MainContact;
    if (!flags || !main) return own;
    const contact = node.values[flags.contact] === true ? own : { ...main, id: own?.id ?? main.id };
    if (!contact) return undefined;
    const address = node.values[flags.address] === true ? own?.linked.Address : main.linked.Address;
    const linked = { ...contact.linked };
    if (address) linked.Address = address;
    else delete linked.Address;
    return { ...contact, linked };
  }

  /** Renders a record in contract JSON: wrapped values, `{}` for null, nested members only when expanded. */
  serialize(
    b: EntityBehaviour,
    rec: RecordNode,
    version: string,
    shape: Shape,
    rowNumber: number,
    errors?: Map<string, string>,
  ): Record<string, unknown> {
    const site = `/entity/Default/${version}`;
    const render = (
      node: RecordNode,
      vt: VersionedType,
      prefix: string,
      row: number,
      view: string,
      top: boolean,
    ): Record<string, unknown> => {
      const out: Record<string, unknown> = { id: node.id, rowNumber: row, note: { value: node.note } };
      const sel = selectionAt(shape, prefix);
      for (const [name, type] of vt.fields) {
        const path = prefix + name;
        const err = errors?.get(path);
        if (sel && !sel.has(name) && !err) continue;
        const w = wrap(type, node.values[name], this.cfg.utcOffset);
        out[name] = err ? { ...w, error: err } : w;
      }
      for (const [name, typeName] of vt.linked) {
        const path = prefix + name;
        if (!shape.expand.has(path) || (sel && !sel.has(name) && !selectsUnder(shape, path))) continue;
        const child = this.linkedView(b, node, name, top);
        if (!child) {
          out[name] = { id: randomUUID(), rowNumber: 1, note: null, custom: {} };
          continue;
        }
        out[name] = render(child, typeInVersion(typeName, version), `${path}/`, 1, view, false);
        delete (out[name] as Record<string, unknown>)._links;
      }
      for (const [name, typeName] of vt.details) {
        const path = prefix + name;
        if (!shape.expand.has(path) || (sel && !sel.has(name) && !selectsUnder(shape, path))) continue;
        const dvt = typeInVersion(typeName, version);
        const dview = b.detailViews[name] ?? name;
        out[name] = (node.details[name] ?? []).map((r, i) =>
          render(r, dvt, `${path}/${i}/`, i + 1, dview, false),
        );
      }
      out.custom = top ? this.customOut(b, node, shape.custom) : {};
      const files = `${site}/files/${b.graph}/${view}/${node.id}/{filename}`;
      out._links = top
        ? { self: `${site}/${b.name}/${node.id}`, 'files:put': files }
        : { 'files:put': files };
      return out;
    };
    const out = render(rec, typeInVersion(b.name, version), '', rowNumber, b.view, true);
    const topErr = errors?.get('');
    if (topErr) out.error = topErr;
    return out;
  }

  // ---------------------------------------------------------------- writing

  /** PUT: upsert by `id`, key fields or `$filter`; auto-numbers new documents. */
  put(
    entity: string,
    version: string,
    body: unknown,
    q: QueryOptions,
    headers: { ifMatch?: string; ifNoneMatch?: string },
  ): EngineResult {
    const b = BEHAVIOURS[entity]!;
    if (!isObject(body)) return { status: 400, body: httpError('The request body is not a valid entity.') };
    if (b.inquiry) return this.inquiry(b, version, body, q);
    const vt = typeInVersion(entity, version);

    let existing: StoredRecord | undefined;
    const id = typeof body.id === 'string' ? body.id : undefined;
    if (id) {
      existing = this.store.get(entity, id);
      if (!existing && headers.ifMatch !== '*' && headers.ifNoneMatch !== '*') return notFoundEntity();
    } else {
      const keyVals = b.keys.map((k) => unwrap(body[k]));
      if (
        b.keys.length > 0 &&
        keyVals.every((k) => k.present && k.value !== null && String(k.value).trim() !== '')
      ) {
        existing = this.findByKeys(
          b,
          keyVals.map((k) => String(k.value)),
        );
      } else if (q.$filter) {
        const listed = this.list(entity, version, { $filter: q.$filter, $top: '1' });
        if (listed.status !== 200) return listed;
        const first = (listed.body as { id: string }[])[0];
        existing = first ? this.store.get(entity, first.id) : undefined;
      }
    }
    if (headers.ifNoneMatch === '*' && existing)
      return {
        status: 412,
        body: httpError('The record already exists.', 'PX.Api.ContractBased.PreconditionFailedException'),
      };
    if (headers.ifMatch === '*' && !existing)
      return {
        status: 412,
        body: httpError('The record does not exist.', 'PX.Api.ContractBased.PreconditionFailedException'),
      };

    const insert = !existing;
    const draft: StoredRecord = existing ? cloneRecord(existing) : { ...newNode(), entity };
    const issues: Issue[] = [];
    const ignored = new Set([...b.readOnly, ...b.modifiedFields, ...b.createdFields]);
    if (!insert) for (const k of b.keys) ignored.add(k);
    this.applyNode(b, draft, body, vt, version, [], issues, ignored, true);

    if (insert) {
      for (const [k, d] of Object.entries(b.defaults)) {
        if (draft.values[k] === undefined || draft.values[k] === null)
          draft.values[k] = typeof d === 'function' ? d({ store: this.store, now: this.cfg.now }) : d;
      }
      if (b.autoNumber) draft.values[b.autoNumber.field] = '<NEW>';
    }
    if (b.upperKeys)
      for (const k of b.keys)
        if (typeof draft.values[k] === 'string')
          draft.values[k] = (draft.values[k] as string).trim().toUpperCase();
    this.validate(b, draft, insert, issues);

    if (issues.length > 0) {
      const errors = new Map(issues.map((i) => [i.path.join('/'), i.message]));
      errors.set(
        '',
        `${insert ? 'Inserting' : 'Updating'} '${b.label}' record raised at least one error. Please review the errors.`,
      );
      return {
        status: 422,
        body: this.serialize(
          b,
          draft,
          version,
          { expand: nestedPaths(body, vt, version), custom: new Set() },
          1,
          errors,
        ),
      };
    }
    b.derive?.(draft, { store: this.store, now: this.cfg.now });
    const shape = parseShape(q);
    if (existing && JSON.stringify(existing) === JSON.stringify(draft)) {
      // Values equal to the stored ones change nothing, so the modified time stays.
      return { status: 200, body: this.serialize(b, existing, version, shape, 1) };
    }
    const now = this.cfg.now().toISOString();
    for (const f of b.modifiedFields) draft.values[f] = now;
    if (insert) {
      for (const f of b.createdFields) draft.values[f] = now;
      if (TYPES[entity]?.fields.NoteID) draft.values.NoteID = draft.id;
      if (b.autoNumber) {
        const seq = b.autoNumber.sequence(draft.values);
        draft.values[b.autoNumber.field] =
          `${seq.prefix}${String(this.store.next(seq.name)).padStart(6, '0')}`;
      }
    }
    this.store.save(draft);
    if (insert && entity === 'Customer') this.createDefaultLocation(draft, now);
    return { status: 200, body: this.serialize(b, draft, version, shape, 1), committed: true };
  }

  /** Stores the custom fields of a body the entity keeps (`customFields`); others are ignored. */
  private applyCustom(
    b: EntityBehaviour,
    node: RecordNode,
    custom: Record<string, unknown>,
    issues: Issue[],
  ): void {
    for (const [view, fields] of Object.entries(custom)) {
      if (!isObject(fields)) continue;
      for (const [field, raw] of Object.entries(fields)) {
        const type = b.customFields?.[view]?.[field];
        const u = unwrap(raw);
        if (!type || !u.present) continue;
        try {
          node.values[`${view}.${field}`] = toPlain(type, u.value, this.cfg.utcOffset);
        } catch (err) {
          if (!(err instanceof ValueConversionError)) throw err;
          issues.push({ path: ['custom', view, field], message: err.message });
        }
      }
    }
  }

  /** The `custom` object of a response: the requested custom fields the entity keeps, `{}` otherwise. */
  private customOut(b: EntityBehaviour, node: RecordNode, requested: Set<string>): Record<string, unknown> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const name of requested) {
      const [view, field] = name.split('.');
      const type = view && field ? b.customFields?.[view]?.[field] : undefined;
      if (!type) continue;
      (out[view!] ??= {})[field!] = {
        type: `Custom${type}Field`,
        ...wrap(type, node.values[name], this.cfg.utcOffset),
      };
    }
    return out;
  }

  /** A new customer comes with its default location `MAIN` (as the customer screen creates it). */
  private createDefaultLocation(customer: StoredRecord, now: string): void {
    const main = customer.linked.MainContact;
    const loc: StoredRecord = {
      ...newNode({
        Customer: customer.values.CustomerID ?? null,
        LocationID: 'MAIN',
        LocationName: customer.values.LocationName ?? 'Primary Location',
        Active: true,
        Default: true,
        Status: 'Active',
        AddressOverride: false,
        ContactOverride: false,
        CreatedDateTime: now,
        LastModifiedDateTime: now,
      }),
      entity: 'CustomerLocation',
    };
    loc.values.NoteID = loc.id;
    if (main) loc.linked.LocationContact = { ...cloneRecord(main), id: randomUUID() };
    this.store.save(loc);
  }

  private applyNode(
    b: EntityBehaviour,
    node: RecordNode,
    body: Record<string, unknown>,
    vt: VersionedType,
    version: string,
    path: (string | number)[],
    issues: Issue[],
    ignored: Set<string>,
    top: boolean,
  ): void {
    for (const [k, v] of Object.entries(body)) {
      if (top && k === 'custom' && isObject(v)) {
        this.applyCustom(b, node, v, issues);
        continue;
      }
      if (k === 'note') {
        const n = unwrap(v);
        if (n.present) node.note = n.value === null ? '' : String(n.value);
        else if (typeof v === 'string') node.note = v;
        continue;
      }
      const ft = vt.fields.get(k);
      if (ft) {
        if (top && ignored.has(k)) continue;
        const u = unwrap(v);
        if (!u.present) continue;
        try {
          node.values[k] = toPlain(ft, u.value, this.cfg.utcOffset);
        } catch (err) {
          if (!(err instanceof ValueConversionError)) throw err;
          node.values[k] = String(u.value);
          issues.push({ path: [...path, k], message: err.message });
        }
        continue;
      }
      const lt = vt.linked.get(k);
      if (lt && isObject(v)) {
        const flags = top ? MIRRORS[b.name]?.[k] : undefined;
        const overridden = (flag: string) =>
          unwrap(body[flag]).present ? unwrap(body[flag]).value === true : node.values[flag] === true;
        // Without its override flag a part keeps mirroring the main contact: edits to it are not stored
        // (api-reference §11.13); the contact fields and the address each have their own flag.
        let given: Record<string, unknown> = v;
        if (flags) {
          const contactOwn = overridden(flags.contact);
          const addressOwn = overridden(flags.address);
          if (!contactOwn && !addressOwn) continue;
          given = Object.fromEntries(
            Object.entries(v).filter(([field]) =>
              field === 'Address' ? addressOwn : contactOwn || field === 'id',
            ),
          );
        }
        const child = (node.linked[k] ??= newNode());
        this.applyNode(
          b,
          child,
          given,
          typeInVersion(lt, version),
          version,
          [...path, k],
          issues,
          ignored,
          false,
        );
        continue;
      }
      const dt = vt.details.get(k);
      if (dt && Array.isArray(v)) {
        const rows = (node.details[k] ??= []);
        const rules = top ? b.details[k] : undefined;
        for (const row of v) {
          if (!isObject(row)) continue;
          const rowId = typeof row.id === 'string' ? row.id.toLowerCase() : undefined;
          const match = rules?.matchBy ? unwrap(row[rules.matchBy]) : undefined;
          const idx = rowId
            ? rows.findIndex((r) => r.id === rowId)
            : match?.present
              ? rows.findIndex(
                  (r) =>
                    String(r.values[rules!.matchBy!]).toUpperCase() === String(match.value).toUpperCase(),
                )
              : -1;
          if (row.delete === true) {
            if (idx >= 0) rows.splice(idx, 1);
            continue;
          }
          let target = idx >= 0 ? rows[idx] : undefined;
          if (!target) {
            target = newNode();
            if (rules?.lineNumber) {
              const max = rows.reduce((m, r) => Math.max(m, Number(r.values[rules.lineNumber!] ?? 0)), 0);
              target.values[rules.lineNumber] = max + 1;
            }
            rows.push(target);
          }
          const rowIgnored = new Set(rules?.lineNumber ? [rules.lineNumber] : []);
          this.applyNode(
            b,
            target,
            row,
            typeInVersion(dt, version),
            version,
            [...path, k, rows.indexOf(target)],
            issues,
            rowIgnored,
            false,
          );
        }
      }
      // Unknown properties are ignored, as the real server does (api-reference §3.1).
    }
  }

  private validate(b: EntityBehaviour, rec: StoredRecord, insert: boolean, issues: Issue[]): void {
    const empty = (v: Plain | undefined): boolean =>
      v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
    if (!b.autoNumber)
      for (const k of b.keys)
        if (empty(rec.values[k])) issues.push({ path: [k], message: `'${k}' cannot be empty.` });
    for (const r of b.required)
      if (empty(rec.values[r.field]))
        issues.push({ path: [r.field], message: `'${r.label}' cannot be empty.` });
    const checkRefs = (
      node: RecordNode,
      refs: EntityBehaviour['references'],
      path: (string | number)[],
    ): void => {
      for (const ref of refs) {
        const v = node.values[ref.field];
        if (empty(v)) continue;
        const found = ref.entities
          .map((e) => ({ e, r: this.findByKeys(BEHAVIOURS[e]!, [String(v)]) }))
          .find((x) => x.r !== undefined);
        if (!found || (ref.field === 'ParentRecord' && found.r!.id === rec.id)) {
          issues.push({
            path: [...path, ref.field],
            message: `'${ref.label}' cannot be found in the system.`,
          });
        } else {
          node.values[ref.field] = found.r!.values[BEHAVIOURS[found.e]!.keys[0]!] ?? v ?? null;
        }
      }
    };
    const checkDropdowns = (
      node: RecordNode,
      dd: Record<string, readonly string[]>,
      path: (string | number)[],
    ): void => {
      for (const [f, allowed] of Object.entries(dd)) {
        const v = node.values[f];
        if (empty(v)) continue;
        const hit = allowed.find((a) => a.toUpperCase() === String(v).toUpperCase());
        if (hit) node.values[f] = hit;
        else
          issues.push({
            path: [...path, f],
            message: `'${String(v)}' is not a valid value of '${f}'. Allowed values: ${allowed.join(', ')}.`,
          });
      }
    };
    checkRefs(rec, b.references, []);
    checkDropdowns(rec, b.dropdowns, []);
    for (const [name, rules] of Object.entries(b.details)) {
      (rec.details[name] ?? []).forEach((row, i) => {
        for (const r of rules.required ?? [])
          if (empty(row.values[r.field]))
            issues.push({ path: [name, i, r.field], message: `'${r.label}' cannot be empty.` });
        checkRefs(row, rules.references ?? [], [name, i]);
        checkDropdowns(row, rules.dropdowns ?? {}, [name, i]);
      });
    }
    if (insert && b.name === 'SalesOrder' && rec.details.Details) this.defaultLinePrices(rec);
    if (insert && b.name === 'PurchaseOrder' && rec.details.Details) this.defaultLineCosts(rec);
  }

  /** New purchase-order lines without a cost take the item's last cost, like the screen does. */
  private defaultLineCosts(rec: StoredRecord): void {
    for (const row of rec.details.Details ?? []) {
      if (row.values.UnitCost !== undefined && row.values.UnitCost !== null) continue;
      const item = this.findByKeys(BEHAVIOURS.StockItem!, [String(row.values.InventoryID ?? '')]);
      if (item) row.values.UnitCost = item.values.LastCost ?? 0;
    }
  }

  /**
   * New sales-order lines without a price take the item's default price, like the screen does; a return line
   * linked to an invoice (`InvoiceType`/`InvoiceNbr`) takes the invoiced quantity and price of that item.
   */
  private defaultLinePrices(rec: StoredRecord): void {
    for (const row of rec.details.Details ?? []) {
      const nbr = row.values.InvoiceNbr;
      if (typeof nbr === 'string' && nbr !== '') {
        const inv = this.findByKeys(BEHAVIOURS.Invoice!, [String(row.values.InvoiceType ?? 'Invoice'), nbr]);
        const line = inv?.details.Details?.find(
          (l) => ucase(l.values.InventoryID) === ucase(row.values.InventoryID),
        );
        if (line) {
          row.values.OrderQty ??= line.values.Qty ?? null;
          row.values.UnitPrice ??= line.values.UnitPrice ?? null;
        }
      }
      if (row.values.UnitPrice !== undefined && row.values.UnitPrice !== null) continue;
      const item =
        this.findByKeys(BEHAVIOURS.StockItem!, [String(row.values.InventoryID ?? '')]) ??
        this.findByKeys(BEHAVIOURS.NonStockItem!, [String(row.values.InventoryID ?? '')]);
      if (item) row.values.UnitPrice = item.values.DefaultPrice ?? 0;
    }
  }

  // ---------------------------------------------------------------- inquiry

  private inquiry(
    b: EntityBehaviour,
    version: string,
    body: Record<string, unknown>,
    q: QueryOptions,
  ): EngineResult {
    const vt = typeInVersion(b.name, version);
    const node = newNode({ ...(b.defaults as Record<string, Plain>) });
    const issues: Issue[] = [];
    this.applyNode(b, node, body, vt, version, [], issues, new Set(), true);
    const rec: StoredRecord = { ...node, entity: b.name };
    rec.details = {};
    this.validate(b, rec, false, issues);
    if (issues.length > 0) {
      const errors = new Map(issues.map((i) => [i.path.join('/'), i.message]));
      return {
        status: 422,
        body: this.serialize(b, rec, version, { expand: new Set(), custom: new Set() }, 1, errors),
      };
    }
    const f = rec.values;
    const asOf = typeof f.EffectiveAsOf === 'string' ? Date.parse(f.EffectiveAsOf) : undefined;
    const itemClassOf = (inv: Plain | undefined): string | undefined => {
      const item =
        this.findByKeys(BEHAVIOURS.StockItem!, [String(inv ?? '')]) ??
        this.findByKeys(BEHAVIOURS.NonStockItem!, [String(inv ?? '')]);
      return item ? ucase(item.values.ItemClass) : undefined;
    };
    const prices = this.store.list(PRICE_ENTITY, priceOrder).filter((p) => {
      const v = p.values;
      if (f.PriceType && f.PriceType !== 'All Prices' && v.PriceType !== f.PriceType) return false;
      if (f.PriceCode && ucase(v.PriceCode) !== ucase(f.PriceCode)) return false;
      if (f.InventoryID && ucase(v.InventoryID) !== ucase(f.InventoryID)) return false;
      if (f.ItemClassID && itemClassOf(v.InventoryID) !== ucase(f.ItemClassID)) return false;
      if (asOf !== undefined) {
        if (typeof v.EffectiveDate === 'string' && Date.parse(v.EffectiveDate) > asOf) return false;
        if (typeof v.ExpirationDate === 'string' && Date.parse(v.ExpirationDate) < asOf) return false;
      }
      return true;
    });
    rec.details.SalesPriceDetails = prices.map((p) => ({
      id: p.id,
      values: { ...p.values },
      linked: {},
      details: {},
      note: '',
    }));
    const out = this.serialize(b, rec, version, parseShape(q), 1);
    delete (out._links as Record<string, unknown>).self;
    return { status: 200, body: out };
  }

  // ---------------------------------------------------------------- actions

  /** POST /<Entity>/<Action>: 204 when done, 202 + Location for long-running actions. */
  action(entity: string, version: string, action: string, body: unknown): EngineResult {
    const b = BEHAVIOURS[entity]!;
    const def = b.actions[action];
    if (!def)
      return {
        status: 404,
        body: { message: `No action named ${action} was found in the ${entity} entity.` },
      };
    const ent = isObject(body) && isObject(body.entity) ? body.entity : undefined;
    let rec: StoredRecord | undefined;
    if (ent && typeof ent.id === 'string') rec = this.store.get(entity, ent.id);
    else if (ent) {
      const keys = b.keys.map((k) => unwrap(ent[k]));
      if (keys.every((k) => k.present && k.value !== null))
        rec = this.findByKeys(
          b,
          keys.map((k) => String(k.value)),
        );
    }
    if (!rec) return notFoundEntity();
    if (!def.long) {
      const err = this.runAction(rec, action);
      if (err) return { status: 500, body: httpError(err) };
      return { status: 204, committed: true };
    }
    const id = randomUUID();
    const job: Job = {
      id,
      entity,
      recordId: rec.id,
      action,
      doneAt: this.cfg.now().getTime() + this.cfg.actionDurationMs,
      location: `/entity/Default/${version}/${entity}/${action}/status/${id}`,
    };
    this.jobs.set(job.id, job);
    if (this.cfg.actionDurationMs <= 0) this.completeJob(job);
    else setTimeout(() => this.completeJob(job), this.cfg.actionDurationMs).unref();
    return { status: 202, headers: { location: job.location } };
  }

  /** GET …/<Action>/status/<id>: 202 while running, 204 when done, 500 when the action failed. */
  actionStatus(entity: string, action: string, jobId: string): EngineResult {
    const job = this.jobs.get(jobId.toLowerCase());
    if (!job || job.entity !== entity || job.action !== action) return notFoundEntity();
    if (!job.outcome && this.cfg.now().getTime() >= job.doneAt) this.completeJob(job);
    if (!job.outcome) return { status: 202, headers: { location: job.location } };
    if (job.outcome.error) return { status: 500, body: httpError(job.outcome.error) };
    return { status: 204 };
  }

  private completeJob(job: Job): void {
    if (job.outcome) return;
    const rec = this.store.get(job.entity, job.recordId);
    job.outcome = rec
      ? { error: this.runAction(rec, job.action) }
      : { error: 'No entity satisfies the condition.' };
  }

  private runAction(rec: StoredRecord, action: string): string | undefined {
    const b = BEHAVIOURS[rec.entity]!;
    const draft = cloneRecord(rec);
    const err = b.actions[action]!.run(draft, { store: this.store, now: this.cfg.now });
    if (err) return err;
    b.derive?.(draft, { store: this.store, now: this.cfg.now });
    const now = this.cfg.now().toISOString();
    for (const f of b.modifiedFields) draft.values[f] = now;
    this.store.save(draft);
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function splitList(s: string | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/** `$select`/`$expand` as path sets (`MainContact/Address`). */
export function parseShape(q: QueryOptions): Shape {
  const select = q.$select !== undefined ? new Set(splitList(q.$select)) : undefined;
  return { select, expand: new Set(splitList(q.$expand)), custom: new Set(splitList(q.$custom)) };
}

/** Field names selected directly under `prefix`, or undefined for "all fields". */
function selectionAt(shape: Shape, prefix: string): Set<string> | undefined {
  if (!shape.select) return undefined;
  const norm = prefix.replace(/\/\d+\//g, '/');
  if (norm !== '' && shape.select.has(norm.slice(0, -1))) return undefined;
  const names = new Set<string>();
  for (const s of shape.select) {
    if (!s.startsWith(norm)) continue;
    const rest = s.slice(norm.length);
    names.add(rest.split('/')[0]!);
  }
  return names;
}

function selectsUnder(shape: Shape, path: string): boolean {
  const norm = path.replace(/\/\d+(\/|$)/g, '$1');
  return [...(shape.select ?? [])].some((s) => s === norm || s.startsWith(`${norm}/`));
}

/** Paths of the linked/detail members present in a request body, so a 422 echo shows them. */
function nestedPaths(
  body: Record<string, unknown>,
  vt: VersionedType,
  version: string,
  prefix = '',
): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(body)) {
    const lt = vt.linked.get(k);
    if (lt && isObject(v)) {
      out.add(prefix + k);
      for (const p of nestedPaths(v, typeInVersion(lt, version), version, `${prefix}${k}/`)) out.add(p);
    }
    if (vt.details.has(k) && Array.isArray(v)) out.add(prefix + k);
  }
  return out;
}
