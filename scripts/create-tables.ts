/** npm run tables:create — creates the missing FlavaFlav tables at the configured DynamoDB. */
import { loadConfigFromEnvironment, ConfigError } from '../src/config';
import { createDynamoClients } from '../src/db/client';
import { createMissingTables } from '../src/db/tables';

async function main(): Promise<void> {
  const config = loadConfigFromEnvironment();
  if (config.dynamo.mode === 'embedded') {
    throw new ConfigError('DYNAMODB_ENDPOINT or AWS_REGION must be set: say which DynamoDB to create the tables in');
  }
  const { client } = createDynamoClients({ endpoint: config.dynamo.endpoint, region: config.dynamo.region });
  try {
    const report = await createMissingTables(client, config.tables, {
      skip: config.membersInLegacyTable ? ['members'] : [],
    });
    for (const name of report.created) console.log(`created  ${name}`);
    for (const name of report.existing) console.log(`exists   ${name}`);
    console.log(`${report.created.length} created, ${report.existing.length} already existed`);
  } finally {
    client.destroy();
  }
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : `tables:create failed: ${error.message}`);
  process.exit(1);
});
