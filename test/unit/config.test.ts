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
    [{ WEB_PORT: 'web' }, /^WEB_PORT must be a whole number from 0 to 65535 \(got "web"\)$/],
    [{ PUBLIC_URL: 'links.example.org' }, /^PUBLIC_URL must be an http\(s\) origin such as https:\/\/links.example.org \(no path\)/],
    [{ PUBLIC_URL: 'https://example.org/flavaflav' }, /^PUBLIC_URL must be an http\(s\) origin/],
    [{ PUBLIC_URL: 'https://example.org?x=1' }, /^PUBLIC_URL must be an http\(s\) origin/],
    [{ PUBLIC_URL: 'ftp://example.org' }, /^PUBLIC_URL must be an http\(s\) origin/],
    [{ SESSION_SECRET: 'too-short' }, /^SESSION_SECRET must be at least 32 characters/],
  ])('refuses %p with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('requires the token and guild for the bot, and never echoes the token', () => {
    expect(() => loadConfig({ DISCORD_GUILD_ID: guild }, { requireDiscord: true })).toThrow(/^DISCORD_TOKEN is required/);
    expect(() => loadConfig({ DISCORD_TOKEN: 'secret' }, { requireDiscord: true })).toThrow(/^DISCORD_GUILD_ID is required/);
    expect(loadConfig({ DISCORD_TOKEN: 'secret', DISCORD_GUILD_ID: guild }, { requireDiscord: true }).discord.token).toBe('secret');
  });

  describe('the web dashboard', () => {
    const complete = {
      PUBLIC_URL: 'https://links.example.org/',
      DISCORD_CLIENT_SECRET: 'client-secret',
      SESSION_SECRET: 'k3Vq9sZ1xW7bN0pL5tR8yU2hJ4gF6dMa',
    };

    it('is on with a port and all three of its variables, on port 3000 by default', () => {
      expect(loadConfig(complete).web).toEqual({
        port: 3000,
        publicUrl: 'https://links.example.org',
        clientSecret: 'client-secret',
        sessionSecret: complete.SESSION_SECRET,
        host: '0.0.0.0',
        trustProxy: ['loopback'],
        enabled: true,
      });
      expect(loadConfig({ ...complete, WEB_PORT: '8443', PUBLIC_URL: 'http://127.0.0.1:8443' }).web).toMatchObject({ port: 8443, publicUrl: 'http://127.0.0.1:8443', enabled: true });
    });

    it('is off with WEB_PORT 0, and names the first of its variables that is missing', () => {
      expect(loadConfig({ ...complete, WEB_PORT: '0' }).web).toMatchObject({ port: 0, enabled: false });
      expect(loadConfig({ ...complete, WEB_PORT: '0' }).web.missing).toBeUndefined();
      expect(loadConfig({}).web).toMatchObject({ enabled: false, missing: 'PUBLIC_URL' });
      expect(loadConfig({ ...complete, PUBLIC_URL: ' ' }).web).toMatchObject({ enabled: false, missing: 'PUBLIC_URL' });
      expect(loadConfig({ ...complete, DISCORD_CLIENT_SECRET: '' }).web).toMatchObject({ enabled: false, missing: 'DISCORD_CLIENT_SECRET' });
      expect(loadConfig({ ...complete, SESSION_SECRET: '' }).web).toMatchObject({ enabled: false, missing: 'SESSION_SECRET' });
    });

    it('refuses a guessable SESSION_SECRET: long enough but with too few distinct characters', () => {
      for (const guessable of ['a'.repeat(48), 'ab'.repeat(24), '0123456789'.repeat(4).slice(0, 36).replace(/[5-9]/g, '0')]) {
        expect(() => loadConfig({ ...complete, SESSION_SECRET: guessable })).toThrow(/^SESSION_SECRET is guessable: it has fewer than 10 distinct characters/);
      }
      expect(loadConfig({ ...complete, SESSION_SECRET: 'abcdefghij'.repeat(4) }).web.enabled).toBe(true);
    });

    it('refuses an http:// PUBLIC_URL for a host other than this machine, unless ALLOW_INSECURE_PUBLIC_URL=true', () => {
      expect(() => loadConfig({ ...complete, PUBLIC_URL: 'http://links.example.org' })).toThrow(/^PUBLIC_URL must be https:\/\/ for a host other than this machine/);
      expect(() => loadConfig({ ...complete, PUBLIC_URL: 'http://10.0.0.5:3000' })).toThrow(/^PUBLIC_URL must be https/);
      expect(loadConfig({ ...complete, PUBLIC_URL: 'http://links.example.org', ALLOW_INSECURE_PUBLIC_URL: 'true' }).web.publicUrl).toBe('http://links.example.org');
      for (const local of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) expect(loadConfig({ ...complete, PUBLIC_URL: local }).web.enabled).toBe(true);
    });

    it('reads TRUST_PROXY (loopback only by default; none; addresses, ranges and keywords) and WEB_HOST', () => {
      expect(loadConfig({ ...complete, TRUST_PROXY: 'none' }).web.trustProxy).toBe(false);
      expect(loadConfig({ ...complete, TRUST_PROXY: '10.0.0.5, 172.16.0.0/12,uniquelocal,::1' }).web.trustProxy).toEqual(['10.0.0.5', '172.16.0.0/12', 'uniquelocal', '::1']);
      for (const bad of ['true', '*', '10.0.0.0/33', 'proxy.example.org', '10.0.0.5/8/1']) {
        expect(() => loadConfig({ ...complete, TRUST_PROXY: bad })).toThrow(/^TRUST_PROXY must be none, or comma-separated addresses/);
      }
      expect(loadConfig({ ...complete, WEB_HOST: '127.0.0.1' }).web.host).toBe('127.0.0.1');
      expect(() => loadConfig({ ...complete, WEB_HOST: 'every interface' })).toThrow(/^WEB_HOST must be an IP address to bind/);
    });

    it('never echoes its secrets in an error', () => {
      const secret = 'short-secret-value';
      expect(() => loadConfig({ SESSION_SECRET: secret })).toThrow(/^SESSION_SECRET must be at least 32 characters[^"]*$/);
      try {
        loadConfig({ SESSION_SECRET: secret });
      } catch (error) {
        expect(String(error)).not.toContain(secret);
      }
    });
  });
});
