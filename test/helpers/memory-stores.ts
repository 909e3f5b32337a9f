/** In-memory ports for domain tests: same contracts as the DynamoDB adapters, no AWS. */
import type { ConsentRecord } from '../../shared/domain/consent';
import type { PolicyVersion } from '../../shared/domain/policy';
import type { Clock, ConsentStore, PolicyStore, SaveOutcome } from '../../shared/domain/ports';

export class MemoryConsentStore implements ConsentStore {
  readonly receipts = new Map<string, ConsentRecord>();
  readonly currents = new Map<string, ConsentRecord>();
  async save(record: ConsentRecord): Promise<SaveOutcome> {
    const key = `${record.visitorId}/${record.receiptId}`;
    if (this.receipts.has(key)) return 'duplicate';
    this.receipts.set(key, structuredClone(record));
    this.currents.set(record.visitorId, structuredClone(record));
    return 'created';
  }
  async current(visitorId: string) {
    return this.currents.get(visitorId);
  }
  async currentChoices(visitorId: string) {
    const c = this.currents.get(visitorId);
    return c ? { analytics: c.choices.analytics, receiptId: c.receiptId } : undefined;
  }
  async receipt(visitorId: string, receiptId: string) {
    return this.receipts.get(`${visitorId}/${receiptId}`);
  }
}

export class MemoryPolicyStore implements PolicyStore {
  constructor(readonly versions: PolicyVersion[] = []) {}
  async list() {
    return [...this.versions];
  }
  async publish(version: PolicyVersion): Promise<SaveOutcome> {
    if (this.versions.some((v) => v.version === version.version)) return 'duplicate';
    this.versions.push(version);
    return 'created';
  }
}

export class FixedClock implements Clock {
  constructor(public current: Date) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const policy = (version: string, effectiveAt: string, changes: PolicyVersion['changes'] = []): PolicyVersion => ({
  version,
  effectiveAt,
  url: `https://shop.example.com/privacy-policy/${version}`,
  sha256: 'a'.repeat(64),
  changes,
});

export class MemoryVisitStore {
  readonly records = new Map<string, import('../../shared/domain/visits').VisitRecord>();
  readonly links = new Map<string, Set<string>>();
  async put(record: import('../../shared/domain/visits').VisitRecord) {
    this.records.set(`${record.pk}|${record.sk}`, structuredClone(record));
  }
  async link(memberId: string, visitorId: string) {
    (this.links.get(memberId) ?? this.links.set(memberId, new Set()).get(memberId)!).add(visitorId);
  }
  async visitorsOf(memberId: string) {
    return [...(this.links.get(memberId) ?? [])];
  }
  async memberOfVisitor(visitorId: string) {
    return [...this.links].find(([, visitors]) => visitors.has(visitorId))?.[0];
  }
  async page(visitorIds: string[], limit: number) {
    const items = [...this.records.values()]
      .filter((r) => visitorIds.includes(r.pk.slice(2)))
      .sort((a, b) => (a.sk < b.sk ? 1 : -1))
      .slice(0, limit);
    return { items };
  }
}
