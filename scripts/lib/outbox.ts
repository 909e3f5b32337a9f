/**
 * Mail the system sent, read back from the emulator (moto keeps every SES message it accepted).
 * Used by `npm run outbox` and by the integration tests.
 *
 * The system sends SES simple content, of which moto keeps the sender, the recipients, the subject
 * and one body: the HTML part when the mail has one (every notice has), else the text part. The text
 * shown is that body as a reader of the HTML sees it. Extra headers (List-Unsubscribe) are not kept
 * by the emulator at all: `sendEmailInput` in shared/adapters/mail.ts builds them and its unit test
 * pins them, including the checks SES applies and the emulator does not.
 */
import { htmlToText } from '../../shared/adapters/mime';

export interface SentMail {
  id: string;
  to: string[];
  from: string;
  subject: string;
  /** The text part, or the HTML part as text when the emulator kept the HTML. */
  text: string;
  html?: string;
}

interface MotoMessage {
  id: string;
  source: string;
  subject: string;
  body: string;
  destinations?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
}

const looksLikeHtml = (body: string) => /^\s*<(?:!doctype|html|body|div|p|table)\b/i.test(body);

/** Every message sent so far, oldest first. */
export async function sentMail(endpoint: string): Promise<SentMail[]> {
  const data = (await (await fetch(`${endpoint}/moto-api/data.json`)).json()) as { ses?: { Message?: MotoMessage[] } };
  return (data.ses?.Message ?? []).map((m) => {
    const d = m.destinations ?? {};
    const to = [...new Set([...(d.ToAddresses ?? []), ...(d.CcAddresses ?? []), ...(d.BccAddresses ?? [])])];
    const html = looksLikeHtml(m.body) ? m.body : undefined;
    return { id: m.id, to, from: m.source, subject: m.subject, text: html ? htmlToText(html) : m.body, ...(html ? { html } : {}) };
  });
}

/** The first link in a mail's text whose URL contains `path`. */
export function linkIn(mail: SentMail, path: string): string | undefined {
  return mail.text.match(new RegExp(`https?://[^\\s<>"]*${path.replace(/[/?.]/g, '\\$&')}[^\\s<>"]*`))?.[0];
}
