import nodemailer, { type Transporter } from 'nodemailer';

/** One outbound message. `headers` carries threading and RFC 3834 fields (Auto-Submitted, In-Reply-To). */
export interface OutboundMail {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  from?: string;
  replyTo?: string;
  messageId?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer | string; contentType?: string }[];
}

/** The outbound port for mail: acknowledgements, notifications, authority reports. */
export interface Mailer {
  /** Hands the message to the relay; resolves with the Message-ID the relay accepted. */
  send(mail: OutboundMail): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * Nodemailer over ABUSEDESK_RELAY_URL (`smtp://host:port`, `smtps://user:pass@host`). Without a
 * relay, mail is refused with a clear error rather than silently dropped: the action that wanted
 * to send it fails visibly and is retried once a relay is configured.
 */
export function createMailer(relayUrl: string | null, defaultFrom: string): Mailer {
  if (!relayUrl) {
    return {
      send: async () => {
        throw new Error('no outbound relay configured (set ABUSEDESK_RELAY_URL)');
      },
      close: () => {},
    };
  }
  const transport: Transporter = nodemailer.createTransport(relayUrl, { pool: true, maxConnections: 4 } as object);
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from ?? defaultFrom,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        replyTo: mail.replyTo,
        messageId: mail.messageId,
        headers: { 'Auto-Submitted': 'auto-generated', ...mail.headers },
        attachments: mail.attachments,
      });
      return { messageId: String(info.messageId) };
    },
    close: () => transport.close(),
  };
}
