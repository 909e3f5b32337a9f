/**
 * GET /v1/openapi.json: the API description. Served from the committed openapi.json (generated from
 * the route table by `npm run openapi`; a test fails when it is stale), so this function ships no
 * schema library at all.
 */
import document from '../../openapi.json';
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';

export const handler = route().handler(async () => ok(document, { 'cache-control': 'public, max-age=300' }));
