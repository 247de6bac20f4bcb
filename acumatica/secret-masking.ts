/** Masking secrets in text that may echo a request (failure messages, logs). */

/**
 * Every form a secret takes in text that echoes a request: plain, URL-encoded (upper- and lower-case
 * escapes), form-encoded (`+` for spaces) and JSON-escaped.
 */
export function secretForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const forms = new Set([
    secret,
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ]);
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces every form of every secret (of 4 characters or more) in `text` with `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of secretForms(secret)) out = out.split(form).join('***');
  }
  return out;
}
