/**
 * Mail the system sent, read back from the emulator (moto keeps every SES message it accepted).
 * Used by `npm run outbox` and by the integration tests.
 */
import { simpleParser } from 'mailparser';

export interface SentMail {
  id: string;
  to: string[];
  from: string;
  subject: string;
  text: string;
  html?: string;
  headers: Record<string, string>;
  date?: string;
}

interface MotoRawMessage {
  id: string;
  source: string;
  destinations?: string[] | { ToAddresses?: string[] };
  raw_data: string;
}

/** Every message sent so far, oldest first. */
export async function sentMail(endpoint: string): Promise<SentMail[]> {
  const data = (await (await fetch(`${endpoint}/moto-api/data.json`)).json()) as { ses?: { RawMessage?: MotoRawMessage[] } };
  const raws = data.ses?.RawMessage ?? [];
  return Promise.all(
    raws.map(async (m) => {
      const parsed = await simpleParser(m.raw_data);
      const headers: Record<string, string> = {};
      for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
      const to = [...new Set(Array.isArray(m.destinations) ? m.destinations : (m.destinations?.ToAddresses ?? []))];
      return {
        id: m.id,
        to,
        from: m.source,
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        ...(parsed.html ? { html: parsed.html } : {}),
        headers,
        ...(parsed.date ? { date: parsed.date.toISOString() } : {}),
      };
    }),
  );
}

/** The first link in a mail's text whose URL contains `path`. */
export function linkIn(mail: SentMail, path: string): string | undefined {
  return mail.text.match(new RegExp(`https?://[^\\s<>"]*${path.replace(/[/?.]/g, '\\$&')}[^\\s<>"]*`))?.[0];
}
