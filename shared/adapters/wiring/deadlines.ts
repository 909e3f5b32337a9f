/** Deadline chains on SQS: starting and sweeping them, and the worker that reminds, escalates and enforces. */
import { requireEnv, runtimeConfig, tableName } from '../../config';
import { startChain } from '../../domain/deadline-service';
import { suppressEffect } from '../../domain/suppress-effect';
import type { DeadlineSettings } from '../../domain/deadlines';
import type { DataRequest } from '../../domain/requests';
import { QUEUES } from '../../resources';
import { systemClock } from '../clock';
import { DynamoChainStore, SqsScheduler } from '../deadline-queue';
import { documentClient } from '../dynamodb';
import { auditLog, eventPublisher, mailer } from './common';
import { requestStore } from './request-store';
import { noticeDeps } from './subscriptions';

export const deadlineSettings = (): DeadlineSettings => ({
  requestDueDays: runtimeConfig().REQUEST_DUE_DAYS,
  unsubscribeDueDays: runtimeConfig().UNSUBSCRIBE_DUE_DAYS,
  remindDaysBefore: runtimeConfig().REMIND_DAYS_BEFORE,
});

/** What starting and sweeping chains need: no mailer, no suppression list. */
export const chainDeps = () => ({
  requests: requestStore(),
  chains: new DynamoChainStore(documentClient(), tableName('requests')),
  scheduler: new SqsScheduler(requireEnv(QUEUES.deadlines.envVar)),
  clock: systemClock,
  settings: {
    deadlines: deadlineSettings(),
    escalationAddress: runtimeConfig().ESCALATION_ADDRESS,
    maxDelaySeconds: runtimeConfig().MAX_JOB_DELAY_SECONDS,
    staleChainMinutes: runtimeConfig().STALE_CHAIN_MINUTES,
  },
});

export const deadlineDeps = () => {
  let subscriptions: ReturnType<typeof noticeDeps> | undefined;
  return {
    ...chainDeps(),
    audit: auditLog(),
    mailer: mailer(),
    events: eventPublisher(),
    // Only enforcing an unsubscribe touches the suppression list: built on first use.
    get subscriptions() {
      subscriptions ??= noticeDeps();
      return subscriptions;
    },
  };
};

/** Starts a request's deadline chain: what intake calls once a request needs one. */
export const chainStarter = () => {
  const deps = chainDeps();
  return (request: DataRequest) => startChain(deps, request);
};

/**
 * What finishing owed effects needs (the sweep): any of them may be a mail, an audit entry, a chain
 * start, an event or a suppression. The suppression list is built on first use.
 */
export const owedEffectDeps = () => {
  let subscriptions: ReturnType<typeof noticeDeps> | undefined;
  const chains = chainDeps();
  return {
    requests: chains.requests,
    audit: auditLog(),
    mailer: mailer(),
    events: eventPublisher(),
    clock: systemClock,
    startChain: (request: DataRequest) => startChain(chains, request),
    applySuppression: suppressEffect(() => (subscriptions ??= noticeDeps())),
    settings: { deadlines: deadlineSettings(), unconfirmedExpiryDays: runtimeConfig().UNCONFIRMED_EXPIRY_DAYS },
  };
};
