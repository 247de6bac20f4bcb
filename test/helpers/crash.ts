/** Stores that fail on purpose, for tests of what a retried activity does. */
import type { Store } from '../../store';

/**
 * A store whose push write-back (`markSynced`, or `markSyncedMany` for a page's batch) of one entity type throws
 * once: the worker "dies" after the PUT, before the write-back.
 */
export function crashOnceAfterPut(entity: 'sales-orders' | 'work-orders'): {
  wrap: (store: Store) => Store;
  crashed: () => boolean;
} {
  let crashed = false;
  return {
    crashed: () => crashed,
    wrap: (store) => {
      const repo = store.records[entity];
      const proxy = new Proxy(repo, {
        get(target, prop, receiver) {
          if ((prop === 'markSynced' || prop === 'markSyncedMany') && !crashed) {
            return () => {
              crashed = true;
              return Promise.reject(new Error('worker lost between the PUT and the write-back'));
            };
          }
          const value: unknown = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      return { ...store, records: { ...store.records, [entity]: proxy } };
    },
  };
}
