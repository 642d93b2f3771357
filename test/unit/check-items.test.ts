import { unmarshall } from '@aws-sdk/util-dynamodb';
import { checkDistribution, checkDrawItem, checkLink, checkList, checkMember, counterDrift, dateIndexEntry, missingCountersFinding } from '../../src/checks/items';
import { POOL_CHUNK } from '../../src/services/draw-pools';
import { OPEN_PER_SHARD } from '../../src/services/open-draws';
import { safeIdForm } from '../../src/domain/ids';
import { emptyCounters } from '../../src/services/member-items';
import { headTables, singleTable, type RawItem } from '../support/legacy-fixtures';

const NOW = new Date('2026-03-15T12:00:00.000Z');
const head = headTables({ anna: '100000000000000001', ben: '100000000000000002', cara: '100000000000000003', dan: '100000000000000004', eve: '100000000000000005' }, NOW);
const single = singleTable({ fiona: '100000000000000011', gus: '100000000000000012', hana: '100000000000000013', ivan: '100000000000000014', juno: '100000000000000015' }, NOW);
/** What the document client hands the checks: the typed item, unmarshalled. */
const doc = (item: RawItem) => unmarshall(item) as Record<string, unknown>;
const headRecord = (i: number) => doc(head.distributions.find((d) => d.distribution_id.S === head.awards[i].id)!);
const headMember = (id: string) => doc(head.members.find((m) => m.discord_id.S === id)!);

describe('check:data on a distribution', () => {
  it('reports what the previous system left out, and adds only status and the UTC day', () => {
    const award = head.awards[0];
    const report = checkDistribution(headRecord(0));
    expect(report.label).toBe(`distribution ${award.id.slice(0, -1)}\\u{0000}`);
    expect(report.findings).toEqual([
      `its id has characters beyond A-Z a-z 0-9 _ . - (the previous system ended ids with any character): it is shown as ${award.id.slice(0, -1)}\\u{0000}, and /history gives officers \`${safeIdForm(award.id)}\` to paste into /revert; left as is`,
      'no status (read as confirmed)',
      `distributed_at is an RFC 3339 timestamp (read as ${award.at}); left as is (it is an index key)`,
      'no distribution_date: guild-wide history does not list it until fixed',
      'no pool_size (the previous system kept no pools); left as is',
    ]);
    expect(report.additions).toEqual({ status: 'confirmed', distribution_date: award.at.slice(0, 10) });
    expect(dateIndexEntry(headRecord(0))).toBeUndefined();
    expect(dateIndexEntry(headRecord(0), report.additions)).toEqual({ day: award.at.slice(0, 10), quality: 'gold' });
  });

  it('keeps the day HEAD wrote on its own clock, and says it is not the UTC day', () => {
    const award = head.awards[1];
    expect(award.distributionDate).not.toBe(award.at.slice(0, 10));
    const report = checkDistribution(headRecord(1));
    expect(report.additions).toEqual({ status: 'confirmed' });
    expect(report.findings).toContain(
      `distribution_date ${award.distributionDate} is not the UTC day of distributed_at (${award.at.slice(0, 10)}): the previous system wrote the day on its own clock; guild-wide history lists it under ${award.distributionDate}; left as is`,
    );
    // The date-index holds what is stored: history finds the record under that day.
    expect(dateIndexEntry(headRecord(1))).toEqual({ day: award.distributionDate, quality: 'silver' });
  });

  it('finds nothing in a record FlavaFlav wrote, and nothing to add to an open draw', () => {
    const confirmed = {
      distribution_id: 'd_1',
      status: 'confirmed',
      member_id: '1',
      link_id: 'gold_Damage_on_Ships_x',
      link_type: 'Damage on Ships',
      quality: 'gold',
      method: 'discord',
      distributed_at: '2026-03-01T10:00:00.000Z',
      distribution_date: '2026-03-01',
      pool_size: 3,
      pool: new Set(['1', '2', '3']),
    };
    expect(checkDistribution(confirmed)).toEqual({ label: 'distribution d_1', findings: [], additions: {} });
    expect(checkDistribution({ distribution_id: 'd_2', status: 'drawn', quality: 'gold', link_id: 'x' }).findings).toEqual([]);
    expect(dateIndexEntry({ distribution_id: 'd_2', status: 'drawn', quality: 'gold' })).toBeUndefined();
  });

  it.each([
    [{ distributed_at: 'last tuesday', member_id: '1' }, "distributed_at 'last tuesday' is unreadable: it is in no history by date; left as is"],
    [{ distributed_at: '0001-01-01T00:00:00Z', member_id: '1' }, "distributed_at '0001-01-01T00:00:00Z' is Go's zero time (never set)"],
    [{ distributed_at: '2026-01-01T00:00:00Z', member_id: '1', distribution_date: '2026/01/01' }, "distribution_date '2026/01/01' is not YYYY-MM-DD"],
    [{ distributed_at: '2026-01-01T00:00:00Z', member_id: '1', quality: 'Platinum' }, "quality 'Platinum' is not bronze, silver or gold (read as bronze)"],
    [{ distributed_at: '2026-01-01T00:00:00Z', member_id: '1', method: 'api' }, "method 'api' is neither web nor discord"],
    [{ distributed_at: '2026-01-01T00:00:00Z' }, 'no status, and no member_id or readable distributed_at: not an award FlavaFlav can show'],
    [{ distributed_at: '2026-01-01T00:00:00Z', member_id: '1', link_id: '' }, 'no link_id: reverting it takes no link back to the stock'],
  ])('says why %j does not fit', (extra, finding) => {
    const report = checkDistribution({ distribution_id: 'd', quality: 'gold', link_id: 'l', ...extra });
    expect(report.findings.join('\n')).toContain(finding);
  });
});

describe('check:data on a member', () => {
  it('reads the previous system’s member and says what it ignores', () => {
    const anna = headMember(head.awards[0].memberId);
    const report = checkMember(anna, { legacyTable: false });
    expect(report.kind).toBe('member');
    expect(report.label).toBe(`member ${head.awards[0].memberId} (anna)`);
    expect(report.findings).toEqual([
      `join_date is an RFC 3339 timestamp (read as ${String(anna.join_date).slice(0, 10)}); left as is`,
      'stale rank, silver_eligible, gold_eligible and days_in_guild are ignored (always derived from the join date); left as is',
    ]);
  });

  it('says a zero or unreadable join date leaves the member out of draws, and how to set it', () => {
    const eve = checkMember(headMember('100000000000000005'), { legacyTable: false });
    expect(eve.findings[0]).toBe("join_date '0001-01-01T00:00:00Z' is Go's zero time (never set): the member is left out of draws; set it with /member add user join_date");
    const spring = checkMember({ discord_id: '456', username: 'x', join_date: 'last spring', is_officer: false, links_received: 0 }, { legacyTable: false });
    expect(spring.findings).toEqual(["join_date 'last spring' is unreadable: the member is left out of draws; set it with /member add user join_date"]);
  });

  it('reads the old single table’s member shape', () => {
    const fiona = doc(single.items[0]);
    const report = checkMember(fiona, { legacyTable: true });
    expect(report.findings).toEqual([
      `guild_join_date (the old single table's) is read as the join date (${String(fiona.guild_join_date).slice(0, 10)}); left as is`,
      "discord_username (the old single table's) is read as username; left as is",
      "role 'admin' (the old single table's) is read as an officer; left as is",
    ]);
  });

  it('says the previous system’s attendance flags written as strings are read all the same, as they are', () => {
    const report = checkMember(
      { discord_id: '456', username: 'x', join_date: '2025-01-01', is_officer: false, links_received: 0, compensation_owed: 'true', weekly_boss_participation: 'false', omni_absence_count: '3' },
      { legacyTable: false },
    );
    expect(report.findings).toEqual([
      "weekly_boss_participation 'false' is not a boolean (read all the same); left as is",
      "omni_absence_count '3' is not a number (read all the same); left as is",
      "compensation_owed 'true' is not a boolean (read all the same); left as is",
    ]);
  });

  it('tells a link-history item from a member, and says how to import it', () => {
    const report = checkMember(doc(single.items[3]), { legacyTable: true });
    expect(report.kind).toBe('other');
    expect(report.label).toBe(`link-history item under ${single.linkHistory[0].discordId} (ivan)`);
    expect(report.findings[0]).toContain('npm run migrate:legacy imports it as an award, then add them with /member add');
  });

  it('finds nothing in a member FlavaFlav wrote', () => {
    const report = checkMember({ discord_id: '789', username: 'z', join_date: '2025-01-01', is_officer: false, added_by: '1', added_date: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z', links_received: 0 }, { legacyTable: false });
    expect(report.findings).toEqual([]);
  });

  it('words missing counters from history, and a kept count that disagrees with it', () => {
    const derived = { ...emptyCounters(), links_received: 3, last_link_at: '2026-02-23T19:45:17.123Z' };
    expect(missingCountersFinding(derived)).toBe('no links_received / last_link_at (derived from history until fixed: 3 standing awards, last 2026-02-23)');
    expect(missingCountersFinding(emptyCounters())).toBe('no links_received / last_link_at (derived from history until fixed: 0 standing awards)');
    expect(counterDrift({ ...emptyCounters(), links_received: 0 }, { ...emptyCounters(), links_received: 1 })).toContain('links_received is 0 but their history holds 1 standing award; left as is');
    expect(counterDrift(derived, derived)).toBeUndefined();
  });
});

describe('check:data on links and lists', () => {
  it('reports a link handed out without saying by which award; an available one fits', () => {
    const handedOut = doc(head.inventory.find((l) => l.is_available.S === 'false')!);
    expect(checkLink(handedOut).findings).toEqual([
      'handed out without distribution_id (the previous system did not record which award); reverting its award still takes it back; left as is',
    ]);
    expect(checkLink(doc(head.inventory.find((l) => l.is_available.S === 'true')!)).findings).toEqual([]);
  });

  it('reports a flag no index can hold, and ids Discord cannot carry', () => {
    const report = checkLink({ link_id: 'gold_Damage on Ships_1', link_type: 'Damage on Ships', quality: 'gold', is_available: true });
    expect(report.findings.join('\n')).toContain('is_available true is not the string "true" or "false": the link is in no stock index');
    expect(report.findings.join('\n')).toContain('its id is not {quality}_{type}_{suffix} (commands carry it in a safe form: `~');
  });

  it('reports lists whose flag or member lists cannot be used', () => {
    const report = checkList({ list_id: 'list_20250101', list_name: 'Gold', quality: 'gold', is_active: true, eligible_members: ['1'] });
    expect(report.label).toBe('list list_20250101 (Gold)');
    expect(report.findings).toEqual([
      'is_active true is not the string "true" or "false": the list is in no index, so /list and /distribute do not see it as active; left as is',
      'eligible_members is a list, not a string set: adding, removing and serving members fails; left as is',
    ]);
    expect(checkList({ list_id: 'l', list_name: 'Gold', quality: 'gold', is_active: 'true', eligible_members: new Set(['1']) }).findings).toEqual([]);
  });
});

describe('checkDrawItem: what a draw keeps beside its record', () => {
  it('passes a pool item and an open-draw marker the bot writes, and reports one past its bound', () => {
    expect(checkDrawItem({ distribution_id: '#pool#dist_a#0', draw_id: 'dist_a', chunk: 0, pool: ['1', '2'], wanting: [] })).toEqual({ label: 'pool item #pool#dist_a#0', findings: [] });
    expect(checkDrawItem({ distribution_id: '#open#03', open_draws: new Set(['dist_a']) })).toEqual({ label: 'open-draw marker #open#03', findings: [] });
    expect(checkDrawItem({ distribution_id: '#pool#dist_a#1', draw_id: 'dist_b', pool: Array.from({ length: POOL_CHUNK + 1 }, (_, i) => String(i)) })?.findings).toHaveLength(2);
    expect(checkDrawItem({ distribution_id: '#open#04', open_draws: new Set(Array.from({ length: OPEN_PER_SHARD + 1 }, (_, i) => `dist_${i}`)) })?.findings).toHaveLength(1);
    expect(checkDrawItem({ distribution_id: '#history' })).toBeUndefined();
  });
});
