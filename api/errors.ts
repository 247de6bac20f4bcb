/**
 * The API's error contract: every error answers `{ error: { code, message, details? } }`. Store and core
 * errors map to 4xx here, once; anything unexpected becomes a 500 that names only the request id.
 */
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SecretsRequiredError } from '../core/settings';
import { ValidationError, type FieldIssue } from '../core/validation';
import {
  ConcurrentUpdateError,
  ConflictError,
  PreconditionFailedError,
  UnsupportedOperationError,
} from '../store';

/** An error the API answers as is: status, snake_case code, a message safe to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** 429: the caller must wait; the answer carries `Retry-After` in whole seconds. */
export class TooManyRequestsError extends ApiError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, code, message, { retryAfterSeconds });
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} not found`);

/** A bad field, with where it was sent (path, query or body). */
export interface BadField extends FieldIssue {
  in?: 'params' | 'query' | 'body';
}

/** 400 listing every bad field; the message joins the per-field messages so one line says it all. */
export function invalidInput(issues: readonly BadField[]): ApiError {
  const message = issues.map((i) => i.message).join('; ') || 'invalid input';
  return new ApiError(400, 'validation_failed', message, { issues });
}

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Response schemas for the error statuses every route may answer. */
export const errorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  413: errorBodySchema,
  415: errorBodySchema,
  429: errorBodySchema,
  500: errorBodySchema,
} as const;

/** Fastify's own client errors (body parsing, content type, size) with the code we answer. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    message: 'request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'send the body as application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: 'the body is empty but the content type is application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_TYPE: { status: 415, code: 'unsupported_media_type', message: 'content type is empty' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_url', message: 'the URL is malformed' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 400, code: 'bad_url', message: 'a path parameter is too long' },
};

/** Maps any thrown value to a status and body. Pure: unit-tested without a server. */
export function toErrorResponse(err: unknown, requestId: string): { status: number; body: ErrorBody } {
  const body = (code: string, message: string, details?: unknown): ErrorBody => ({
    error: { code, message, ...(details !== undefined ? { details } : {}) },
  });
  if (err instanceof ApiError)
    return { status: err.statusCode, body: body(err.code, err.message, err.details) };
  if (err instanceof SecretsRequiredError) {
    return { status: 400, body: body('secrets_required', err.message, { issues: err.issues }) };
  }
  if (err instanceof ValidationError) {
    const e = invalidInput(err.issues.map((i) => ({ ...i, in: 'body' as const })));
    return { status: 400, body: body(e.code, e.message, e.details) };
  }
  if (err instanceof ConflictError) return { status: 409, body: body('conflict', err.message) };
  if (err instanceof ConcurrentUpdateError)
    return { status: 409, body: body('concurrent_update', err.message) };
  if (err instanceof PreconditionFailedError)
    return { status: 412, body: body('precondition_failed', err.message) };
  if (err instanceof UnsupportedOperationError) {
    return { status: 400, body: body('unsupported_operation', err.message) };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    // Fallback only: the validation hook reports first, with every bad field of every part.
    const issues = err.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(input)',
      message: v.message ?? 'is invalid',
    }));
    const e = invalidInput(issues);
    return { status: 400, body: body(e.code, e.message, e.details) };
  }
  const fastifyError = err as Partial<FastifyError> | null;
  const known = fastifyError?.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return { status: known.status, body: body(known.code, known.message ?? 'bad request') };
  if (
    !isResponseSerializationError(err) &&
    typeof fastifyError?.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    // Other framework client errors (e.g. a malformed URL): a generic code, never internals.
    return {
      status: fastifyError.statusCode,
      body: body('bad_request', 'the request could not be processed'),
    };
  }
  return {
    status: 500,
    body: body('internal', `something went wrong on our side; quote request id ${requestId}`, { requestId }),
  };
}

/** Fastify error handler: logs server errors (without bodies), answers the contract. */
export function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorResponse(err, String(request.id));
  if (err instanceof TooManyRequestsError) void reply.header('retry-after', String(err.retryAfterSeconds));
  if (status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ code: body.error.code, statusCode: status }, 'request rejected');
  return reply.status(status).send(body);
}
