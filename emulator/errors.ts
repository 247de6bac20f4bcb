/**
 * Error bodies in the shape of Acumatica's `HttpError` (api-reference §6).
 */
import type { EngineResult } from './engine';

export interface HttpErrorBody {
  message: string;
  exceptionMessage: string;
  exceptionType: string;
  stackTrace: string;
  innerException: null;
}

/** An `HttpError` body; `message` is the generic ASP.NET text, the detail is in `exceptionMessage`. */
export function httpError(exceptionMessage: string, exceptionType = 'PX.Data.PXException'): HttpErrorBody {
  return {
    message: 'An error has occurred.',
    exceptionMessage,
    exceptionType,
    stackTrace: '   at PX.Api.ContractBased.EntityService.Process()',
    innerException: null,
  };
}

/** The 500 a real instance answers for a missing record (not a 404). */
export function notFoundEntity(): EngineResult {
  return {
    status: 500,
    body: httpError(
      'No entity satisfies the condition.',
      'PX.Api.ContractBased.NoEntitySatisfiesTheConditionException',
    ),
  };
}

/** ASP.NET Web API's 401 body. */
export const UNAUTHORIZED = { message: 'Authorization has been denied for this request.' };
