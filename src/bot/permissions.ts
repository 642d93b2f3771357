import { PermissionFlagsBits, type Interaction } from 'discord.js';
import type { MembersService } from '../services/members';

/**
 * Officer = holds one of OFFICER_ROLE_IDS, or has Manage Server, or is_officer in the roster.
 * Checked on the server for every officer-only command, button and select, whatever Discord's
 * own command permissions say. The roster is read only when the cheaper checks say no.
 */
export async function isOfficer(interaction: Interaction, officerRoleIds: string[], members: MembersService): Promise<boolean> {
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const roles = interaction.member?.roles;
  const roleIds = Array.isArray(roles) ? roles : roles ? [...roles.cache.keys()] : [];
  if (officerRoleIds.some((id) => roleIds.includes(id))) return true;
  return (await members.get(interaction.user.id))?.is_officer === true;
}
