/**
 * Page cursors handed to the browser: the service's own cursor (or the roster's position),
 * sealed with an HMAC over it and the query it belongs to. A cursor that was altered, or taken
 * from another query (another member's history, another filter), is a clean 400 and never
 * reaches DynamoDB as a start key.
 */
import { createHmac } from 'node:crypto';
import { badRequest } from './errors';
import { sameToken } from './session';

export class CursorSeal {
  /** A key of its own (subKey 'cursor seals'), never the cookies'. */
  constructor(private readonly secret: Buffer) {}

  seal(inner: string | undefined, scope: string): string | undefined {
    if (inner === undefined) return undefined;
    return `${Buffer.from(inner).toString('base64url')}.${this.mac(inner, scope)}`;
  }

  /** The inner cursor, undefined for the first page; throws 400 for one not sealed for this query. */
  open(cursor: string | undefined, scope: string): string | undefined {
    if (cursor === undefined || cursor === '') return undefined;
    const [body, mac, ...rest] = cursor.split('.');
    const inner = body && mac && !rest.length ? Buffer.from(body, 'base64url').toString('utf8') : undefined;
    if (inner === undefined || !sameToken(mac, this.mac(inner, scope))) {
      throw badRequest('cursor is not valid for this query: start again from the first page');
    }
    return inner;
  }

  private mac(inner: string, scope: string): string {
    return createHmac('sha256', this.secret).update(`cursor\n${scope}\n${inner}`).digest('base64url').slice(0, 22);
  }
}
