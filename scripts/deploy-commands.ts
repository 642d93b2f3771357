/** npm run commands:deploy — registers the slash commands in the guild without starting the bot. */
import { REST, Routes, type APIApplication } from 'discord.js';
import { COMMANDS } from '../commands';
import { ConfigError, loadConfigFromEnvironment } from '../src/config';
import { registerCommands } from '../src/bot/bot';

async function main(): Promise<void> {
  const config = loadConfigFromEnvironment({ requireDiscord: true });
  const rest = new REST(config.discord.apiBaseUrl ? { api: config.discord.apiBaseUrl } : {}).setToken(config.discord.token as string);
  const applicationId = config.discord.applicationId ?? ((await rest.get(Routes.currentApplication())) as APIApplication).id;
  const count = await registerCommands(rest, applicationId, config.discord.guildId as string, COMMANDS);
  console.log(`registered ${count} commands (${COMMANDS.map((c) => `/${c.name}`).join(', ')}) in guild ${config.discord.guildId}`);
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : `commands:deploy failed: ${error.message}`);
  process.exit(1);
});
