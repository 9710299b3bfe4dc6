// A fault-injecting TCP proxy on 127.0.0.1 for the chaos test. Per connection it may refuse
// (reset at once), delay, or answer 500/503 with Retry-After without reaching the gateway; while
// bytes flow it may reset a request mid-body or cut a response short. Decisions come from a
// seeded generator, so a run can be replayed from its seed.
import net from 'node:net';

export interface FaultRates { drop: number; delay: number; status5xx: number; resetMidRequest: number; truncateResponse: number }
export interface FaultCounts { connections: number; drop: number; delay: number; status500: number; status503: number; resetMidRequest: number; truncateResponse: number }

export { mulberry32 } from '../helpers/random';

const CONNECTION_FAULTS = ['drop', 'status503', 'status500', 'delay'] as const;

export class ChaosProxy {
  readonly counts: FaultCounts = { connections: 0, drop: 0, delay: 0, status500: 0, status503: 0, resetMidRequest: 0, truncateResponse: 0 };
  faultsOn = true;
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  port = 0;

  constructor(private targetPort: number, private rnd: () => number, private rates: FaultRates) {
    this.server = net.createServer((c) => this.handle(c));
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }
  get totalFaults(): number { const c = this.counts; return c.drop + c.delay + c.status500 + c.status503 + c.resetMidRequest + c.truncateResponse; }

  private track(s: net.Socket) { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); s.on('error', () => {}); }

  private handle(client: net.Socket): void {
    this.track(client);
    this.counts.connections++;
    const on = this.faultsOn;
    // every kind of fault at least once: every 25th connection, one still missing is forced (a
    // short run could otherwise miss one by chance, and the chaos test requires each)
    const forced = on && this.counts.connections % 25 === 0 ? CONNECTION_FAULTS.find((k) => this.counts[k] === 0) : undefined;
    const r = this.rnd();
    const R = this.rates;
    if (on && (forced === 'drop' || (!forced && r < R.drop))) { this.counts.drop++; client.resetAndDestroy(); return; }
    if (on && (forced === 'status503' || forced === 'status500' || (!forced && r < R.drop + R.status5xx))) {
      const is503 = forced ? forced === 'status503' : this.rnd() < 0.6;
      client.once('data', () => {
        if (is503) this.counts.status503++; else this.counts.status500++;
        const body = JSON.stringify({ error: { code: 'UPSTREAM', message_vi: 'Máy chủ tạm thời không phục vụ.', message_en: 'Temporarily unavailable.' } });
        client.end(`HTTP/1.1 ${is503 ? '503 Service Unavailable' : '500 Internal Server Error'}\r\ncontent-type: application/json\r\n${is503 ? 'retry-after: 1\r\n' : ''}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      });
      return;
    }
    const delay = on && (forced === 'delay' || (!forced && r >= R.drop + R.status5xx && r < R.drop + R.status5xx + R.delay)) ? 10 + Math.floor(this.rnd() * 150) : 0;
    if (delay) this.counts.delay++;
    client.pause();
    setTimeout(() => {
      const up = net.connect(this.targetPort, '127.0.0.1');
      this.track(up);
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
      up.on('close', () => client.destroy());
      client.on('close', () => up.destroy());
      client.on('data', (chunk) => {
        if (this.faultsOn && chunk.length > 20 && (this.due('resetMidRequest') || this.rnd() < R.resetMidRequest)) {
          this.counts.resetMidRequest++;
          up.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => { up.destroy(); client.resetAndDestroy(); });
          return;
        }
        up.write(chunk);
      });
      up.on('data', (chunk) => {
        if (this.faultsOn && chunk.length > 20 && (this.due('truncateResponse') || this.rnd() < R.truncateResponse)) {
          this.counts.truncateResponse++;
          client.write(chunk.subarray(0, Math.floor(chunk.length * this.rnd())), () => { client.destroy(); up.destroy(); });
          return;
        }
        client.write(chunk);
      });
      client.resume();
    }, delay);
  }

  /** A per-chunk fault that has not happened yet after 50 connections: forced on this chunk. */
  private due(k: 'resetMidRequest' | 'truncateResponse'): boolean {
    return this.counts.connections >= 50 && this.counts[k] === 0;
  }

  /** Cut every open connection (as a gateway restart or a network switch would). */
  cutAll(): void { for (const s of this.sockets) s.destroy(); }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
