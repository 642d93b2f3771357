import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeTableCommand, type DescribeTableCommandOutput } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';
import { TEMPLATE_PATH, renderTemplate } from '../../src/db/cloudformation';
import { createDynamoClients } from '../../src/db/client';
import { BOT_OPERATIONS } from '../../src/db/monitoring';
import { TABLES, TABLE_KINDS } from '../../src/db/schema';
import { createMissingTables } from '../../src/db/tables';
import { tableNamesFor, testEndpoint } from '../support/dynamo';

/** The four tables (docs/architecture.md), written out by hand: the schema is checked against the contract, not itself. */
const CONTRACT = {
  members: { key: 'discord_id', indexes: {} },
  inventory: {
    key: 'link_id',
    indexes: { 'availability-quality-index': ['is_available', 'quality'], 'type-quality-index': ['link_type', 'quality'] },
  },
  distributions: {
    key: 'distribution_id',
    indexes: { 'member-date-index': ['member_id', 'distributed_at'], 'date-index': ['distribution_date', 'distributed_at'] },
  },
  lists: { key: 'list_id', indexes: { 'active-quality-index': ['is_active', 'quality'] } },
} as const;

function shapeOf(output: DescribeTableCommandOutput) {
  const table = output.Table!;
  return {
    key: table.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`),
    types: Object.fromEntries((table.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType])),
    billing: table.BillingModeSummary?.BillingMode,
    status: table.TableStatus,
    indexes: Object.fromEntries(
      (table.GlobalSecondaryIndexes ?? []).map((i) => [
        i.IndexName,
        { key: i.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`), projection: i.Projection?.ProjectionType },
      ]),
    ),
  };
}

describe('tables:create', () => {
  const { client } = createDynamoClients({ endpoint: testEndpoint(), region: 'us-east-1' });
  afterAll(() => client.destroy());

  it('creates the four tables exactly as the production deployment fixes them, then creates nothing on a second run', async () => {
    const names = tableNamesFor('tablestest');
    const first = await createMissingTables(client, names);
    expect(first.created.sort()).toEqual(Object.values(names).sort());
    expect(first.existing).toEqual([]);

    for (const kind of TABLE_KINDS) {
      const contract = CONTRACT[kind];
      const shape = shapeOf(await client.send(new DescribeTableCommand({ TableName: names[kind] })));
      expect(shape.status).toBe('ACTIVE');
      expect(shape.billing).toBe('PAY_PER_REQUEST');
      expect(shape.key).toEqual([`${contract.key}:HASH`]);
      const expectedIndexes = Object.fromEntries(
        Object.entries(contract.indexes).map(([name, [hash, range]]) => [
          name,
          { key: [`${hash}:HASH`, `${range}:RANGE`], projection: 'ALL' },
        ]),
      );
      expect(shape.indexes).toEqual(expectedIndexes);
      const keyNames = [contract.key, ...Object.values(contract.indexes).flat()];
      expect(shape.types).toEqual(Object.fromEntries(keyNames.map((n) => [n, 'S'])));
    }

    const second = await createMissingTables(client, names);
    expect(second.created).toEqual([]);
    expect(second.existing.sort()).toEqual(Object.values(names).sort());
  });

  it('leaves the legacy members table alone when told to skip it', async () => {
    const names = tableNamesFor('legacyskip');
    const report = await createMissingTables(client, names, { skip: ['members'] });
    expect(report.created).not.toContain(names.members);
    expect(report.created).toHaveLength(3);
  });
});

describe('CloudFormation template', () => {
  const committed = readFileSync(path.join(__dirname, '..', '..', TEMPLATE_PATH), 'utf8');
  const template = parse(committed);

  it('is exactly what the schema module generates (run `npm run cfn` after changing the schema)', () => {
    expect(committed).toBe(renderTemplate());
  });

  it('defines the four tables with their indexes, PITR, encryption and Retain policies', () => {
    for (const kind of TABLE_KINDS) {
      const resource = template.Resources[TABLES[kind].logicalId];
      expect(resource.Type).toBe('AWS::DynamoDB::Table');
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
      expect(resource.Properties.TableName).toEqual({ 'Fn::Sub': `flavaflav-${kind}-\${Environment}` });
      expect(resource.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(resource.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(resource.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      const indexNames = (resource.Properties.GlobalSecondaryIndexes ?? []).map((i: { IndexName: string }) => i.IndexName);
      expect(indexNames.sort()).toEqual(Object.keys(CONTRACT[kind].indexes).sort());
      expect(template.Outputs[`${TABLES[kind].logicalId}Name`].Value).toEqual({ Ref: TABLES[kind].logicalId });
    }
    expect(template.Parameters.Environment.Default).toBe('dev');
  });

  it('grants the bot only item, query and scan actions on its own tables and indexes', () => {
    const policy = template.Resources.BotPolicy;
    expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
    const statements = policy.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown[] }[];
    const actions = statements.flatMap((s) => s.Action);
    expect(actions.every((a) => a.startsWith('dynamodb:'))).toBe(true);
    expect(actions).not.toContain('dynamodb:*');
    expect(actions).not.toContain('dynamodb:DeleteTable');
    expect(actions).not.toContain('dynamodb:CreateTable');
    const resources = JSON.stringify(statements.map((s) => s.Resource));
    expect(resources).not.toContain('"*"');
    for (const kind of TABLE_KINDS) expect(resources).toContain(TABLES[kind].logicalId);
  });

  it('alarms on throttled requests and system errors of every table, summed over every operation the bot uses', () => {
    const policyActions = (template.Resources.BotPolicy.Properties.PolicyDocument.Statement as { Action: string[] }[]).flatMap((s) => s.Action);
    const itemActions = ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan'];
    // The alarms watch what the bot may do (transactions are authorized item by item).
    expect(itemActions.every((a) => policyActions.includes(`dynamodb:${a}`))).toBe(true);
    expect([...BOT_OPERATIONS].sort()).toEqual([...itemActions, 'TransactWriteItems'].sort());
    expect(template.Parameters.AlarmTopicArn.Default).toBe('');
    expect(template.Conditions.HasAlarmTopic).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmTopicArn' }, ''] }] });

    for (const kind of TABLE_KINDS) {
      for (const [suffix, metric] of [['Throttle', 'ThrottledRequests'], ['SystemErrors', 'SystemErrors']]) {
        const alarm = template.Resources[`${TABLES[kind].logicalId}${suffix}Alarm`];
        expect(alarm.Type).toBe('AWS::CloudWatch::Alarm');
        const stats = alarm.Properties.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat);
        expect(stats.map((m: any) => m.MetricStat.Metric.Dimensions)).toEqual(
          BOT_OPERATIONS.map((operation) => [{ Name: 'TableName', Value: { Ref: TABLES[kind].logicalId } }, { Name: 'Operation', Value: operation }]),
        );
        expect(stats.every((m: any) => m.MetricStat.Metric.MetricName === metric && m.MetricStat.Stat === 'Sum' && m.ReturnData === false)).toBe(true);
        const shown = alarm.Properties.Metrics.filter((m: { ReturnData: boolean }) => m.ReturnData);
        expect(shown).toHaveLength(1);
        for (const m of stats) expect(shown[0].Expression).toContain(`FILL(${m.Id}, 0)`);
        expect(alarm.Properties).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, TreatMissingData: 'notBreaching' });
        expect(alarm.Properties.AlarmActions).toEqual({ 'Fn::If': ['HasAlarmTopic', [{ Ref: 'AlarmTopicArn' }], { Ref: 'AWS::NoValue' }] });
      }
    }
  });

  it('has a dashboard of the four tables whose every ${…} the template defines, and whose body is JSON once substituted', () => {
    const body: string = template.Resources.Dashboard.Properties.DashboardBody['Fn::Sub'];
    const names = [...body.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const [resource, attribute] = name.split('.');
      if (attribute) expect([resource, attribute, template.Resources[resource]?.Type]).toEqual([resource, 'Arn', 'AWS::CloudWatch::Alarm']);
      else expect(name in template.Parameters || name.startsWith('AWS::')).toBe(true);
    }
    const substituted = body
      .replace(/\$\{Environment\}/g, 'prod')
      .replace(/\$\{AWS::Region\}/g, 'eu-west-1')
      .replace(/\$\{(\w+)\.Arn\}/g, 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:$1');
    const widgets = JSON.parse(substituted).widgets as { type: string; properties: { metrics?: unknown[]; alarms?: string[]; region?: string } }[];
    expect(widgets[0].properties.alarms).toHaveLength(8);
    const graphs = widgets.filter((w) => w.type === 'metric');
    expect(graphs.length).toBeGreaterThanOrEqual(5);
    for (const graph of graphs) {
      expect(graph.properties.region).toBe('eu-west-1');
      for (const kind of TABLE_KINDS) expect(JSON.stringify(graph.properties.metrics)).toContain(`flavaflav-${kind}-prod`);
    }
  });
});
