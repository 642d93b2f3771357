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
});
