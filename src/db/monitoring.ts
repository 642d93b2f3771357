/**
 * CloudWatch monitoring of the four tables for the generated template: two alarms per table
 * (throttled requests, system errors) and one dashboard. DynamoDB reports both alarm metrics per
 * table *and operation*, so each alarm sums the operations the bot performs with metric math.
 */
import { TABLES, TABLE_KINDS, type TableKind } from './schema';

type Json = Record<string, unknown>;

/** Every DynamoDB operation the bot sends to its tables (health checks aside). */
export const BOT_OPERATIONS = ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'TransactWriteItems'] as const;

const ALARM_TOPIC_PARAMETER = 'AlarmTopicArn';
const HAS_TOPIC = 'HasAlarmTopic';
const PERIOD = 300;

const sub = (text: string) => ({ 'Fn::Sub': text });
const ref = (name: string) => ({ Ref: name });

interface AlarmKind {
  suffix: string;
  metric: string;
  title: string;
  why: string;
}

const ALARMS: AlarmKind[] = [
  {
    suffix: 'Throttle',
    metric: 'ThrottledRequests',
    title: 'throttled',
    why: 'DynamoDB throttled requests: members see "try again" answers',
  },
  {
    suffix: 'SystemErrors',
    metric: 'SystemErrors',
    title: 'system-errors',
    why: 'DynamoDB failed requests with internal (5xx) errors',
  },
];

function alarmLogicalId(kind: TableKind, alarm: AlarmKind): string {
  return `${TABLES[kind].logicalId}${alarm.suffix}Alarm`;
}

function alarm(kind: TableKind, spec: AlarmKind): Json {
  const table = TABLES[kind];
  const metrics = BOT_OPERATIONS.map((operation, i) => ({
    Id: `m${i}`,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/DynamoDB',
        MetricName: spec.metric,
        Dimensions: [
          { Name: 'TableName', Value: ref(table.logicalId) },
          { Name: 'Operation', Value: operation },
        ],
      },
      Period: PERIOD,
      Stat: 'Sum',
    },
  }));
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: sub(`flavaflav-\${Environment}-${kind}-${spec.title}`),
      AlarmDescription: sub(`${spec.why} (table flavaflav-${kind}-\${Environment}, any of ${BOT_OPERATIONS.join(', ')}).`),
      Metrics: [
        ...metrics,
        // FILL: an operation with no data in the period counts as 0 instead of blanking the sum.
        { Id: 'total', Label: `${spec.metric} (sum of operations)`, ReturnData: true, Expression: `SUM([${metrics.map((m) => `FILL(${m.Id}, 0)`).join(', ')}])` },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      // No requests at all is a quiet guild, not a fault.
      TreatMissingData: 'notBreaching',
      AlarmActions: { 'Fn::If': [HAS_TOPIC, [ref(ALARM_TOPIC_PARAMETER)], ref('AWS::NoValue')] },
      OKActions: { 'Fn::If': [HAS_TOPIC, [ref(ALARM_TOPIC_PARAMETER)], ref('AWS::NoValue')] },
    },
  };
}

/** A graph with one line (or more) per table. */
function perTable(title: string, stat: string, metricsFor: (tableName: string, kind: TableKind) => unknown[]): Json {
  return {
    type: 'metric',
    width: 12,
    height: 6,
    properties: {
      title,
      region: '${AWS::Region}',
      stat,
      period: PERIOD,
      view: 'timeSeries',
      metrics: TABLE_KINDS.flatMap((kind) => metricsFor(`flavaflav-${kind}-\${Environment}`, kind)),
    },
  };
}

/** Per table, the metric of every operation folded into one line (`SUM`, or `MAX` for the worst). */
const searchAll = (metric: string, stat: string, fold: 'SUM' | 'MAX') => (tableName: string, kind: TableKind) => [
  [
    {
      expression: `${fold}(SEARCH('{AWS/DynamoDB,TableName,Operation} MetricName="${metric}" TableName="${tableName}"', '${stat}', ${PERIOD}))`,
      label: kind,
      id: `${metric.toLowerCase()}_${kind}`,
    },
  ],
];
const byTable = (metric: string) => (tableName: string, kind: TableKind) => [['AWS/DynamoDB', metric, 'TableName', tableName, { label: kind }]];

function dashboardBody(): string {
  const alarmArns = TABLE_KINDS.flatMap((kind) => ALARMS.map((a) => `\${${alarmLogicalId(kind, a)}.Arn}`));
  const widgets = [
    { type: 'alarm', width: 24, height: 3, properties: { title: 'FlavaFlav DynamoDB alarms', alarms: alarmArns } },
    perTable('Throttled requests (all operations)', 'Sum', searchAll('ThrottledRequests', 'Sum', 'SUM')),
    perTable('System errors (all operations)', 'Sum', searchAll('SystemErrors', 'Sum', 'SUM')),
    perTable('Consumed read capacity units', 'Sum', byTable('ConsumedReadCapacityUnits')),
    perTable('Consumed write capacity units', 'Sum', byTable('ConsumedWriteCapacityUnits')),
    // Failed conditions are races the bot resolved (two officers on one link), not errors.
    perTable('Failed conditions (races resolved)', 'Sum', byTable('ConditionalCheckFailedRequests')),
    perTable('Latency of the slowest operation, average (ms)', 'Average', searchAll('SuccessfulRequestLatency', 'Average', 'MAX')),
  ];
  return JSON.stringify({ widgets }, null, 1);
}

export function monitoringResources(): Json {
  const resources: Json = {};
  for (const kind of TABLE_KINDS) for (const spec of ALARMS) resources[alarmLogicalId(kind, spec)] = alarm(kind, spec);
  resources.Dashboard = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardName: sub('flavaflav-${Environment}'), DashboardBody: sub(dashboardBody()) },
  };
  return resources;
}

export const monitoringParameters: Json = {
  [ALARM_TOPIC_PARAMETER]: {
    Type: 'String',
    Default: '',
    Description: 'Optional SNS topic ARN told when an alarm fires or clears (empty: alarms only show in CloudWatch)',
  },
};

export const monitoringConditions: Json = {
  [HAS_TOPIC]: { 'Fn::Not': [{ 'Fn::Equals': [ref(ALARM_TOPIC_PARAMETER), ''] }] },
};

export const monitoringOutputs: Json = {
  DashboardName: { Description: 'CloudWatch dashboard of the four tables', Value: ref('Dashboard') },
};
