/**
 * The privacy center's session check for its handlers: the `Authorization: Bearer <session>` header
 * names whose data a call is about. A missing, forged, expired or signed-out session is a 401 with
 * one answer for all, so nothing tells them apart.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sessionOwner, type CenterDeps, type CenterOwner } from '../domain/privacy-center';
import { HttpError } from './errors';

export async function centerOwner(deps: CenterDeps, event: Pick<APIGatewayProxyEventV2, 'headers'>): Promise<CenterOwner> {
  const match = /^Bearer ([A-Za-z0-9_.-]{1,4096})$/.exec(event.headers.authorization ?? '');
  const owner = match ? await sessionOwner(deps, match[1]!) : undefined;
  if (!owner) throw new HttpError(401, 'not_signed_in', 'Sign in to the privacy center again: this session is missing, expired or ended');
  return owner;
}
