/**
 * Validation errors that name the offending field. Pure, safe inside the workflow sandbox.
 */
import type { z } from 'zod';
import type * as zc from 'zod/v4/core';

/** One bad field: a dotted path (e.g. `lines.0.quantity`) and a message that names it. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** Thrown when input is rejected; `issues` lists every bad field, not only the first. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly issues: readonly FieldIssue[]) {
    super(issues.map((i) => i.message).join('; ') || 'invalid input');
  }
}

/** Turns zod issues into field issues whose messages start with the field name. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    // Unrecognized keys are reported on the parent object; name each key instead.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = [...issue.path, key].map(String).join('.');
        issues.push({ field, message: `${field} is not a known field` });
      }
      continue;
    }
    const field = issue.path.map(String).join('.') || '(input)';
    issues.push({ field, message: `${field} ${issue.message}` });
  }
  return issues;
}

function sizeUnit(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' items';
  return '';
}

/**
 * Per-parse error map: short messages that read well after the field name
 * ("executionDelayMinutes must be at least 15"). Messages set on a schema take precedence.
 */
export const readableErrors: zc.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'array' && Number(issue.minimum) === 1) return 'must not be empty';
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return `must be at least ${String(issue.minimum)}${sizeUnit(issue.origin)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${sizeUnit(issue.origin)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'has an invalid format' : `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    default:
      return undefined;
  }
};

function article(expected: string): string {
  if (expected === 'int') return 'a whole number';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Parses `value` with `schema`, throwing a {@link ValidationError} that names every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { error: readableErrors });
  if (!result.success) throw new ValidationError(fieldIssues(result.error));
  return result.data;
}
