/**
 * Scheduled hourly: restart the deadline chain of any open request whose chain went quiet, and
 * finish every effect a request still owes (a mail, an audit entry, a chain start) that no
 * redelivery finished: nothing a state change owes depends on one delivery surviving. Requests
 * never confirmed within the stage's unconfirmedExpiryDays are closed as expired, and unsubscribe
 * notices whose send failed (a link or one-click nobody clicked again) are sent.
 */
import { chainDeps, owedEffectDeps } from '../../shared/adapters/wiring/deadlines';
import { registerDeps } from '../../shared/adapters/wiring/registers';
import { tellSubject } from '../../shared/domain/breach-notices';
import { noticeDeps } from '../../shared/adapters/wiring/subscriptions';
import { expireUnconfirmed, sweepChains } from '../../shared/domain/deadline-service';
import { startRegisterChain, sweepRegisters } from '../../shared/domain/register-service';
import { sweepOwedEffects } from '../../shared/domain/request-effects';
import { sendOwedNotices } from '../../shared/domain/subscriptions';
import { log } from '../../shared/log';

const deps = chainDeps();
const effects = owedEffectDeps();
const registers = registerDeps({ tellSubject, startChain: startRegisterChain });
const subscriptions = noticeDeps();

export const handler = async () => {
  // Owed effects first: a chain start still owed is finished here rather than restarted twice.
  const owed = await sweepOwedEffects(effects);
  const chains = await sweepChains(deps);
  const { expired } = await expireUnconfirmed(effects);
  // The DPO's registers: breach and agreement chains gone quiet, effects still owed.
  const registerSweep = await sweepRegisters(registers);
  const notices = await sendOwedNotices(subscriptions);
  log.info('deadline sweep', { ...chains, owed, expired, registers: registerSweep, notices });
  return { ...chains, owed, expired, registers: registerSweep, notices };
};
