/**
 * Dashboard sign-out that outlives a restart, in the members table. A session names the version
 * it was issued under; signing out raises the version, so every session issued before it (the
 * copied cookie included) is refused from then on, by any process.
 *
 * - A member on the roster: `session_version` on their member item (one number; bounded by the
 *   roster). Their sign-out ends their sessions on every device.
 * - A guild member not on the roster has no item, and none is made for them (the roster is the
 *   officers'): their sessions share one version, on the `#guest-sessions` item (one item, one
 *   number). A guest's sign-out ends every guest session; guests only read, and sign in again.
 * Neither grows: a version is a number, raised by one per sign-out.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/requests';
import { GUEST_SESSIONS, MEMBER, readItem } from '../db/schema';
import { isConditionalCheckFailed } from './errors';
import { isPossibleKey } from './pagination';

/** The members-table item holding the guests' session version; not a member (no join date). */
export const GUEST_SESSIONS_KEY = '#guest-sessions';

export interface SessionStanding {
  /** The version a session must carry to be valid now. */
  version: number;
  /** Whether the user is a guest (not on the roster): their sessions share the guests' version. */
  guest: boolean;
}

/** The version on a member item or the guests' item, each read through its own declaration. */
const versionOf = (item: Record<string, unknown> | undefined) => (isMember(item) ? readItem(MEMBER, item) : readItem(GUEST_SESSIONS, item)).session_version ?? 0;
/** A member item, as isMemberItem decides it (a join date in either form), read from its projection. */
const isMember = (item: Record<string, unknown> | undefined) => item !== undefined && ('join_date' in item || 'guild_join_date' in item);

export class SessionVersions {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The user's standing now: their member item's version, or the guests'. One request (more only for keys DynamoDB left unprocessed). */
  async standing(userId: string): Promise<SessionStanding> {
    const keys = [{ discord_id: GUEST_SESSIONS_KEY }, ...(isPossibleKey(userId) ? [{ discord_id: userId }] : [])];
    const items = await batchGetAll(this.db, this.tableName, keys, {
      projection: 'discord_id, join_date, guild_join_date, session_version',
      // A sign-out just made, on another process, must be seen.
      consistent: true,
      what: 'the session check',
    });
    const member = items.find((i) => i.discord_id === userId);
    if (isMember(member)) return { version: versionOf(member), guest: false };
    return { version: versionOf(items.find((i) => i.discord_id === GUEST_SESSIONS_KEY)), guest: true };
  }

  /**
   * Ends every session issued under `standing`: raises the member's version, or the guests'. A
   * member removed from the roster meanwhile has no sessions left to end (theirs were a member's).
   */
  async signOut(userId: string, standing: SessionStanding): Promise<SessionStanding> {
    const key = standing.guest ? GUEST_SESSIONS_KEY : userId;
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { discord_id: key },
          UpdateExpression: 'ADD session_version :one',
          // Never makes a member item: only raises one that is there (the guests' is made once).
          ...(standing.guest ? {} : { ConditionExpression: 'attribute_exists(join_date) OR attribute_exists(guild_join_date)' }),
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { version: versionOf(Attributes), guest: standing.guest };
    } catch (error) {
      if (!standing.guest && isConditionalCheckFailed(error)) return this.standing(userId);
      throw error;
    }
  }
}
