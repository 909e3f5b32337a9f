/** Ports several capabilities share: the audit trail, the mailer, and the settings of links in mail. */
import { requireEnv, runtimeConfig, tableName } from '../../config';
import { DynamoAuditLog } from '../audit-store';
import { documentClient } from '../dynamodb';
import { log } from '../../log';
import { SesMailer } from '../mail';
import { EventBridgePublisher } from '../event-bus';
import { EVENT_BUS } from '../../resources';

export const auditLog = () => new DynamoAuditLog(documentClient(), tableName('audit'));
export const mailer = () => new SesMailer(runtimeConfig().SENDER_ADDRESS);
/** The bus of events out; set on the functions whose declaration says `publishesEvents`. */
export const eventPublisher = () => new EventBridgePublisher(requireEnv(EVENT_BUS.envVar));

/** Set only on functions that write links into mail or pages (the API's own URL or the stage's custom domain). */
export const publicUrl = () => requireEnv('PUBLIC_API_URL').replace(/\/+$/, '');

/** What every mail to a customer names: where links point, the shop, and the mailbox for requests. */
export const mailSettings = () => ({ publicUrl: publicUrl(), shopName: runtimeConfig().SHOP_NAME, requestAddress: runtimeConfig().REQUEST_ADDRESS });

/** Logs effects that failed and stay owed (ids and error names only): the next delivery or the sweep finishes them. */
export const reportUnsettled = (requestId: string, failures: { effect: string; error: unknown }[]) =>
  log.error('effects left owed', { requestId, failures: failures.map((f) => ({ effect: f.effect, error: (f.error as Error)?.name })) });

/** What carrying out a request (and its preview) needs to word its notices: links, the shop, the hold. */
export const completionSettings = () => ({
  publicUrl: publicUrl(),
  shopName: runtimeConfig().SHOP_NAME,
  holdDays: runtimeConfig().DISPUTE_HOLD_DAYS,
  exportLinkDays: runtimeConfig().EXPORT_LINK_DAYS,
});
