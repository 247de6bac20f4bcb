/** Messages between the bench and its worker child process. */

/** MongoDB commands the worker sent, counted by driver command monitoring. */
export interface MongoCounters {
  /** Commands by name (find, insert, update, findAndModify, getMore…). */
  commands: Record<string, number>;
  /** Write statements by collection (an `update` command with 3 updates counts 3). */
  writes: Record<string, number>;
  /** Write commands by collection (an `insert` of 200 documents counts 1). */
  writeCommands: Record<string, number>;
  writeStatements: number;
}

/**
 * `counters`: the MongoDB counters so far. `profile-start` / `profile-stop`: the V8 CPU profiler (the one
 * `--cpu-prof` uses) around one measured run, written to `file` as a `.cpuprofile` on stop.
 */
export type ParentMessage =
  | { type: 'counters'; id: number }
  | { type: 'profile-start'; id: number }
  | { type: 'profile-stop'; id: number; file: string };

export type WorkerMessage =
  { type: 'ready' } | { type: 'counters'; id: number; mongo: MongoCounters } | { type: 'done'; id: number };
