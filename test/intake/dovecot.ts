import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => existsSync(p)) ?? null;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A real Dovecot IMAP server of our own on a loopback port: static password, Maildir in a temp
 * folder, a Processed folder created on demand. As root, Dovecot refuses to log in or store
 * mail as root, so its login and mail processes run as its own system users.
 */
export class Dovecot {
  readonly dir = mkdtempSync(join(tmpdir(), 'abusedesk-dovecot-'));
  port = 0;

  constructor(private readonly opts: { processedFolder?: boolean } = {}) {}

  async start(): Promise<this> {
    if (!DOVECOT) throw new Error('dovecot is not installed');
    this.port = await freePort();
    const root = process.getuid?.() === 0;
    const me = userInfo().username;
    const mail = join(this.dir, 'mail');
    mkdirSync(mail, { recursive: true });
    mkdirSync(join(this.dir, 'run'), { recursive: true });
    if (root) {
      // mkdtemp makes a 0700 folder: the mail user must be able to pass through it.
      chmodSync(this.dir, 0o755);
      execFileSync('chown', ['-R', 'dovecot:dovecot', mail]);
    }
    const conf = `
protocols = imap
listen = 127.0.0.1
base_dir = ${this.dir}/run
state_dir = ${this.dir}/run/state
instance_name = abusedesk-test-${this.port}
default_internal_user = ${root ? 'dovecot' : me}
default_internal_group = ${root ? 'dovecot' : me}
default_login_user = ${root ? 'dovenull' : me}
log_path = ${this.dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${mail}/%u
first_valid_uid = 1
passdb {
  driver = static
  args = password=secret
}
userdb {
  driver = static
  args = uid=${root ? 'dovecot' : me} gid=${root ? 'dovecot' : me} home=${mail}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
${this.opts.processedFolder === false ? '' : '  mailbox Processed {\n    auto = create\n  }'}
}
`;
    writeFileSync(join(this.dir, 'dovecot.conf'), conf);
    // Dovecot daemonizes: its master keeps any inherited pipe open, so give it none.
    const r = spawnSync(DOVECOT, ['-c', join(this.dir, 'dovecot.conf')], { stdio: 'ignore', timeout: 20_000 });
    if (r.status !== 0) throw new Error(`dovecot did not start (${r.status ?? r.signal}): ${this.log()}`);
    // Wait until it accepts connections.
    const { connect } = await import('node:net');
    for (let i = 0; i < 50; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(this.port, '127.0.0.1');
        s.once('data', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      if (ok) return this;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`dovecot did not listen on ${this.port}: ${this.log()}`);
  }

  url(folder = 'INBOX'): string {
    return `imap://abuse:secret@127.0.0.1:${this.port}/${folder}`;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    try {
      const pid = Number(readFileSync(join(this.dir, 'run', 'master.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid, 0);
          await new Promise((res) => setTimeout(res, 100));
        } catch {
          break;
        }
      }
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
