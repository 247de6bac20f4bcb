/**
 * Reading Acumatica's error bodies: the message a failure may show (never a foreign body), the text the
 * classification rules match, the exception type, and the field-level errors of a 422 echo.
 */
import { STATUS_CODES } from 'node:http';
import type { FieldError } from './errors';

export interface ParsedBody {
  /**
   * What a message may show: Acumatica's own error text when the body is Acumatica-shaped, otherwise a
   * fixed description. Never a foreign body (a proxy page, an internal service met by a wrong URL).
   */
  summary: string;
  /** Text the classification rules read (seat limit, throttling, refused login); never shown. */
  matchText: string;
  exceptionType: string | undefined;
  fieldErrors: FieldError[];
  /** OAuth error code (`invalid_grant`, …) when the body is an IdentityServer error. */
  oauthError: string | undefined;
}

/**
 * Extracts every field-level `error` of a 422 echo: top-level fields, linked entities
 * (`MainContact/Email`), detail rows (`Details[1]/InventoryID`, numbered by `rowNumber`) and
 * custom fields. The entity-level `error` summary is not included.
 */
export function extractFieldErrors(entity: unknown): FieldError[] {
  const out: FieldError[] = [];
  walkFieldErrors(entity, '', out);
  return out;
}

function walkFieldErrors(node: unknown, prefix: string, out: FieldError[]): void {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
    if (key === '_links' || key === 'error') continue;
    const path = prefix === '' ? key : `${prefix}/${key}`;
    if (Array.isArray(child)) {
      child.forEach((row, index) => {
        const rowNumber = isRecord(row) && typeof row.rowNumber === 'number' ? row.rowNumber : index + 1;
        const rowPath = `${path}[${rowNumber}]`;
        if (isRecord(row) && typeof row.error === 'string' && row.error !== '') {
          out.push({ path: rowPath, message: row.error });
        }
        walkFieldErrors(row, rowPath, out);
      });
    } else if (isRecord(child)) {
      // A wrapped field carries `error` next to `value`; a linked entity carries it as a summary.
      if (typeof child.error === 'string' && child.error !== '') out.push({ path, message: child.error });
      walkFieldErrors(child, path, out);
    }
  }
}

/** Formats field errors the way they appear in a record's note: `CustomerID: '…' cannot be found…`. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}

/** What a message says about a body that is not Acumatica's: its size, never its content. */
function foreignBody(body: string, status: number): string {
  return `${STATUS_CODES[status] ?? 'error'}; the answer is not from Acumatica's REST API (${Buffer.byteLength(body)} bytes, content not shown)`;
}

export function parseErrorBody(body: string, status: number): ParsedBody {
  const empty = { exceptionType: undefined, fieldErrors: [], oauthError: undefined };
  const shown = (summary: string): ParsedBody => ({ ...empty, summary, matchText: summary });
  if (body.trim() === '') return shown(STATUS_CODES[status] ?? 'empty response body');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // IIS and proxies answer in HTML: classified by its text (a seat limit page), never echoed.
    return { ...empty, summary: foreignBody(body, status), matchText: plainText(body) };
  }
  if (!isRecord(json)) return shown(foreignBody(body, status));

  if (typeof json.error === 'string' && typeof json.message !== 'string' && !hasWrappedFields(json)) {
    // IdentityServer token endpoint: {"error":"invalid_grant","error_description":"…"}
    const description = typeof json.error_description === 'string' ? `: ${json.error_description}` : '';
    return { ...shown(truncate(`${json.error}${description}`)), oauthError: json.error };
  }

  const fieldErrors = extractFieldErrors(json);
  if (typeof json.error === 'string' || fieldErrors.length > 0) {
    // 422: the entity echoed back with `error` on fields, rows and the entity itself.
    const head = typeof json.error === 'string' ? json.error : 'Validation failed.';
    const tail = formatFieldErrors(fieldErrors);
    return { ...shown(tail === '' ? head : `${head} ${tail}`), fieldErrors };
  }

  // HttpError: {message, exceptionMessage, exceptionType, innerException}
  const messages: string[] = [];
  let exceptionType: string | undefined;
  let node: unknown = json;
  for (let depth = 0; isRecord(node) && depth < 5; depth++) {
    const candidate =
      typeof node.exceptionMessage === 'string' && node.exceptionMessage !== ''
        ? node.exceptionMessage
        : typeof node.message === 'string'
          ? node.message
          : undefined;
    if (candidate !== undefined && !messages.includes(candidate)) messages.push(candidate);
    if (typeof node.messageDetail === 'string' && !messages.includes(node.messageDetail))
      messages.push(node.messageDetail);
    if (typeof node.exceptionType === 'string') exceptionType ??= node.exceptionType;
    node = node.innerException;
  }
  if (messages.length === 0) return shown(foreignBody(body, status));
  // The generic wrapper text says nothing when a specific message exists.
  const specific = messages.filter((m) => m !== 'An error has occurred.');
  return { ...shown(truncate((specific.length > 0 ? specific : messages).join(' '))), exceptionType };
}

function hasWrappedFields(obj: Record<string, unknown>): boolean {
  return Object.values(obj).some((v) => isRecord(v) && ('value' in v || 'error' in v));
}

function plainText(body: string): string {
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(text);
}

function truncate(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
