/**
 * The dashboard's place in the process: off with one log line naming the missing variable (the
 * bot runs as before), on with all of them, and closed by the app's shutdown.
 */
import { startHarness, opt } from '../support/harness';
import { WebClient } from '../support/web';

const messages = (lines: string[]) => lines.map((l) => JSON.parse(l)).filter((e) => /web dashboard/.test(e.msg));

describe('the web dashboard in the process', () => {
  it.each([
    [{}, 'web dashboard off: PUBLIC_URL is not set'],
    [{ PUBLIC_URL: 'https://links.example.org', DISCORD_CLIENT_SECRET: 'client-secret' }, 'web dashboard off: SESSION_SECRET is not set'],
    [{ WEB_PORT: '0', PUBLIC_URL: 'https://links.example.org', DISCORD_CLIENT_SECRET: 'c', SESSION_SECRET: 'k3Vq9sZ1xW7bN0pL5tR8yU2hJ4gF6dMa' }, 'web dashboard off: WEB_PORT is 0'],
  ])('stays off with %p, says why in one line, and the bot still answers', async (env, line) => {
    const logLines: string[] = [];
    const h = await startHarness({ env: { ...env, LOG_LEVEL: 'info' }, logLines });
    try {
      expect(h.app.web).toBeUndefined();
      expect(messages(logLines).map((e) => e.msg)).toEqual([line]);
      expect(logLines.join('\n')).not.toContain('s'.repeat(40));
      const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', h.alice.id)]);
      expect(answer.text).toContain('Added to the roster');
    } finally {
      await h.stop();
    }
  });

  it('listens when configured, and stops answering once the app has shut down', async () => {
    const logLines: string[] = [];
    const h = await startHarness({ web: true, env: { LOG_LEVEL: 'info' }, logLines });
    const client = new WebClient(h.webUrl!);
    expect(h.app.web?.port).toBe(Number(new URL(h.webUrl!).port));
    expect(messages(logLines)).toEqual([expect.objectContaining({ msg: 'web dashboard listening', port: h.app.web!.port, url: h.webUrl })]);
    expect((await client.get('/healthz')).status).toBe(200);
    await h.stop();
    await expect(client.get('/healthz')).rejects.toThrow();
  });
});
