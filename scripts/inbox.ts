/**
 * `npm run inbox -- FILE.eml [--spf V] [--dkim V] [--dmarc V] [--spam V] [--virus V] [--port N]`
 * (V: PASS, FAIL, GRAY, PROCESSING_FAILED; default PASS). Delivers the mail to the running local
 * system's inbound path and prints the outcome as one JSON object.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stageFromCdkJson } from '../infra/stage-config';
import { deliverMail, VERDICT_VALUES, type VerdictName, type VerdictValue } from './lib/inbox';
import { prepareLocalAws } from './lib/local-aws';
import { parsePort, readLocalState } from './lib/local-system';

const usage = 'usage: npm run inbox -- FILE.eml [--spf V] [--dkim V] [--dmarc V] [--spam V] [--virus V] [--port N]   (V: PASS|FAIL|GRAY|PROCESSING_FAILED)';

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      spf: { type: 'string' },
      dkim: { type: 'string' },
      dmarc: { type: 'string' },
      spam: { type: 'string' },
      virus: { type: 'string' },
      port: { type: 'string' },
    },
  });
  const { port, ...verdictOptions } = values;
  if (positionals.length !== 1) throw new Error(usage);
  const verdicts: Partial<Record<VerdictName, VerdictValue>> = {};
  for (const [name, value] of Object.entries(verdictOptions)) {
    const upper = String(value).toUpperCase();
    if (!(VERDICT_VALUES as readonly string[]).includes(upper)) throw new Error(`--${name} must be one of ${VERDICT_VALUES.join(', ')}\n${usage}`);
    verdicts[name as VerdictName] = upper as VerdictValue;
  }
  const raw = readFileSync(positionals[0]!);
  const state = readLocalState(port === undefined ? undefined : parsePort(port, '--port'));
  process.env.LOG_LEVEL ??= 'silent';
  await prepareLocalAws(stageFromCdkJson(state.stage), { endpoint: state.endpoint, prefix: state.prefix, publicUrl: state.url, staffPool: false });
  const { messageId: _m, ...outcome } = await deliverMail(raw, verdicts);
  console.log(JSON.stringify(outcome));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
