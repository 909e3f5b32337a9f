/**
 * `npm run outbox [-- --json] [--port N]`: the mail the running local system has sent, newest first.
 * `--port` (or PORT) picks the instance when several run. The emulator keeps no extra headers
 * (List-Unsubscribe): see scripts/lib/outbox.ts.
 */
import { readLocalState, takePortOption } from './lib/local-system';
import { sentMail } from './lib/outbox';

try {
  const args = process.argv.slice(2);
  const { endpoint } = readLocalState(takePortOption(args));
  const mails = (await sentMail(endpoint)).reverse();
  if (args.includes('--json')) {
    console.log(JSON.stringify(mails, null, 2));
  } else if (mails.length === 0) {
    console.log('No mail sent yet.');
  } else {
    for (const m of mails) {
      console.log(`── to ${m.to.join(', ')}${m.html ? '  (HTML part, shown as text)' : ''}\n   ${m.subject}`);
      console.log(
        m.text
          .split('\n')
          .map((l) => `   ${l}`)
          .join('\n'),
        '\n',
      );
    }
    console.log('(The emulator keeps no extra headers such as List-Unsubscribe; the mailer\u2019s unit test pins them.)');
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
