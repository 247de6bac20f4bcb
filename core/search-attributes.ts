import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes of sync runs, registered on the Temporal server (`--search-attribute` on the dev
 * server; `temporal operator search-attribute create` in production) so engineers can filter runs in the UI.
 * Values are never PII: search attributes are not encrypted by payload codecs.
 */
export const SEARCH_ATTRIBUTES = {
  account: defineSearchAttributeKey('FsacAccount', SearchAttributeType.KEYWORD),
  trigger: defineSearchAttributeKey('FsacTrigger', SearchAttributeType.KEYWORD),
  full: defineSearchAttributeKey('FsacFull', SearchAttributeType.BOOL),
  outcome: defineSearchAttributeKey('FsacOutcome', SearchAttributeType.KEYWORD),
  failedCount: defineSearchAttributeKey('FsacFailedCount', SearchAttributeType.INT),
  entity: defineSearchAttributeKey('FsacEntity', SearchAttributeType.KEYWORD),
} as const;

const CLI_TYPE: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.INT]: 'Int',
};

/** `Name=Type` pairs for `temporal server start-dev --search-attribute`. */
export function searchAttributeCliFlags(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).flatMap((key) => [
    '--search-attribute',
    `${key.name}=${CLI_TYPE[key.type]}`,
  ]);
}
