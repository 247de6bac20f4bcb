/**
 * Fidelity check of the emulator against Acumatica's own artefacts in `../shared/acumatica/`:
 * - schema: every field/linked/detail member in the curated table exists, with a compatible type, in the
 *   swagger/openapi file of each version it is enabled for;
 * - postman: the requests of Acumatica's Postman collection run, in order and with their own test scripts, against
 *   an in-process emulator seeded with the `postman` profile; requests needing something the emulator does not
 *   emulate are skipped with the reason (`postman.ts`).
 * Prints one JSON summary line, then the skipped requests and mismatches.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BEHAVIOURS } from './entities';
import { runPostmanCollection, type PostmanOutcome } from './postman';
import { inVersion, KNOWN_VERSIONS, TYPES } from './schema';

type Json = Record<string, unknown>;

export interface FidelityReport {
  schema: { checked: number; mismatches: number };
  postman: { run: number; passed: number; skipped: number };
  mismatchList: string[];
  skippedList: string[];
  failedList: string[];
}

const FILES: Record<string, string> = {
  '20.200.001': 'Default_20.200.001.swagger.json',
  '22.200.001': 'Default_22.200.001.swagger.json',
  '23.200.001': 'Default_23.200.001.swagger.json',
  '24.200.001': 'Default_24.200.001.openapi.json',
};

/** Properties of a schema definition (`allOf` flattened), as `name → ref-or-array-ref`. */
function properties(defs: Json, name: string): Map<string, { ref?: string; items?: string }> | undefined {
  const def = defs[name] as Json | undefined;
  if (!def) return undefined;
  const out = new Map<string, { ref?: string; items?: string }>();
  const parts = (def.allOf as Json[] | undefined) ?? [def];
  for (const p of parts) {
    for (const [k, v] of Object.entries((p.properties as Record<string, Json> | undefined) ?? {})) {
      const refName = (r: unknown): string | undefined =>
        typeof r === 'string' ? r.split('/').pop() : undefined;
      out.set(k, { ref: refName(v.$ref), items: refName((v.items as Json | undefined)?.$ref) });
    }
  }
  return out;
}

/** Checks the curated field table against the schema files in `dir`. */
export function checkSchema(dir: string): { checked: number; mismatches: string[] } {
  let checked = 0;
  const mismatches: string[] = [];
  for (const version of KNOWN_VERSIONS) {
    const doc = JSON.parse(readFileSync(path.join(dir, FILES[version]!), 'utf8')) as Json;
    const defs = ((doc.components as Json | undefined)?.schemas ?? doc.definitions) as Json;
    for (const [typeName, def] of Object.entries(TYPES)) {
      const props = properties(defs, typeName);
      const used = Object.values(TYPES).some((t) =>
        [...Object.values(t.linked), ...Object.values(t.details)].some(
          (n) => n.type === typeName && inVersion(n, version),
        ),
      );
      if (!props) {
        if (BEHAVIOURS[typeName] || used) mismatches.push(`${version} ${typeName}: type missing from schema`);
        continue;
      }
      for (const [f, fd] of Object.entries(def.fields)) {
        if (!inVersion(fd, version)) continue;
        checked++;
        const p = props.get(f);
        if (!p) mismatches.push(`${version} ${typeName}.${f}: not in schema`);
        else if (p.ref !== `${fd.type}Value`)
          mismatches.push(`${version} ${typeName}.${f}: emulator ${fd.type}Value, schema ${p.ref ?? 'none'}`);
      }
      for (const [kind, members] of [
        ['linked', def.linked],
        ['details', def.details],
      ] as const) {
        for (const [n, nd] of Object.entries(members)) {
          if (!inVersion(nd, version)) continue;
          checked++;
          const p = props.get(n);
          const actual = kind === 'linked' ? p?.ref : p?.items;
          if (actual !== nd.type)
            mismatches.push(
              `${version} ${typeName}.${n}: emulator ${kind} ${nd.type}, schema ${actual ?? 'none'}`,
            );
        }
      }
    }
  }
  return { checked, mismatches };
}

/** Replays Acumatica's Postman collection (see `postman.ts`). */
export async function runPostman(dir: string): Promise<PostmanOutcome> {
  const collection = JSON.parse(
    readFileSync(path.join(dir, 'IntegrationDevelopmentGuide.postman_collection.json'), 'utf8'),
  ) as Parameters<typeof runPostmanCollection>[0];
  return runPostmanCollection(collection);
}

/** Runs both checks. */
export async function fidelity(dir: string): Promise<FidelityReport> {
  const schema = checkSchema(dir);
  const pm = await runPostman(dir);
  return {
    schema: { checked: schema.checked, mismatches: schema.mismatches.length },
    postman: { run: pm.run, passed: pm.passed, skipped: pm.skipped.length },
    mismatchList: schema.mismatches,
    skippedList: pm.skipped,
    failedList: pm.failed,
  };
}

if (require.main === module) {
  const dir =
    process.env.ACUMATICA_REFERENCE_DIR ?? path.resolve(__dirname, '..', '..', 'shared', 'acumatica');
  fidelity(dir).then(
    (r) => {
      console.log(JSON.stringify({ schema: r.schema, postman: r.postman }));
      for (const m of r.mismatchList) console.log(`mismatch: ${m}`);
      for (const f of r.failedList) console.log(`failed: ${f}`);
      for (const s of r.skippedList) console.log(`skipped: ${s}`);
      process.exitCode = r.schema.mismatches > 0 || r.failedList.length > 0 ? 1 : 0;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
