import { connect, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  text: string;
}

/**
 * A bare SMTP client over one socket, for load tests and benchmarks: no pooling, no retries, so
 * what it measures is the server. Each reply is awaited before the next command.
 */
export class SmtpClient {
  private buffer = '';
  private lines: string[] = [];
  private waiting: ((r: SmtpReply) => void) | null = null;
  private failed: Error | null = null;
  private onFail: ((e: Error) => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (d: string) => this.onData(d));
    const fail = (e: Error) => {
      this.failed ??= e;
      this.onFail?.(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<{ client: SmtpClient; greeting: SmtpReply }> {
    const socket = connect(port, host);
    const client = new SmtpClient(socket);
    const greeting = await client.reply();
    return { client, greeting };
  }

  private onData(d: string): void {
    this.buffer += d;
    let i: number;
    while ((i = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 2);
      this.lines.push(line);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        const text = this.lines.join('\n');
        this.lines = [];
        const w = this.waiting;
        this.waiting = null;
        w?.({ code: Number(line.slice(0, 3)), text });
      }
    }
  }

  private reply(): Promise<SmtpReply> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.onFail = reject;
    });
  }

  async command(line: string): Promise<SmtpReply> {
    const r = this.reply();
    this.socket.write(`${line}\r\n`);
    return r;
  }

  /** One message; `dataEnd` is the reply to the final dot, with its latency from the moment the dot was written. */
  async send(from: string, to: string, raw: string): Promise<{ dataEnd: SmtpReply; latencyMs: number; refused?: SmtpReply }> {
    const mail = await this.command(`MAIL FROM:<${from}>`);
    if (mail.code !== 250) return { dataEnd: mail, latencyMs: 0, refused: mail };
    const rcpt = await this.command(`RCPT TO:<${to}>`);
    if (rcpt.code !== 250) {
      await this.command('RSET');
      return { dataEnd: rcpt, latencyMs: 0, refused: rcpt };
    }
    const data = await this.command('DATA');
    if (data.code !== 354) return { dataEnd: data, latencyMs: 0, refused: data };
    const body = raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    const r = this.reply();
    this.socket.write(body.endsWith('\r\n') ? body : `${body}\r\n`);
    const t0 = performance.now();
    this.socket.write('.\r\n');
    const dataEnd = await r;
    return { dataEnd, latencyMs: performance.now() - t0 };
  }

  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } catch {
      // already gone
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
