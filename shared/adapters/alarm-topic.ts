/** The stage's alarm topic (SNS) as the domain's AlarmPublisher. */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AlarmPublisher } from '../domain/ports';

/** SNS takes an ASCII subject of at most 100 characters (used as the mail subject for e-mail subscribers). */
export const snsSubject = (subject: string) =>
  subject
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, 100);

export class SnsAlarmPublisher implements AlarmPublisher {
  constructor(
    private readonly topicArn: string,
    private readonly client = new SNSClient({}),
  ) {}

  async publish(subject: string, message: string) {
    await this.client.send(new PublishCommand({ TopicArn: this.topicArn, Subject: snsSubject(subject), Message: message }));
  }
}
