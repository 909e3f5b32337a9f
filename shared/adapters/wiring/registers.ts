/** The DPO's registers: processors, breaches, their deadline chains and the s39 record's sources. */
import { requireEnv, runtimeConfig, tableName } from '../../config';
import type { RegisterDeps } from '../../domain/register-service';
import { ALARM_TOPIC, QUEUES } from '../../resources';
import { SnsAlarmPublisher } from '../alarm-topic';
import { systemClock } from '../clock';
import { DynamoChainStore, SqsScheduler } from '../deadline-queue';
import { documentClient } from '../dynamodb';
import { DynamoMemberStore } from '../member-store';
import { DynamoRegisterStore } from '../register-store';
import { auditLog, mailer } from './common';

export const registerStore = () => new DynamoRegisterStore(documentClient(), tableName('registers'));

/**
 * Everything the register use cases may need. Ports a function was not granted (the queue, the alarm
 * topic, the members table, SES) are built on first use, so a route that never uses them needs
 * neither their environment nor their permissions. The effects only some functions can perform come
 * from the entry: `tellSubject` (breach-notices.ts) where members and SES are granted, `startChain`
 * (register-service.ts `startRegisterChain`) where the deadlines queue is; the others then do not
 * bundle that code.
 */
export function registerDeps(performers: Pick<RegisterDeps, 'tellSubject' | 'startChain'> = {}): RegisterDeps {
  const config = runtimeConfig();
  const lazy = <T>(make: () => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  const scheduler = lazy(() => new SqsScheduler(requireEnv(QUEUES.deadlines.envVar)));
  const alarms = lazy(() => new SnsAlarmPublisher(requireEnv(ALARM_TOPIC.envVar)));
  const members = lazy(() => new DynamoMemberStore(documentClient(), tableName('members')));
  const mail = lazy(() => mailer());
  const audit = lazy(() => auditLog());
  return {
    registers: registerStore(),
    chains: new DynamoChainStore(documentClient(), tableName('registers'), { sk: 'CHAIN' }),
    get scheduler() {
      return scheduler();
    },
    get alarms() {
      return alarms();
    },
    get members() {
      return members();
    },
    get mailer() {
      return mail();
    },
    get audit() {
      return audit();
    },
    clock: systemClock,
    ...performers,
    settings: {
      dpoAddress: config.DPO_ADDRESS,
      shopName: config.SHOP_NAME,
      requestAddress: config.REQUEST_ADDRESS,
      maxDelaySeconds: config.MAX_JOB_DELAY_SECONDS,
      staleChainMinutes: config.STALE_CHAIN_MINUTES,
    },
  };
}
