/** GET /v1/openapi.json: the API description, generated from the route table. */
import { ok } from '../../shared/http/responses';
import { route } from '../../shared/http/route';
import { openApiDocument } from '../../shared/openapi';

const document = openApiDocument();

export const handler = route().handler(async () => ok(document, { 'cache-control': 'public, max-age=300' }));
