import { PermissionFlagsBits, type Interaction } from 'discord.js';
import { isOfficerBy, isOfficerByDiscord } from '../domain/officers';
import type { MembersService } from '../services/members';

/**
 * Officer as src/domain/officers.ts defines it, from what the interaction carries. Checked on the
 * server for every officer-only command, button and select, whatever Discord's own command
 * permissions say. The roster is read only when the cheaper checks say no.
 */
export async function isOfficer(interaction: Interaction, officerRoleIds: string[], members: MembersService): Promise<boolean> {
  const roles = interaction.member?.roles;
  const roleIds = Array.isArray(roles) ? roles : roles ? [...roles.cache.keys()] : [];
  const discord = { roleIds, officerRoleIds, canManageGuild: Boolean(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) };
  if (isOfficerByDiscord(discord)) return true;
  return isOfficerBy({ ...discord, rosterSaysOfficer: (await members.get(interaction.user.id))?.is_officer === true });
}
