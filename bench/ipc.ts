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

export type ParentMessage = { type: 'counters'; id: number };

export type WorkerMessage = { type: 'ready' } | { type: 'counters'; id: number; mongo: MongoCounters };
