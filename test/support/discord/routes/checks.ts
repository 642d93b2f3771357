/** The payload checks every message create and edit route shares (limits.ts, mentions.ts). */
import { isEmptyMessage, messageViolations } from '../limits';
import { allowedMentionsViolations } from '../mentions';
import type { StoredMessage } from '../model';
import { invalidFormBody, Refuse } from '../refusals';

type Path = (string | number)[];

/** A new message: field limits and allowed_mentions (50035), then not empty (50006). */
export function assertSendable(data: any, at: Path, files: number): void {
  assertFields(data, at);
  if (isEmptyMessage(data ?? {}, files)) throw Refuse.emptyMessage();
}

/** An edit: the same field checks, and the message it leaves must not be empty. */
export function assertEditable(data: any, at: Path, after: StoredMessage): void {
  assertFields(data, at);
  if (isEmptyMessage(after)) throw Refuse.emptyMessage();
}

function assertFields(data: any, at: Path): void {
  const violations = [...messageViolations(data, at), ...allowedMentionsViolations(data?.allowed_mentions, at)];
  if (violations.length) throw invalidFormBody(violations);
}
