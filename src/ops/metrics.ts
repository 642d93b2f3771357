/** Prometheus metrics (prom-client): interactions, latency, DynamoDB errors and conflicts, gateway. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How an interaction ended, as the router reports it. */
export type Outcome = 'ok' | 'user_error' | 'refused' | 'db_unavailable' | 'error';

export interface InteractionReport {
  command: string;
  kind: 'command' | 'button' | 'select' | 'autocomplete';
  outcome: Outcome;
  userId: string;
  ms: number;
}

export interface Metrics {
  registry: Registry;
  recordInteraction(report: InteractionReport): void;
  recordDynamoFailure(operation: string, errorName: string): void;
  setGatewayConnected(connected: boolean): void;
}

/** Failures that are a condition or transaction conflict, not an outage. */
const CONFLICTS = new Set(['ConditionalCheckFailedException', 'TransactionCanceledException', 'TransactionConflictException']);

export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'flavaflav_' });

  const interactions = new Counter({
    name: 'flavaflav_interactions_total',
    help: 'Interactions handled, by command, kind and outcome',
    labelNames: ['command', 'kind', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'flavaflav_interaction_duration_seconds',
    help: 'Time from receiving an interaction to finishing its answer',
    labelNames: ['kind'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
    registers: [registry],
  });
  const dynamoErrors = new Counter({
    name: 'flavaflav_dynamodb_errors_total',
    help: 'DynamoDB requests that failed (conflicts excluded), by operation and error',
    labelNames: ['operation', 'error'] as const,
    registers: [registry],
  });
  const dynamoConflicts = new Counter({
    name: 'flavaflav_dynamodb_conflicts_total',
    help: 'DynamoDB conditional checks and transactions refused because the data changed, by operation',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  const gateway = new Gauge({ name: 'flavaflav_gateway_connected', help: '1 while the Discord gateway is connected', registers: [registry] });

  return {
    registry,
    recordInteraction(r) {
      interactions.inc({ command: r.command, kind: r.kind, outcome: r.outcome });
      latency.observe({ kind: r.kind }, r.ms / 1000);
    },
    recordDynamoFailure(operation, errorName) {
      if (CONFLICTS.has(errorName)) dynamoConflicts.inc({ operation });
      else dynamoErrors.inc({ operation, error: errorName || 'Error' });
    },
    setGatewayConnected(connected) {
      gateway.set(connected ? 1 : 0);
    },
  };
}
