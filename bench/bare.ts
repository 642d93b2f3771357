/**
 * The baseline: a bare discord.js client, built as the bot builds its client, that answers every
 * interaction with exactly one GetItem and an ephemeral reply. It runs against its own emulator
 * (two clients on one emulator would both answer) and the same DynamoDB Local, through the same
 * meter, in the same process and run as the bot, so the ratio of the two is what FlavaFlav adds.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Events, MessageFlags } from 'discord.js';
import { createClient } from '../src/bot/bot';
import type { Config } from '../src/config';
import { createDynamoClients } from '../src/db/client';

export interface BareClient {
  inFlight(): number;
  stop(): Promise<void>;
}

export async function startBareClient(options: { apiBaseUrl: string; token: string; dynamoEndpoint: string; membersTable: string }): Promise<BareClient> {
  const client = createClient({ discord: { apiBaseUrl: options.apiBaseUrl } } as Config);
  const { client: dynamo, db } = createDynamoClients({ endpoint: options.dynamoEndpoint, region: 'us-east-1' });
  let inFlight = 0;
  client.on(Events.InteractionCreate, (interaction) => {
    if (!interaction.isChatInputCommand()) return;
    inFlight++;
    void (async () => {
      const { Item } = await db.send(new GetCommand({ TableName: options.membersTable, Key: { discord_id: interaction.user.id } }));
      await interaction.reply({ content: Item ? 'On the roster.' : 'Not on the roster.', flags: MessageFlags.Ephemeral });
    })()
      .catch(() => undefined)
      .finally(() => inFlight--);
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(options.token);
  await ready;
  return {
    inFlight: () => inFlight,
    async stop() {
      await client.destroy();
      dynamo.destroy();
    },
  };
}
