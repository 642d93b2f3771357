/**
 * Discord's payload limits for messages and autocomplete results, as 50035 field errors.
 *
 * Limits: docs resources/message (content 2,000; embed title 256, description 4,096, 25 fields,
 * field name 256 / value 1,024, footer 2,048, author 256; 6,000 for all embeds of a message
 * together, error MAX_EMBED_SIZE_EXCEEDED), docs interactions/message-components (5 action rows,
 * 5 buttons or one select per row, custom_id 1–100 and unique within a message
 * (COMPONENT_CUSTOM_ID_DUPLICATED, discord-api-docs #3673), button label 80, select options
 * 1–25 with label and value 1–100), docs interactions/receiving-and-responding (at most 25
 * autocomplete choices, name 1–100, string value up to 100).
 * Lengths count characters (code points), not UTF-16 units, so an emoji counts once.
 */
import type { Violation } from './refusals';

type Path = (string | number)[];

const len = (s: unknown): number => (typeof s === 'string' ? [...s].length : 0);
const maxLength = (path: Path, max: number): Violation => ({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
const badLength = (path: Path, min: number, max: number): Violation => ({ path, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between ${min} and ${max} in length.` });
const required = (path: Path): Violation => ({ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });

const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
const LINK_OR_PREMIUM_STYLES = new Set([5, 6]);

/** Field errors of a message create or edit body (`at` prefixes paths, e.g. ['data'] for a callback). */
export function messageViolations(data: any, at: Path = []): Violation[] {
  if (!data || typeof data !== 'object') return [];
  const out: Violation[] = [];
  if (len(data.content) > 2000) out.push(maxLength([...at, 'content'], 2000));
  if (Array.isArray(data.embeds)) out.push(...embedViolations(data.embeds, [...at, 'embeds']));
  if (Array.isArray(data.components)) out.push(...componentViolations(data.components, [...at, 'components']));
  return out;
}

function embedViolations(embeds: any[], at: Path): Violation[] {
  const out: Violation[] = [];
  if (embeds.length > 10) out.push(maxLength(at, 10));
  let total = 0;
  embeds.forEach((embed, i) => {
    const check = (value: unknown, max: number, ...path: Path) => {
      total += len(value);
      if (len(value) > max) out.push(maxLength([...at, i, ...path], max));
    };
    check(embed?.title, 256, 'title');
    check(embed?.description, 4096, 'description');
    check(embed?.footer?.text, 2048, 'footer', 'text');
    check(embed?.author?.name, 256, 'author', 'name');
    const fields: any[] = Array.isArray(embed?.fields) ? embed.fields : [];
    if (fields.length > 25) out.push(maxLength([...at, i, 'fields'], 25));
    fields.forEach((field, f) => {
      if (!len(field?.name)) out.push(required([...at, i, 'fields', f, 'name']));
      if (!len(field?.value)) out.push(required([...at, i, 'fields', f, 'value']));
      check(field?.name, 256, 'fields', f, 'name');
      check(field?.value, 1024, 'fields', f, 'value');
    });
  });
  if (total > 6000) out.push({ path: at, code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' });
  return out;
}

function componentViolations(rows: any[], at: Path): Violation[] {
  const out: Violation[] = [];
  if (rows.length > 5) out.push(maxLength(at, 5));
  const seen = new Set<string>();
  rows.forEach((row, r) => {
    const children: any[] = Array.isArray(row?.components) ? row.components : [];
    const rowPath = [...at, r, 'components'];
    if (row?.type === 1) {
      const selects = children.filter((c) => SELECT_TYPES.has(c?.type)).length;
      if (selects > 0 && children.length > 1) {
        out.push({ path: rowPath, code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'The specified component exceeds the maximum width' });
      } else if (children.length > 5) {
        out.push(maxLength(rowPath, 5));
      }
    }
    children.forEach((c, i) => out.push(...interactiveViolations(c, [...rowPath, i], seen)));
  });
  return out;
}

function interactiveViolations(c: any, at: Path, seen: Set<string>): Violation[] {
  const out: Violation[] = [];
  const needsCustomId = SELECT_TYPES.has(c?.type) || (c?.type === 2 && !LINK_OR_PREMIUM_STYLES.has(c?.style));
  if (needsCustomId) {
    const id = c.custom_id;
    if (typeof id !== 'string') out.push(required([...at, 'custom_id']));
    else if (len(id) < 1 || len(id) > 100) out.push(badLength([...at, 'custom_id'], 1, 100));
    else if (seen.has(id)) out.push({ path: [...at, 'custom_id'], code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id was already specified' });
    else seen.add(id);
  }
  if (c?.type === 2 && len(c.label) > 80) out.push(maxLength([...at, 'label'], 80));
  if (c?.type === 3) {
    const options: any[] = Array.isArray(c.options) ? c.options : [];
    if (options.length < 1 || options.length > 25) out.push(badLength([...at, 'options'], 1, 25));
    options.forEach((o, i) => {
      if (len(o?.label) < 1 || len(o?.label) > 100) out.push(badLength([...at, 'options', i, 'label'], 1, 100));
      if (len(o?.value) < 1 || len(o?.value) > 100) out.push(badLength([...at, 'options', i, 'value'], 1, 100));
      if (len(o?.description) > 100) out.push(maxLength([...at, 'options', i, 'description'], 100));
    });
  }
  return out;
}

/** Field errors of an autocomplete result (callback type 8). */
export function choiceViolations(data: any, at: Path = ['data']): Violation[] {
  const choices: any[] = Array.isArray(data?.choices) ? data.choices : [];
  const out: Violation[] = [];
  if (choices.length > 25) out.push(maxLength([...at, 'choices'], 25));
  choices.forEach((c, i) => {
    if (len(c?.name) < 1 || len(c?.name) > 100) out.push(badLength([...at, 'choices', i, 'name'], 1, 100));
    if (typeof c?.value === 'string' && len(c.value) > 100) out.push(maxLength([...at, 'choices', i, 'value'], 100));
  });
  return out;
}

/**
 * Discord's rule for 50006: a message needs at least one of content, embeds, sticker_ids,
 * components, files or poll (docs resources/message, Create Message). Whitespace is no content.
 */
export function isEmptyMessage(m: { content?: unknown; embeds?: unknown[]; components?: unknown[]; attachments?: unknown[]; sticker_ids?: unknown[]; poll?: unknown }, files = 0): boolean {
  const content = typeof m.content === 'string' ? m.content.trim() : '';
  return !content && !m.embeds?.length && !m.components?.length && !m.attachments?.length && !m.sticker_ids?.length && !m.poll && files === 0;
}
