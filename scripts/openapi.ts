/** `npm run openapi`: writes the API description to openapi.json (a test checks it is current). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../infra/stage-config';
import { openApiDocument } from '../shared/openapi';

export const OPENAPI_FILE = join(REPO_ROOT, 'openapi.json');
export const renderOpenApi = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

if (process.argv[1]?.endsWith('openapi.ts')) {
  writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
