import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableKind } from '../db/schema';
import { systemClock, type Clock } from '../domain/clock';
import { AwardsService } from './awards';
import { DistributionsService } from './distributions';
import { InventoryService } from './inventory';
import { ListsService } from './lists';
import { MembersService } from './members';

export interface Services {
  members: MembersService;
  inventory: InventoryService;
  distributions: DistributionsService;
  lists: ListsService;
  awards: AwardsService;
}

export function createServices(db: DynamoDBDocumentClient, tables: Record<TableKind, string>, clock: Clock = systemClock): Services {
  const members = new MembersService(db, tables.members, clock);
  const inventory = new InventoryService(db, tables.inventory, clock);
  const distributions = new DistributionsService(db, tables.distributions, clock);
  const lists = new ListsService(db, tables.lists, clock);
  return { members, inventory, distributions, lists, awards: new AwardsService(db, { members, inventory, distributions, lists }, clock) };
}
