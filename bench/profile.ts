/**
 * Summarises a V8 `.cpuprofile` (written by the worker under `--cpu-prof`): self time by function and by
 * package, so a bench line says where the worker's CPU goes without opening the profile.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { projectRoot } from '../scripts/tools';
import { round } from './measure';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  /** Self time outside idle and (program) native frames, by function: the largest first. */
  topFunctions: { fn: string; at: string; selfMs: number; share: number }[];
  /** Self time by where the code lives: a package under node_modules, node's own, or a project folder. */
  byArea: Record<string, number>;
}

/** Where a frame's code lives: `mongodb`, `@temporalio/worker`, `node:internal`, `store`, `(native)`… */
function area(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const path = url.replace(/^file:\/\//, '');
  return relative(projectRoot, path).split('/')[0] ?? path;
}

/** Reads a profile and returns its self-time summary (top `top` functions). */
export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + us);
    total += us;
  });
  const fns = new Map<string, { fn: string; at: string; us: number }>();
  const areas: Record<string, number> = {};
  let busy = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
    busy += us;
    const at = `${relative(projectRoot, frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}@${at}`;
    const entry = fns.get(key) ?? { fn: frame.functionName || '(anonymous)', at, us: 0 };
    entry.us += us;
    fns.set(key, entry);
    const a = area(frame.url);
    areas[a] = (areas[a] ?? 0) + us;
  }
  const topFunctions = [...fns.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((f) => ({
      fn: f.fn,
      at: f.at,
      selfMs: round(f.us / 1000, 1),
      share: round(f.us / Math.max(1, busy)),
    }));
  const byArea = Object.fromEntries(
    Object.entries(areas)
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => [k, round(us / Math.max(1, busy))]),
  );
  return { file: relative(projectRoot, file), sampledMs: round(total / 1000, 1), topFunctions, byArea };
}
