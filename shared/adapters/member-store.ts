/**
 * Members table: pk = member id. Index keys are derived on write, so callers cannot forget them:
 * `email` (byEmail), `holdQueue` + `holdUntil` (byHoldEnd, only while a dispute hold runs),
 * `partnerHash` (byPartnerHash, only for an active member referred by a partner, keyed with that
 * partner's own key: a hash under another partner's key matches no one).
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { normaliseEmail, partnerHash, type Member } from '../domain/members';
import type { MemberStore } from '../domain/ports';

const HOLD_QUEUE = 'HOLD';

type Item = Member & { pk: string; holdQueue?: string; partnerHash?: string };
const strip = ({ pk: _pk, holdQueue: _q, partnerHash: _h, ...member }: Item): Member => member;

export class DynamoMemberStore implements MemberStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly partnerKeyOf?: (partnerId: string) => Promise<Uint8Array | undefined>,
  ) {}

  async get(memberId: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: memberId }, ConsistentRead: true }));
    return Item ? strip(Item as Item) : undefined;
  }

  async put(member: Member) {
    const key = this.partnerKeyOf && member.status === 'active' && member.referredBy ? await this.partnerKeyOf(member.referredBy) : undefined;
    const item: Item = {
      pk: member.memberId,
      ...member,
      ...(member.status === 'deactivated' && member.holdUntil ? { holdQueue: HOLD_QUEUE } : {}),
      // Only active members are confirmed to partners: a cancelled account is no longer "a member".
      ...(key ? { partnerHash: partnerHash(member.email, key) } : {}),
    };
    await this.db.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  private async firstByIndex(index: string, key: string, value: string) {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: '#k = :v',
        ExpressionAttributeNames: { '#k': key },
        ExpressionAttributeValues: { ':v': value },
        Limit: 1,
      }),
    );
    const item = out.Items?.[0] as Item | undefined;
    return item ? strip(item) : undefined;
  }

  findByEmail(email: string) {
    return this.firstByIndex('byEmail', 'email', normaliseEmail(email));
  }

  findByPartnerHash(hash: string) {
    return this.firstByIndex('byPartnerHash', 'partnerHash', hash);
  }

  async holdsEndedBefore(now: Date, limit: number) {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byHoldEnd',
        KeyConditionExpression: 'holdQueue = :q AND holdUntil < :now',
        ExpressionAttributeValues: { ':q': HOLD_QUEUE, ':now': now.toISOString() },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => strip(i as Item));
  }
}
