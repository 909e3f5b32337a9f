/**
 * `npm run events [-- --json] [--port N]`: the events the running local system published on its bus
 * of events out, oldest first (type, time, and the detail each consumer receives).
 */
import { readLocalState, takePortOption } from './lib/local-system';
import { publishedEvents } from './lib/published-events';

try {
  const args = process.argv.slice(2);
  const state = readLocalState(takePortOption(args));
  const events = await publishedEvents(state);
  if (args.includes('--json')) {
    console.log(JSON.stringify(events, null, 2));
  } else if (events.length === 0) {
    console.log('No events published yet.');
  } else {
    for (const e of events) {
      const { eventId, type: _t, schemaVersion, occurredAt: _o, ...detail } = e.detail;
      console.log(`── ${e.time}  ${e['detail-type']} v${schemaVersion}  (${eventId})`);
      for (const [k, v] of Object.entries(detail)) console.log(`   ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    }
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
