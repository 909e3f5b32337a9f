/**
 * The stack's own EventBridge bus as the domain's event publisher (events-out.ts). PutEvents answers
 * 200 even when it refused some entries, so a refused entry is turned into an error here: the owed
 * effect then stays owed and the next delivery or the sweep publishes it again.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { detailTypeOf, EVENT_SOURCE, type EventPublisher, type OutEvent } from '../domain/events-out';

/** PutEvents takes at most 10 entries a call. */
const MAX_ENTRIES = 10;

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client = new EventBridgeClient({}),
  ) {}

  async publish(events: OutEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const batch = events.slice(i, i + MAX_ENTRIES);
      const answer = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: detailTypeOf(event),
            Detail: JSON.stringify(event),
            Time: new Date(event.occurredAt),
          })),
        }),
      );
      if (answer.FailedEntryCount) {
        const codes = [...new Set((answer.Entries ?? []).flatMap((e) => (e.ErrorCode ? [e.ErrorCode] : [])))];
        throw Object.assign(new Error(`EventBridge refused ${answer.FailedEntryCount} of ${batch.length} events (${codes.join(', ') || 'no code'})`), {
          name: 'EventsNotPublished',
        });
      }
    }
  }
}
