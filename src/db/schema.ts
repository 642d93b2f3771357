/**
 * The one description of FlavaFlav's four tables. Table creation, the CloudFormation template and
 * the tests all read it; the shapes are fixed by the production deployment (docs/architecture.md,
 * "The four tables").
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export type TableKind = 'members' | 'inventory' | 'distributions' | 'lists';
export const TABLE_KINDS: readonly TableKind[] = ['members', 'inventory', 'distributions', 'lists'];

/** The tables' index names: the one place they are written (the services import them). */
export const AVAILABILITY_QUALITY_INDEX = 'availability-quality-index';
export const TYPE_QUALITY_INDEX = 'type-quality-index';
export const MEMBER_DATE_INDEX = 'member-date-index';
export const DATE_INDEX = 'date-index';
export const ACTIVE_QUALITY_INDEX = 'active-quality-index';

export interface IndexSchema {
  name: string;
  hashKey: string;
  rangeKey: string;
}

export interface TableSchema {
  kind: TableKind;
  /** Environment variable that overrides the table's name. */
  envVar: string;
  /** CloudFormation logical id of the table. */
  logicalId: string;
  hashKey: string;
  indexes: IndexSchema[];
}

export const TABLES: Record<TableKind, TableSchema> = {
  members: {
    kind: 'members',
    envVar: 'DYNAMODB_MEMBERS_TABLE',
    logicalId: 'MembersTable',
    hashKey: 'discord_id',
    indexes: [],
  },
  inventory: {
    kind: 'inventory',
    envVar: 'DYNAMODB_INVENTORY_TABLE',
    logicalId: 'InventoryTable',
    hashKey: 'link_id',
    indexes: [
      { name: AVAILABILITY_QUALITY_INDEX, hashKey: 'is_available', rangeKey: 'quality' },
      { name: TYPE_QUALITY_INDEX, hashKey: 'link_type', rangeKey: 'quality' },
    ],
  },
  distributions: {
    kind: 'distributions',
    envVar: 'DYNAMODB_DISTRIBUTIONS_TABLE',
    logicalId: 'DistributionsTable',
    hashKey: 'distribution_id',
    indexes: [
      { name: MEMBER_DATE_INDEX, hashKey: 'member_id', rangeKey: 'distributed_at' },
      { name: DATE_INDEX, hashKey: 'distribution_date', rangeKey: 'distributed_at' },
    ],
  },
  lists: {
    kind: 'lists',
    envVar: 'DYNAMODB_LISTS_TABLE',
    logicalId: 'ListsTable',
    hashKey: 'list_id',
    indexes: [{ name: ACTIVE_QUALITY_INDEX, hashKey: 'is_active', rangeKey: 'quality' }],
  },
};

/** Every key attribute of a table or its indexes; all are strings (S). */
export function keyAttributes(table: TableSchema): string[] {
  const names = [table.hashKey, ...table.indexes.flatMap((i) => [i.hashKey, i.rangeKey])];
  return [...new Set(names)];
}

export function createTableInput(table: TableSchema, tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes(table).map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: table.hashKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: table.indexes.length
      ? table.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.hashKey, KeyType: 'HASH' },
            { AttributeName: index.rangeKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }))
      : undefined,
  };
}

// Each kind of item the tables hold, declared once: src/db/entities.ts (and src/db/entity.ts, what a declaration gives).
export * from './entities';
export { readItem, writeItem, type Entity, type Read, type Stored, type Writable } from './entity';
