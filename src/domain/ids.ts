/**
 * Ids written by other systems can hold anything: spaces, control characters (the previous
 * system ended distribution ids with one arbitrary character from U+0000–U+03E7). Discord's
 * custom ids and choice values cannot carry those as they are, and a message cannot show them.
 * Here an id gets a safe form that round-trips, and a readable form for display.
 */

/** Characters an id may keep as is in a custom id or a choice value. */
const PLAIN = /^[A-Za-z0-9_.-]+$/;
/** Marks the encoded form: "~" never starts a plain id. */
const ENCODED = '~';

/** The id itself when it is plain, else "~" + base64url of its UTF-8 bytes. */
export function safeIdForm(id: string): string {
  return PLAIN.test(id) ? id : ENCODED + Buffer.from(id, 'utf8').toString('base64url');
}

/**
 * The id a safe form stands for, or null when it is neither a plain id nor a well-formed
 * encoding (the encoding must round-trip exactly, so a tampered form is refused, not guessed).
 */
export function idFromSafeForm(form: string): string | null {
  if (PLAIN.test(form)) return form;
  if (!form.startsWith(ENCODED)) return null;
  const body = form.slice(ENCODED.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  const id = Buffer.from(body, 'base64url').toString('utf8');
  return id.length > 0 && safeIdForm(id) === form ? id : null;
}

/**
 * The id as a person can read it: control, invisible and formatting characters (and the
 * backtick, which would end a code span) shown as \u{…} escapes; the rest as is.
 */
export function displayId(id: string): string {
  return [...id].map((ch) => (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}`\\]/u.test(ch) ? `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}` : ch)).join('');
}
