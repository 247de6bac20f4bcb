/**
 * Request-body JSON as Acumatica reads it: its parser (Json.NET) accepts trailing commas before `}`/`]` and any
 * Unicode white space (e.g. no-break spaces) between tokens, which strict `JSON.parse` rejects (Acumatica's own
 * Postman collection has such bodies).
 */

/** Outside string literals: drops commas that directly precede a closing bracket, turns white space into spaces. */
function normalise(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (/\s/.test(ch)) {
      out += ' ';
      continue;
    }
    if (ch === ',') {
      const rest = text.slice(i + 1).trimStart();
      if (rest.startsWith('}') || rest.startsWith(']')) continue;
    }
    out += ch;
  }
  return out;
}

/** Parses a request body like Json.NET (see the file comment). Throws the strict parser's SyntaxError otherwise. */
export function parseRequestJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    try {
      return JSON.parse(normalise(text));
    } catch {
      throw err;
    }
  }
}
