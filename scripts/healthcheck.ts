/**
 * The container's HEALTHCHECK: exits 0 when the bot's /healthz on HEALTH_PORT answers 200, 1
 * otherwise, printing the reason (Docker keeps it in `docker inspect`). Needs no curl in the image.
 */
import { ConfigError, loadConfigFromEnvironment } from '../src/config';

const TIMEOUT_MS = 4_000;

async function main(): Promise<number> {
  const { healthPort } = loadConfigFromEnvironment();
  if (healthPort === 0) {
    console.error('unhealthy: HEALTH_PORT is 0, so the health server is off');
    return 1;
  }
  try {
    const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await res.text()).trim();
    if (res.status === 200) {
      console.log(body);
      return 0;
    }
    console.error(`unhealthy: /healthz answered ${res.status} ${body}`);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    console.error(`unhealthy: /healthz on port ${healthPort} did not answer (${e.cause?.code ?? e.cause?.message ?? e.message})`);
  }
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error instanceof ConfigError ? `unhealthy: configuration error: ${error.message}` : `unhealthy: ${error.message}`);
    process.exit(1);
  },
);
