import { createLogger } from '../../src/logger';

describe('logs', () => {
  it('are JSON lines with secrets redacted wherever they sit', () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'info', prettyLogs: false }, { write: (l: string) => void lines.push(l) });
    logger.info({ token: 'abc.def.ghi', config: { discord: { token: 'abc.def.ghi' } }, headers: { authorization: 'Bot abc.def.ghi' } }, 'starting');
    logger.debug('not at info');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 30, msg: 'starting', app: 'flavaflav', token: '[redacted]' });
    expect(entry.config.discord.token).toBe('[redacted]');
    expect(lines[0]).not.toContain('abc.def.ghi');
  });

  it('never contain interaction tokens or webhook URLs, which Discord errors carry', () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'info', prettyLogs: false }, { write: (l: string) => void lines.push(l) });
    const token = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTpzZWNyZXQ';
    const error = Object.assign(new Error(`Unknown Webhook (PATCH /webhooks/123456789012345678/${token}/messages/@original)`), {
      url: `https://discord.com/api/v10/interactions/1234567890123456789/${token}/callback`,
      requestBody: { json: { content: 'hello' } },
    });
    logger.error({ err: error }, 'answer failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(token);
    const entry = JSON.parse(lines[0]);
    expect(entry.err.url).toBe('https://discord.com/api/v10/interactions/1234567890123456789/[redacted]/callback');
    expect(entry.err.message).toContain('/webhooks/123456789012345678/[redacted]/messages/@original');
  });

  it('redact the web dashboard’s secrets, session cookies and OAuth2 tokens', () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'info', prettyLogs: false }, { write: (l: string) => void lines.push(l) });
    logger.info(
      {
        config: { web: { clientSecret: 'client-secret-value', sessionSecret: 'session-secret-value-0123456789abcdef', port: 3000 } },
        req: { headers: { cookie: 'ff_session=signed-cookie-value' } },
        body: { client_secret: 'client-secret-value', access_token: 'bearer-token-value' },
      },
      'web',
    );
    const entry = JSON.parse(lines[0]);
    expect(entry.config.web).toEqual({ clientSecret: '[redacted]', sessionSecret: '[redacted]', port: 3000 });
    expect(entry.req.headers.cookie).toBe('[redacted]');
    expect(entry.body).toEqual({ client_secret: '[redacted]', access_token: '[redacted]' });
    expect(lines[0]).not.toMatch(/secret-value|cookie-value|bearer-token/);
  });
});
