/** Reference checks: a record may only point at records that exist in the same account. */
import type { EntityType } from '../../core/entities';
import { ENTITIES } from '../../core/entities';
import { ValidationError, type FieldIssue } from '../../core/validation';
import { recordCollectionName } from '../db';
import { findByIds, type RecordContext, type Stored } from './context';

/** Checks that every referenced record exists in the same account (and a customer is not its own parent). */
export async function checkReferences<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  fields: Record<string, unknown>,
  selfId?: string,
): Promise<void> {
  const issues: FieldIssue[] = [];
  for (const rule of ctx.spec.references) {
    const refs: { field: string; id: string }[] = [];
    const [head, sub] = rule.field.split('.') as [string, string | undefined];
    const value = fields[head];
    if (sub === undefined) {
      if (typeof value === 'string') refs.push({ field: head, id: value });
    } else if (Array.isArray(value)) {
      value.forEach((item: Record<string, unknown>, index) => {
        const ref = item[sub];
        if (typeof ref === 'string') refs.push({ field: `${head}.${index}.${sub}`, id: ref });
      });
    }
    if (refs.length === 0) continue;
    const found = await findByIds(
      ctx.db.collection<Stored>(recordCollectionName(rule.target)),
      accountId,
      refs.map((r) => r.id),
    );
    const existing = new Set(found.map((d) => String(d._id)));
    const label = ENTITIES[rule.target].label.toLowerCase();
    for (const ref of refs) {
      if (ref.id === selfId && rule.target === ctx.type) {
        issues.push({ field: ref.field, message: `${ref.field} must not reference the record itself` });
      } else if (!existing.has(ref.id)) {
        issues.push({
          field: ref.field,
          message: `${ref.field} references ${label} ${ref.id}, which does not exist`,
        });
      }
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
}
