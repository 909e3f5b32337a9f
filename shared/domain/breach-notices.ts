/**
 * Telling a member that a breach concerns their data (PDPA s37(4)): the `notice` effect a breach owes
 * once the DPO decides to tell the people affected. Only the functions that may owe one pass it in
 * (RegisterDeps.tellSubject: deciding to tell them, the deadline worker and the sweep, which are
 * granted the members table and SES); the other register functions then bundle neither this mail's
 * Thai and English text nor the categories' labels.
 */
import { DATA_CATEGORIES } from '../processing';
import type { Locale } from './members';
import { breachSubjectNotice } from './notices';
import { REGISTER_ACTOR, type RegisterDeps } from './register-service';
import type { Breach } from './registers';

/** Sends one member's notice and audits it; answers the change to the breach (who was told, or that nobody was left to tell). */
export async function tellSubject(deps: RegisterDeps, breach: Breach, memberId: string): Promise<(entry: Breach) => Partial<Breach>> {
  const member = await deps.members.get(memberId);
  const now = deps.clock.now().toISOString();
  if (!member?.email || member.status === 'anonymised') {
    // Nobody left to tell (anonymised since): the register says so instead of a notice.
    return (e) => ({
      history: [...e.history, { at: now, by: REGISTER_ACTOR, event: 'notice_not_sent', note: 'no address on file', changes: { memberId } }],
    });
  }
  const locale: Locale = member.locale === 'th' ? 'th' : 'en';
  const notice = breachSubjectNotice(
    {
      breachId: breach.id,
      learnedAt: breach.learnedAt,
      categories: breach.categories.map((c) => DATA_CATEGORIES[c][locale]),
      shopName: deps.settings.shopName,
      requestAddress: deps.settings.requestAddress,
    },
    locale,
  );
  await deps.mailer.send({ to: member.email, ...notice });
  await deps.audit.append({ subject: member.memberId, actor: REGISTER_ACTOR, action: 'breach.notice_sent', details: { breachId: breach.id, locale } });
  return (e) => ({
    noticesSent: [...new Set([...e.noticesSent, memberId])],
    history: [...e.history, { at: now, by: REGISTER_ACTOR, event: 'notice_sent', changes: { memberId } }],
  });
}
