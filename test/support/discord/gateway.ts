/**
 * The gateway WebSocket: HELLO, heartbeat ACK, IDENTIFY → READY → GUILD_CREATE, RESUME, and
 * dispatches. Events ('identify', 'ready', 'resumed', 'gateway-close') go to the emulator.
 */
import type { EventEmitter } from 'node:events';
import type http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { nextSnowflake } from './model';

export interface GatewayHost {
  readonly token: string;
  readonly gatewayUrl: string;
  readonly events: EventEmitter;
  readyPayload(sessionId: string): unknown;
  guildCreatePayload(): unknown;
}

export class Gateway {
  identifyCount = 0;
  resumeCount = 0;
  /** While true, every connection is refused (an outage, not a blip). */
  down = false;
  private wss!: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private session: { id: string; seq: number } | undefined;

  constructor(private readonly host: GatewayHost) {}

  attach(server: http.Server): void {
    this.wss = new WebSocketServer({ server, path: '/gateway' });
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  get connected(): boolean {
    return this.sockets.size > 0;
  }

  /** Drops every connection as a network failure would (close code 4000: resumable). */
  drop(code = 4000): void {
    for (const socket of this.sockets) socket.close(code, 'emulated drop');
  }

  dispatch(event: string, data: unknown): void {
    if (!this.session) throw new Error('no gateway session: is the bot connected?');
    this.session.seq += 1;
    const packet = JSON.stringify({ op: 0, t: event, s: this.session.seq, d: data });
    for (const socket of this.sockets) socket.send(packet);
  }

  private onConnection(socket: WebSocket): void {
    if (this.down) {
      socket.terminate();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.host.events.emit('gateway-close');
    });
    socket.send(JSON.stringify({ op: 10, s: null, t: null, d: { heartbeat_interval: 41_250 } }));
    socket.on('message', (raw) => {
      const packet = JSON.parse(raw.toString());
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11, s: null, t: null, d: null }));
      else if (packet.op === 2) this.onIdentify(socket, packet.d);
      else if (packet.op === 6) this.onResume(socket, packet.d);
    });
  }

  private onIdentify(socket: WebSocket, d: { token: string; intents: number }): void {
    if (d.token !== this.host.token) {
      socket.close(4004, 'Authentication failed');
      return;
    }
    this.identifyCount++;
    this.session = { id: `session_${nextSnowflake()}`, seq: 0 };
    this.host.events.emit('identify', d);
    this.dispatch('READY', this.host.readyPayload(this.session.id));
    this.dispatch('GUILD_CREATE', this.host.guildCreatePayload());
    this.host.events.emit('ready');
  }

  private onResume(socket: WebSocket, d: { token: string; session_id: string; seq: number }): void {
    if (d.token !== this.host.token || !this.session || d.session_id !== this.session.id) {
      socket.send(JSON.stringify({ op: 9, s: null, t: null, d: false }));
      return;
    }
    this.resumeCount++;
    this.session.seq += 1;
    socket.send(JSON.stringify({ op: 0, t: 'RESUMED', s: this.session.seq, d: {} }));
    this.host.events.emit('resumed');
  }
}
