/** Progress for long CLI work: a live counter on a terminal, nothing when stderr is a pipe or a file. */
export class Progress {
  private last = 0;
  private readonly started = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly label: string) {}

  update(done: number, total: number): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const rate = done / Math.max(0.001, (now - this.started) / 1000);
    process.stderr.write(`\r${this.label}: ${done}/${total} (${rate.toFixed(0)}/s)   `);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }

  get seconds(): number {
    return (Date.now() - this.started) / 1000;
  }
}
