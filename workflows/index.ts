/** The workflow bundle's entry: every workflow type the worker registers. Names are never renamed once shipped. */
export { syncAccount } from './sync-account';
export { syncEntity } from './sync-entity';
export { checkConnection } from './check-connection';
export { syncRecords } from './sync-records';
export { pullChanges } from './pull-changes';
