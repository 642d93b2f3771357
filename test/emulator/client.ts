/**
 * A bare bot for the emulator's own tests: a gateway client that identifies (so interactions can
 * be dispatched) and plain fetch for REST. No discord.js app, no DynamoDB.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { DiscordEmulator, manualClock, nextSnowflake, type ManualClock } from '../support/discord-emulator';

export const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAw.emulator-test.not-a-secret';

export interface Rig {
  emulator: DiscordEmulator;
  clock: ManualClock;
  /** Dispatches received (INTERACTION_CREATE payloads among them). */
  events: { t: string; d: any }[];
  /** The first dispatch (received or future) that matches, within 5 s. */
  dispatch(match: (e: { t: string; d: any }) => boolean): Promise<{ t: string; d: any }>;
  api(method: string, path: string, body?: unknown, options?: { auth?: boolean }): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const clock = manualClock();
  const emulator = await new DiscordEmulator(nextSnowflake(), TOKEN, { now: clock.now }).start();
  const events: Rig['events'] = [];
  const received = new EventEmitter();
  const socket = new WebSocket(emulator.gatewayUrl);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no READY within 5 s')), 5_000);
    socket.on('error', reject);
    socket.on('message', (raw) => {
      const packet = JSON.parse(raw.toString());
      if (packet.op === 10) socket.send(JSON.stringify({ op: 2, d: { token: TOKEN, intents: 1, properties: {} } }));
      if (packet.op === 0) {
        events.push({ t: packet.t, d: packet.d });
        received.emit('dispatch', events.at(-1));
      }
      if (packet.t === 'READY') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    emulator,
    clock,
    events,
    dispatch(match) {
      const found = events.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          received.off('dispatch', listener);
          reject(new Error('no matching dispatch within 5 s'));
        }, 5_000);
        const listener = (e: { t: string; d: any }) => {
          if (!match(e)) return;
          clearTimeout(timer);
          received.off('dispatch', listener);
          resolve(e);
        };
        received.on('dispatch', listener);
      });
    },
    async api(method, path, body, options = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.auth !== false) headers.authorization = `Bot ${TOKEN}`;
      const res = await fetch(`${emulator.apiBaseUrl}/v10${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      socket.terminate();
      await emulator.stop();
    },
  };
}

/** The path of an interaction's callback and of its webhook. */
export const callbackPath = (i: { id: string; token: string }) => `/interactions/${i.id}/${i.token}/callback`;
export const webhookPath = (e: DiscordEmulator, i: { token: string }) => `/webhooks/${e.applicationId}/${i.token}`;
