import { canManageGuildBy, isOfficerBy, isOfficerByDiscord } from '../../src/domain/officers';

const officerRoleIds = ['900000000000000001'];

describe('who is an officer', () => {
  it('is anyone with an officer role, Manage Server, or is_officer on the roster', () => {
    const plain = { roleIds: ['123'], officerRoleIds, canManageGuild: false, rosterSaysOfficer: false };
    expect(isOfficerBy(plain)).toBe(false);
    expect(isOfficerBy({ ...plain, roleIds: ['123', officerRoleIds[0]] })).toBe(true);
    expect(isOfficerBy({ ...plain, canManageGuild: true })).toBe(true);
    expect(isOfficerBy({ ...plain, rosterSaysOfficer: true })).toBe(true);
    expect(isOfficerByDiscord({ roleIds: plain.roleIds, officerRoleIds, canManageGuild: false })).toBe(false);
    expect(isOfficerBy({ ...plain, roleIds: officerRoleIds, officerRoleIds: [] })).toBe(false);
  });

  it('computes Manage Server from @everyone and the member’s roles, Administrator, or ownership', () => {
    const guildId = '100';
    const roles = [
      { id: guildId, permissions: String(1n << 10n) },
      { id: '1', permissions: String(1n << 5n) },
      { id: '2', permissions: String(1n << 3n) },
      { id: '3', permissions: 'not a number' },
    ];
    const base = { guildId, userId: '7', roles };
    expect(canManageGuildBy({ ...base, memberRoleIds: [] })).toBe(false);
    expect(canManageGuildBy({ ...base, memberRoleIds: ['1'] })).toBe(true);
    expect(canManageGuildBy({ ...base, memberRoleIds: ['2'] })).toBe(true);
    expect(canManageGuildBy({ ...base, memberRoleIds: ['3'] })).toBe(false);
    expect(canManageGuildBy({ ...base, memberRoleIds: [], ownerId: '7' })).toBe(true);
    expect(canManageGuildBy({ ...base, roles: [{ id: guildId, permissions: String(1n << 5n) }], memberRoleIds: [] })).toBe(true);
  });
});
