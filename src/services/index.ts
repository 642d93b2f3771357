import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';
import type { TableKind } from '../db/schema';
import { systemClock, type Clock } from '../domain/clock';
import { AwardsService } from './awards';
import { RecordChanges } from './changes';
import { DistributionsService } from './distributions';
import { DrawsService } from './draws';
import type { DrawSettings } from './draw-types';
import { EventsService } from './events';
import { DEFAULT_ATTENDANCE } from '../domain/attendance';
import { GuildService } from './guild';
import { InventoryService } from './inventory';
import { ListsService } from './lists';
import { MembersService } from './members';
import { RosterService } from './roster';
import { SessionVersions } from './sessions';
import { WantsService } from './wants';

export interface Services {
  members: MembersService;
  roster: RosterService;
  inventory: InventoryService;
  distributions: DistributionsService;
  lists: ListsService;
  draws: DrawsService;
  awards: AwardsService;
  wants: WantsService;
  /** Attendance events (docs/attendance.md). */
  events: EventsService;
  /** The guild's rules for changes, shared by the commands and the web dashboard. */
  guild: GuildService;
  /** The dashboard's session versions (sign-out across restarts), in the members table. */
  sessions: SessionVersions;
}

/** The default ranks and draw settings (docs/configuration.md), for callers without a configuration (scripts, tests). */
export const DEFAULT_DRAW_SETTINGS: DrawSettings = { ranks: { silverMinDays: 30, goldMinDays: 90 }, defaultPolicy: 'uniform', fairnessWindowDays: 180 };

export function drawSettingsOf(config: Pick<Config, 'ranks' | 'draws' | 'attendance'>): DrawSettings {
  return { ranks: config.ranks, defaultPolicy: config.draws.defaultPolicy, fairnessWindowDays: config.draws.fairnessWindowDays, attendance: config.attendance };
}

export function createServices(db: DynamoDBDocumentClient, tables: Record<TableKind, string>, clock: Clock = systemClock, settings: DrawSettings = DEFAULT_DRAW_SETTINGS): Services {
  const members = new MembersService(db, tables.members, clock);
  const inventory = new InventoryService(db, tables.inventory, clock);
  const distributions = new DistributionsService(db, tables.distributions, clock);
  const lists = new ListsService(db, tables.lists, clock);
  const roster = new RosterService(members, distributions);
  // One stream of record changes, whichever service made them, for the views that follow them.
  const changes = new RecordChanges();
  const draws = new DrawsService(db, { members, roster, inventory, lists, distributions }, settings, clock, changes);
  const awards = new AwardsService(db, { members, inventory, distributions, lists }, clock, changes);
  const events = new EventsService(db, tables.lists, members, settings.attendance ?? DEFAULT_ATTENDANCE, clock);
  const base = { members, roster, inventory, distributions, lists, draws, awards, events, wants: new WantsService(db, members, distributions.index, clock) };
  return { ...base, guild: new GuildService(base, settings.ranks, clock, settings.attendance ?? DEFAULT_ATTENDANCE), sessions: new SessionVersions(db, tables.members) };
}
