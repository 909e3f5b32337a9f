/**
 * A minimal MaxMind DB (format v2) writer for test fixtures, so tests can run the real reader
 * (`mmdb-lib`) against a real-format database without downloading one. IPv4 trees only, 24-bit
 * records. Spec: https://maxmind.github.io/MaxMind-DB/
 *
 * File layout: search tree | 16 zero bytes | data section | "\xAB\xCD\xEFMaxMind.com" | metadata map
 */

export interface AsnNetwork {
  cidr: string;
  asn: number;
  organization: string;
}

export interface AsnDatabaseOptions {
  /** `database_type` in the metadata; GeoLite2-ASN unless told otherwise. */
  databaseType?: string;
  /** `build_epoch` in seconds; defaults to now, pass a fixed value for byte-identical output. */
  buildEpoch?: number;
}

// ---------------------------------------------------------------------------------------------
// Data section encoding
// ---------------------------------------------------------------------------------------------

/** Integers carry their MMDB type explicitly: a JS number alone cannot say uint16 vs uint32. */
class UInt {
  constructor(
    readonly type: typeof TYPE.uint16 | typeof TYPE.uint32 | typeof TYPE.uint64,
    readonly value: bigint,
  ) {}
}

type Value = string | UInt | Value[] | { [key: string]: Value };

const TYPE = { utf8: 2, uint16: 5, uint32: 6, map: 7, uint64: 9, array: 11 } as const;
const MAX_BYTES = { [TYPE.uint16]: 2, [TYPE.uint32]: 4, [TYPE.uint64]: 8 } as const;

const uint16 = (n: number) => new UInt(TYPE.uint16, BigInt(n));
const uint32 = (n: number) => new UInt(TYPE.uint32, BigInt(n));
const uint64 = (n: number | bigint) => new UInt(TYPE.uint64, BigInt(n));

/**
 * Control byte(s) of a field: the top 3 bits are the type (0 = "extended", with type - 7 in the
 * next byte), the low 5 bits the payload size; sizes of 29 and above spill into 1-3 extra bytes
 * that come after the extended-type byte.
 */
function header(type: number, size: number): Buffer {
  let sizeBits: number;
  let extra: number[];
  if (size < 29) [sizeBits, extra] = [size, []];
  else if (size < 29 + 256) [sizeBits, extra] = [29, [size - 29]];
  else if (size < 285 + 65_536) [sizeBits, extra] = [30, [(size - 285) >> 8, (size - 285) & 0xff]];
  else if (size < 65_821 + 16_777_216) {
    const rest = size - 65_821;
    [sizeBits, extra] = [31, [rest >> 16, (rest >> 8) & 0xff, rest & 0xff]];
  } else throw new RangeError(`field too large for MMDB: ${size}`);

  const typeBytes = type <= 7 ? [(type << 5) | sizeBits] : [sizeBits, type - 7];
  return Buffer.from([...typeBytes, ...extra]);
}

function encode(value: Value): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([header(TYPE.utf8, bytes.length), bytes]);
  }
  if (value instanceof UInt) {
    // Unsigned ints are big-endian with leading zero bytes dropped (0 is a zero-length payload).
    const bytes: number[] = [];
    for (let v = value.value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
    if (value.value < 0n || bytes.length > MAX_BYTES[value.type]) {
      throw new RangeError(`${value.value} does not fit MMDB type ${value.type}`);
    }
    return Buffer.concat([header(value.type, bytes.length), Buffer.from(bytes)]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([header(TYPE.array, value.length), ...value.map(encode)]);
  }
  // A map's size is its number of pairs; keys are utf8 strings.
  const entries = Object.entries(value);
  return Buffer.concat([header(TYPE.map, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

// ---------------------------------------------------------------------------------------------
// Search tree
// ---------------------------------------------------------------------------------------------

interface TreeNode {
  kind: 'node';
  children: [Slot, Slot];
}
interface DataLeaf {
  kind: 'data';
  /** Offset of the record within the data section. */
  offset: number;
}
/** `undefined` = no data for this half of the address space. */
type Slot = TreeNode | DataLeaf | undefined;

function parseCidr(cidr: string): { address: number; prefix: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(match?.[5]);
  if (!match || octets.some((o) => o > 255) || prefix > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  // Reject host bits rather than silently masking them: it is almost always a typo in a fixture.
  if (prefix < 32 && address % 2 ** (32 - prefix) !== 0) throw new Error(`host bits set in ${cidr}`);
  return { address, prefix };
}

const bitAt = (address: number, depth: number) => ((address >>> (31 - depth)) & 1) as 0 | 1;

function insert(root: TreeNode, address: number, prefix: number, leaf: DataLeaf): void {
  if (prefix === 0) {
    // The root must stay a node (node 0), so /0 means "both halves point at the data".
    root.children = [leaf, leaf];
    return;
  }
  let node = root;
  for (let depth = 0; depth < prefix - 1; depth++) {
    const bit = bitAt(address, depth);
    let next = node.children[bit];
    if (next?.kind !== 'node') {
      // Either empty, or a shorter network already covers this range: split it so both halves
      // keep the shorter network's data and only our sub-range gets overridden below.
      next = { kind: 'node', children: [next, next] };
      node.children[bit] = next;
    }
    node = next;
  }
  node.children[bitAt(address, prefix - 1)] = leaf;
}

// ---------------------------------------------------------------------------------------------
// The database
// ---------------------------------------------------------------------------------------------

const DATA_SECTION_SEPARATOR = Buffer.alloc(16);
const METADATA_MARKER = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com', 'ascii')]);
const RECORD_MAX = 2 ** 24 - 1;

/**
 * Builds a GeoLite2-ASN-shaped IPv4 database. Overlapping networks are allowed, and, as in real
 * databases, the most specific one wins regardless of input order.
 */
export function buildAsnDatabase(networks: AsnNetwork[], options: AsnDatabaseOptions = {}): Buffer {
  const { databaseType = 'GeoLite2-ASN', buildEpoch = Math.floor(Date.now() / 1000) } = options;

  // Data section: one encoded record per distinct (asn, organization), shared by its networks.
  const records: Buffer[] = [];
  const offsets = new Map<string, number>();
  let dataSize = 0;
  const leafFor = (asn: number, organization: string): DataLeaf => {
    const key = JSON.stringify([asn, organization]);
    let offset = offsets.get(key);
    if (offset === undefined) {
      const record = encode({ autonomous_system_number: uint32(asn), autonomous_system_organization: organization });
      offset = dataSize;
      offsets.set(key, offset);
      records.push(record);
      dataSize += record.length;
    }
    return { kind: 'data', offset };
  };

  // Insert shortest prefixes first so longer ones split them (see `insert`).
  const parsed = networks.map((n) => ({ ...n, ...parseCidr(n.cidr) })).sort((a, b) => a.prefix - b.prefix);
  const seen = new Set<string>();
  const root: TreeNode = { kind: 'node', children: [undefined, undefined] };
  for (const n of parsed) {
    if (seen.has(n.cidr)) throw new Error(`duplicate network ${n.cidr}`);
    seen.add(n.cidr);
    if (!Number.isInteger(n.asn) || n.asn < 0 || n.asn > 0xffff_ffff) throw new RangeError(`ASN not a uint32: ${n.asn}`);
    insert(root, n.address, n.prefix, leafFor(n.asn, n.organization));
  }

  // Number the nodes breadth-first; the root must be node 0.
  const nodes: TreeNode[] = [root];
  const numbers = new Map<TreeNode, number>([[root, 0]]);
  for (let i = 0; i < nodes.length; i++) {
    for (const child of nodes[i]!.children) {
      if (child?.kind === 'node' && !numbers.has(child)) {
        numbers.set(child, nodes.length);
        nodes.push(child);
      }
    }
  }
  const nodeCount = nodes.length;

  // Record values: a node number, node_count for "no data", or node_count + 16 + data offset
  // (the reader subtracts node_count and the 16-byte separator to find the data).
  const recordValue = (slot: Slot): number => {
    const value = slot === undefined ? nodeCount : slot.kind === 'node' ? numbers.get(slot)! : nodeCount + 16 + slot.offset;
    if (value > RECORD_MAX) throw new RangeError('database too large for 24-bit records');
    return value;
  };
  // Each node is two 24-bit big-endian records: left (bit 0), then right (bit 1).
  const tree = Buffer.alloc(nodeCount * 6);
  nodes.forEach((node, i) => {
    tree.writeUIntBE(recordValue(node.children[0]), i * 6, 3);
    tree.writeUIntBE(recordValue(node.children[1]), i * 6 + 3, 3);
  });

  const metadata = encode({
    binary_format_major_version: uint16(2),
    binary_format_minor_version: uint16(0),
    build_epoch: uint64(buildEpoch),
    database_type: databaseType,
    description: { en: `${databaseType} test fixture` },
    ip_version: uint16(4),
    languages: ['en'],
    node_count: uint32(nodeCount),
    record_size: uint16(24),
  });

  return Buffer.concat([tree, DATA_SECTION_SEPARATOR, ...records, METADATA_MARKER, metadata]);
}
