/**
 * Who is an officer (docs/architecture.md, "Ranks and officers"): one of OFFICER_ROLE_IDS, or the
 * Manage Server permission, or is_officer on the roster. The bot (from an interaction) and the web
 * dashboard (from Discord's REST answers) gather the evidence differently; the rule itself is
 * written once, here.
 */

export interface DiscordOfficerEvidence {
  /** Role ids the member holds in the guild. */
  roleIds: readonly string[];
  officerRoleIds: readonly string[];
  /** Manage Server, directly or through Administrator or owning the guild. */
  canManageGuild: boolean;
}

export interface OfficerEvidence extends DiscordOfficerEvidence {
  /** is_officer on the member's roster entry (false when not on the roster). */
  rosterSaysOfficer: boolean;
}

/** The Discord side alone: callers can skip the roster read when this already says yes. */
export function isOfficerByDiscord(evidence: DiscordOfficerEvidence): boolean {
  return evidence.canManageGuild || evidence.officerRoleIds.some((id) => evidence.roleIds.includes(id));
}

export function isOfficerBy(evidence: OfficerEvidence): boolean {
  return isOfficerByDiscord(evidence) || evidence.rosterSaysOfficer;
}

/** Discord's permission bits this rule reads. */
export const PERMISSION = { Administrator: 1n << 3n, ManageGuild: 1n << 5n } as const;

export interface GuildRole {
  id: string;
  /** Permission bitfield as a decimal string, as Discord sends it. */
  permissions: string;
}

/**
 * Manage Server from a member's roles, as Discord computes guild-level permissions: the owner has
 * every permission; otherwise the union of @everyone (the role whose id is the guild's) and the
 * member's roles, where Administrator implies everything. Channel overwrites do not apply to
 * Manage Server.
 */
export function canManageGuildBy(input: { guildId: string; ownerId?: string; userId: string; memberRoleIds: readonly string[]; roles: readonly GuildRole[] }): boolean {
  if (input.ownerId !== undefined && input.ownerId === input.userId) return true;
  let permissions = 0n;
  for (const role of input.roles) {
    if (role.id !== input.guildId && !input.memberRoleIds.includes(role.id)) continue;
    try {
      permissions |= BigInt(role.permissions);
    } catch {
      // A malformed bitfield grants nothing.
    }
  }
  return (permissions & PERMISSION.Administrator) !== 0n || (permissions & PERMISSION.ManageGuild) !== 0n;
}
