import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../../src/config';
import { startEmbeddedDynamo } from '../../src/db/embedded';
import { openStorage } from '../../src/db/storage';

describe('embedded DynamoDB (no endpoint, no region)', () => {
  it('starts DynamoDB Local, creates the tables under DATA_DIR, and finds them again after a restart', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flavaflav-data-'));
    try {
      const config = loadConfig({ DATA_DIR: dataDir, FLAVAFLAV_ENV: 'embedded' });
      expect(config.dynamo.mode).toBe('embedded');
      const first = await openStorage(config);
      expect(first.tables?.created).toHaveLength(4);
      expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await first.close();
      expect(() => process.kill(first.embedded!.pid, 0)).toThrow();

      const second = await openStorage(config);
      expect(second.tables).toEqual({ created: [], existing: Object.values(config.tables) });
      const { TableNames } = await second.client.send(new ListTablesCommand({}));
      expect(TableNames?.sort()).toEqual(Object.values(config.tables).sort());
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('says in one line what to install when Java is missing', async () => {
    await expect(startEmbeddedDynamo({ javaCommand: '/nonexistent/bin/java' })).rejects.toThrow(
      /needs Java 17 or newer on PATH.*set DYNAMODB_ENDPOINT or AWS_REGION/,
    );
  });
});
