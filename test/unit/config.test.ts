import { ConfigError, loadConfig } from '../../src/config';

const guild = '123456789012345678';

describe('configuration', () => {
  it('defaults table names from FLAVAFLAV_ENV and uses the embedded database without a target', () => {
    const config = loadConfig({ FLAVAFLAV_ENV: 'prod' });
    expect(config.tables).toEqual({
      members: 'flavaflav-members-prod',
      inventory: 'flavaflav-inventory-prod',
      distributions: 'flavaflav-distributions-prod',
      lists: 'flavaflav-lists-prod',
    });
    expect(config.dynamo.mode).toBe('embedded');
    expect(config.dynamo.createTables).toBe(true);
    expect(config.ranks).toEqual({ silverMinDays: 30, goldMinDays: 90 });
    expect(config.healthPort).toBe(8080);
    expect(loadConfig({}).env).toBe('dev');
  });

  it('reads members from the legacy table only when the members table is unset', () => {
    const legacy = loadConfig({ DYNAMODB_TABLE: 'flavaflav-users-prod' });
    expect(legacy.tables.members).toBe('flavaflav-users-prod');
    expect(legacy.membersInLegacyTable).toBe(true);
    const both = loadConfig({ DYNAMODB_TABLE: 'flavaflav-users-prod', DYNAMODB_MEMBERS_TABLE: 'm-table' });
    expect(both.tables.members).toBe('m-table');
    expect(both.membersInLegacyTable).toBe(false);
  });

  it('does not create tables on real AWS unless asked', () => {
    expect(loadConfig({ AWS_REGION: 'eu-west-1' }).dynamo).toMatchObject({ mode: 'aws', createTables: false, endpoint: undefined });
    expect(loadConfig({ AWS_REGION: 'eu-west-1', DYNAMODB_CREATE_TABLES: 'true' }).dynamo.createTables).toBe(true);
    expect(loadConfig({ DYNAMODB_ENDPOINT: 'http://localhost:8000' }).dynamo).toMatchObject({ mode: 'endpoint', createTables: true });
  });

  it('parses lists, booleans and numbers', () => {
    const config = loadConfig({
      OFFICER_ROLE_IDS: ' 111111111111111111, 222222222222222222 ',
      DISCORD_REGISTER_COMMANDS: 'false',
      SILVER_MIN_DAYS: '10',
      GOLD_MIN_DAYS: '20',
      HEALTH_PORT: '0',
      DISCORD_API_BASE_URL: 'http://127.0.0.1:9999/api/',
    });
    expect(config.discord.officerRoleIds).toEqual(['111111111111111111', '222222222222222222']);
    expect(config.discord.registerCommands).toBe(false);
    expect(config.ranks).toEqual({ silverMinDays: 10, goldMinDays: 20 });
    expect(config.healthPort).toBe(0);
    expect(config.discord.apiBaseUrl).toBe('http://127.0.0.1:9999/api');
  });

  it.each([
    [{ SILVER_MIN_DAYS: 'thirty' }, /^SILVER_MIN_DAYS must be a whole number/],
    [{ HEALTH_PORT: '70000' }, /^HEALTH_PORT must be a whole number from 0 to 65535/],
    [{ DISCORD_GUILD_ID: 'my-guild' }, /^DISCORD_GUILD_ID must be a Discord id/],
    [{ OFFICER_ROLE_IDS: '123,abc' }, /^OFFICER_ROLE_IDS must be comma-separated Discord role ids/],
    [{ DYNAMODB_ENDPOINT: 'localhost:8000' }, /^DYNAMODB_ENDPOINT must be an http\(s\) URL/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ DISCORD_REGISTER_COMMANDS: 'maybe' }, /^DISCORD_REGISTER_COMMANDS must be true or false/],
    [{ AWS_REGION: 'moon' }, /^AWS_REGION must be an AWS region/],
    [{ SILVER_MIN_DAYS: '100', GOLD_MIN_DAYS: '50' }, /^GOLD_MIN_DAYS must be at least SILVER_MIN_DAYS/],
  ])('refuses %p with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('requires the token and guild for the bot, and never echoes the token', () => {
    expect(() => loadConfig({ DISCORD_GUILD_ID: guild }, { requireDiscord: true })).toThrow(/^DISCORD_TOKEN is required/);
    expect(() => loadConfig({ DISCORD_TOKEN: 'secret' }, { requireDiscord: true })).toThrow(/^DISCORD_GUILD_ID is required/);
    expect(loadConfig({ DISCORD_TOKEN: 'secret', DISCORD_GUILD_ID: guild }, { requireDiscord: true }).discord.token).toBe('secret');
  });
});
