/**
 * Request validation that reports every bad field at once. Fastify's own validation stops at the first
 * failing part (params, then body, then query); this hook checks all three with the route's zod schemas
 * first, so a client fixes everything in one round trip. Fastify then validates again to coerce values.
 */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { fieldIssues, readableErrors } from '../core/validation';
import { invalidInput, type BadField } from './errors';

const PARTS = [
  ['params', 'params'],
  ['querystring', 'query'],
  ['body', 'body'],
] as const;

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && typeof (value as z.ZodType).safeParse === 'function';
}

/** Every bad field of a request against the route's schemas (empty when it is valid). */
export function requestIssues(
  schemas: Partial<Record<(typeof PARTS)[number][0], unknown>>,
  request: Pick<FastifyRequest, 'params' | 'query' | 'body'>,
): BadField[] {
  const issues: BadField[] = [];
  for (const [schemaKey, part] of PARTS) {
    const schema = schemas[schemaKey];
    if (!isZodSchema(schema)) continue;
    const result = schema.safeParse(request[part], { error: readableErrors });
    if (result.success) continue;
    for (const issue of fieldIssues(result.error)) {
      const message =
        issue.field === '(input)' && part === 'body'
          ? `the body ${issue.message.replace(/^\(input\) /, '')}`
          : issue.message;
      issues.push({ ...issue, message, in: part });
    }
  }
  return issues;
}

/** The preValidation hook. */
export async function validateRequest(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema;
  if (!schema) return;
  const issues = requestIssues(schema as Record<string, unknown>, request);
  if (issues.length > 0) throw invalidInput(issues);
}
