/**
 * /healthz and /metrics on HEALTH_PORT. /healthz is 200 only while the gateway is connected and
 * DynamoDB answers a DescribeTable within a second; otherwise 503 with the reason.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Metrics } from './metrics';

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export interface HealthChecks {
  isGatewayConnected(): boolean;
  dynamo: DynamoDBClient;
  /** A table the bot uses; DescribeTable on it proves DynamoDB answers and the table exists. */
  probeTable: string;
  metrics: Metrics;
}

const PROBE_TIMEOUT_MS = 1_000;

export async function checkHealth(checks: HealthChecks): Promise<{ ok: boolean; gateway: string; dynamodb: string }> {
  const gateway = checks.isGatewayConnected() ? 'connected' : 'disconnected';
  let dynamodb = 'ok';
  try {
    await checks.dynamo.send(new DescribeTableCommand({ TableName: checks.probeTable }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (error) {
    const e = error as { name?: string; message?: string };
    dynamodb = e.name === 'AbortError' || e.name === 'TimeoutError' ? 'not answering' : `error: ${e.name ?? 'unknown'}`;
  }
  return { ok: gateway === 'connected' && dynamodb === 'ok', gateway, dynamodb };
}

export async function startHealthServer(port: number, checks: HealthChecks, host = '0.0.0.0'): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      void checkHealth(checks).then((health) => {
        res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ status: health.ok ? 'ok' : 'unavailable', gateway: health.gateway, dynamodb: health.dynamodb }));
      });
      return;
    }
    if (path === '/metrics') {
      checks.metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': checks.metrics.registry.contentType });
          res.end(text);
        })
        .catch(() => res.writeHead(500).end());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
