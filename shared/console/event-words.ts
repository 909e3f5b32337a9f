/**
 * What happened, in words: the request timeline's events (`received:web`, `deadline:due`,
 * `completed:rejected`, `system:erased`…) and the audit trail's actions (`request.received`,
 * `viewed`…) are stored as stable names for machines; staff read them in Thai or English. A name
 * the console has no word for yet is shown as it is stored, never hidden.
 */
import { type Translate, word } from './i18n';

/** A deadline milestone in words: `remind-2d`, `due`, `overdue-3` (shared/domain/deadline-chain.ts). */
export function milestoneWords(name: string, t: Translate): string {
  const remind = /^remind-(\d+)d$/.exec(name);
  if (remind) return t('milestoneRemind', { n: remind[1]! });
  const overdue = /^overdue-(\d+)$/.exec(name);
  if (overdue) return t('milestoneOverdue', { n: overdue[1]! });
  return name === 'due' ? t('milestoneDue') : name;
}

const keyOf = (name: string) => `ev_${name.replace(/[.:]/g, '_')}`;

export function eventWords(event: string, t: Translate): string {
  const exact = word(t, keyOf(event), '');
  if (exact) return exact;
  const [kind, detail] = event.split(/[:.]/, 2) as [string, string | undefined];
  if (detail === undefined) return event;
  if (kind === 'received') return `${t('ev_received')} (${word(t, `status_${detail}`, detail)})`;
  if (kind === 'completed') return `${t('ev_completed')} (${word(t, `status_${detail}`, detail)})`;
  if (kind === 'deadline') return `${t('ev_deadline')}: ${milestoneWords(detail, t)}`;
  if (kind === 'system') return `${t('ev_system')}: ${word(t, `action_${detail}`, detail)}`;
  return event;
}

/** An audit entry's action, with what was looked at for a `viewed` entry. */
export function auditActionWords(action: string, what: string | undefined, t: Translate): string {
  const words = eventWords(action, t);
  return what ? `${words} (${word(t, `what_${what}`, what)})` : words;
}

/**
 * Who did it: a signed-in person's name as it is, the customer who made the request, or one of this
 * system's own jobs (`system:deadlines`, `system:inbound-mail`…), named as such with the job's name.
 */
export function actorWords(actor: string, t: Translate): string {
  if (actor === 'requester') return t('actor_requester');
  if (actor.startsWith('system:')) return `${t('actor_system')} (${actor.slice('system:'.length)})`;
  return actor;
}
