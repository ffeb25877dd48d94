/**
 * Typed chain reads over a blockstore, as Lotus's ChainStore offers them: block
 * headers, tipsets, messages of a block, and the head-change path between two
 * tipsets. Decoded headers and tipsets are cached by CID / TipSetKey (immutable).
 * Source of behaviour: lotus chain/store/store.go (LoadTipSet, ReorgOps),
 * chain/store/messages.go (MessagesForBlock, ReadMsgMetaCids).
 */
import type { HeadChange } from '../chain/head-change.js';
import { LRUCache } from 'lru-cache';
import { CID } from '../chain/cid.js';
import { amtCids } from '../chain/amt.js';
import { type BlockHeader, type Message, type SignedMessage, decodeBlockHeader, decodeChainMessage, decodeTxMeta } from '../chain/types.js';
import { peekMessage } from '../chain/message-peek.js';
import { TipSet, type TipSetKey, tipSetKeyString } from '../chain/tipset.js';
import type { Blockstore } from './types.js';

/** A block the read needed is not stored. Message as Lotus's blockstore: `ipld: could not find <cid>`. */
export class BlockNotFoundError extends Error {
  constructor(readonly cid: CID) {
    super(`ipld: could not find ${cid.toString()}`);
    this.name = 'BlockNotFoundError';
  }
}

/** A message of a block, with the CID it is known by (signed CID for secp). */
export interface BlockMessages {
  bls: Array<{ cid: CID; message: Message }>;
  secpk: Array<{ cid: CID; signed: SignedMessage }>;
}

/** A message as a tipset executes it: the CID it is known by, the unsigned message, and the signed one for secp. */
export interface ChainMessage {
  cid: CID;
  message: Message;
  signed: SignedMessage | null;
}


/**
 * A message as a tipset executes it, as the chain index needs it: the CID it is known by,
 * and the signed message only when its signature is delegated (an eth transaction, whose
 * hash the index keeps). Read without decoding the other messages (chain/message-peek.ts).
 */
export interface ExecutedMessageRef {
  cid: CID;
  delegated: SignedMessage | null;
}

/** A message block's selection fields (From as hex, Nonce), for Lotus's per-sender nonce order. */
interface Selectable {
  sender: string;
  nonce: number;
}

/**
 * The messages of a tipset's blocks that it executes, in Lotus's order (chain/store/messages.go
 * BlockMsgsForTipset): blocks in tipset order, BLS then secp per block, each only when its
 * nonce is the next one for its sender.
 */
function selectExecuted<T extends Selectable>(perBlock: ReadonlyArray<{ bls: readonly T[]; secpk: readonly T[] }>): T[] {
  const next = new Map<string, number>();
  const out: T[] = [];
  const take = (x: T): void => {
    const want = next.get(x.sender) ?? x.nonce;
    if (x.nonce !== want) return;
    next.set(x.sender, want + 1);
    out.push(x);
  };
  for (const bm of perBlock) {
    for (const x of bm.bls) take(x);
    for (const x of bm.secpk) take(x);
  }
  return out;
}

const senderKey = (m: Message): string => Buffer.from(m.from).toString('hex');

/** Bounds of a {@link ChainReader}'s decoded-object caches. */
export interface ChainReaderOptions {
  /**
   * Bytes of decoded headers, tipsets and message lists kept (default 256 MiB):
   * an eighth each for headers, tipsets and tipsets' message refs, three eighths for
   * block message lists and two for tipset message lists. Sizes are the encoded bytes
   * plus a fixed per-object overhead, so a tipset of many blocks or a block of large
   * messages costs what it holds, and no key (a 64-block TipSetKey) can grow a cache past its bound.
   */
  cacheBytes?: number;
}

/** Estimated heap cost of a decoded object beyond its encoded bytes (bytes). */
const OBJECT_OVERHEAD = 256;

/** Typed, cached chain reads. */
export class ChainReader {
  private readonly headers: LRUCache<string, { header: BlockHeader; size: number }>;
  private readonly tipsets: LRUCache<string, TipSet>;
  private readonly msgs: LRUCache<string, BlockMessages>;
  private readonly tsMsgs: LRUCache<string, ChainMessage[]>;
  private readonly tsRefs: LRUCache<string, ExecutedMessageRef[]>;
  /** Encoded size of each decoded message (bytes), for the message caches' bounds. */
  private readonly messageSize = new WeakMap<object, number>();
  /**
   * Message lists being read, by cache key: a second caller shares the first one's read. An
   * import derives a tipset's rows while its child reads the same messages for its events;
   * without this each tipset's messages were read and decoded twice.
   */
  private readonly reading = new Map<string, Promise<unknown>>();

  /** `load()` once for concurrent callers of `key`. */
  private shared<T>(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.reading.get(key);
    if (pending) return pending as Promise<T>;
    const p = load().finally(() => this.reading.delete(key));
    this.reading.set(key, p);
    return p;
  }

  constructor(readonly blockstore: Blockstore, opts: ChainReaderOptions = {}) {
    const total = opts.cacheBytes ?? 256 << 20;
    const eighth = Math.max(1, Math.floor(total / 8));
    const sizeOfMessages = (ms: ReadonlyArray<{ message?: Message; signed?: SignedMessage | null }>): number =>
      ms.reduce((n, m) => n + (this.messageSize.get((m.signed ?? m.message)!) ?? 1024) + 64, OBJECT_OVERHEAD);
    this.headers = new LRUCache({ maxSize: eighth, sizeCalculation: (v) => v.size });
    this.tipsets = new LRUCache({
      maxSize: eighth,
      sizeCalculation: (ts) => ts.blocks.reduce((n, b) => n + (this.headers.peek(b.cid.toString())?.size ?? 1024), OBJECT_OVERHEAD),
    });
    this.msgs = new LRUCache({ maxSize: 3 * eighth, sizeCalculation: (v) => sizeOfMessages([...v.bls, ...v.secpk]) });
    this.tsMsgs = new LRUCache({ maxSize: 2 * eighth, sizeCalculation: (v) => sizeOfMessages(v) });
    this.tsRefs = new LRUCache({
      maxSize: eighth,
      sizeCalculation: (v) => v.reduce((n, r) => n + 64 + r.cid.bytes.length + (r.delegated ? (this.messageSize.get(r.delegated) ?? 1024) : 0), OBJECT_OVERHEAD),
    });
  }

  /** What each cache holds now, in its estimated bytes (see {@link ChainReaderOptions}). */
  cachedBytes(): { headers: number; tipsets: number; blockMessages: number; tipsetMessages: number; tipsetMessageRefs: number } {
    return {
      headers: this.headers.calculatedSize,
      tipsets: this.tipsets.calculatedSize,
      blockMessages: this.msgs.calculatedSize,
      tipsetMessages: this.tsMsgs.calculatedSize,
      tipsetMessageRefs: this.tsRefs.calculatedSize,
    };
  }

  /** Raw block bytes. @throws BlockNotFoundError */
  async getBlock(cid: CID): Promise<Uint8Array> {
    const b = await this.blockstore.get(cid);
    if (!b) throw new BlockNotFoundError(cid);
    return b;
  }

  /** A decoded block header. @throws BlockNotFoundError, DecodeError */
  async getHeader(cid: CID): Promise<BlockHeader> {
    const k = cid.toString();
    const hit = this.headers.get(k);
    if (hit) return hit.header;
    const bytes = await this.getBlock(cid);
    const header = decodeBlockHeader(bytes);
    this.headers.set(k, { header, size: bytes.length + OBJECT_OVERHEAD });
    return header;
  }

  /**
   * Load a tipset by key (every header must be readable).
   * @throws BlockNotFoundError for the first missing header; Error for an empty key.
   */
  async loadTipSet(key: TipSetKey): Promise<TipSet> {
    const k = tipSetKeyString(key);
    const hit = this.tipsets.get(k);
    if (hit) return hit;
    if (key.length === 0) throw new Error('cannot load a tipset from an empty key');
    const missing = key.filter((c) => !this.headers.has(c.toString()));
    if (missing.length > 1) {
      const got = await this.blockstore.getMany(missing);
      got.forEach((b, i) => {
        if (b) this.headers.set(missing[i]!.toString(), { header: decodeBlockHeader(b), size: b.length + OBJECT_OVERHEAD });
      });
    }
    const blocks = await Promise.all(key.map(async (cid) => ({ cid, header: await this.getHeader(cid) })));
    const ts = TipSet.create(blocks);
    if (ts.keyString !== k) throw new Error(`tipset key ${k} is not in ticket order (expected ${ts.keyString})`);
    this.tipsets.set(k, ts);
    return ts;
  }

  /** The parent tipset. */
  async parentOf(ts: TipSet): Promise<TipSet> {
    return this.loadTipSet(ts.parents);
  }

  /**
   * The tipset at `height` on the chain ending at `from`: the greatest height ≤
   * `height` when `prev` (null rounds give the tipset before), else the smallest
   * height ≥ `height` (walks parents; callers bound the distance).
   */
  async walkBack(from: TipSet, height: number, prev: boolean): Promise<TipSet> {
    let ts = from;
    for (;;) {
      if (ts.height <= height) return ts;
      const parent = await this.parentOf(ts);
      if (parent.height < height) return prev ? parent : ts;
      ts = parent;
    }
  }

  /**
   * The head changes that move a head from `from` to `to`: reverts from `from`
   * downwards, then applies ascending to `to` (Lotus ReorgOps).
   */
  async path(from: TipSet, to: TipSet): Promise<HeadChange[]> {
    let left = from;
    let right = to;
    const reverts: TipSet[] = [];
    const applies: TipSet[] = [];
    while (!left.equals(right)) {
      if (left.height > right.height) {
        reverts.push(left);
        left = await this.parentOf(left);
      } else {
        applies.push(right);
        right = await this.parentOf(right);
      }
    }
    return [...reverts.map((t) => ({ type: 'revert' as const, tipset: t })), ...applies.reverse().map((t) => ({ type: 'apply' as const, tipset: t }))];
  }

  /**
   * The messages a block includes: BLS then secp, each in AMT order.
   * @throws BlockNotFoundError when the TxMeta, an AMT node or a message is missing.
   */
  async messagesForBlock(header: BlockHeader): Promise<BlockMessages> {
    const k = header.messages.toString();
    const hit = this.msgs.get(k);
    if (hit) return hit;
    return this.shared(`b${k}`, () => this.readBlockMessages(header, k));
  }

  /** A block's message CIDs (its TxMeta's two AMTs) and their stored bytes, null where absent. */
  private async messageBlocks(header: BlockHeader): Promise<{ blsCids: CID[]; secpCids: CID[]; blsBytes: Array<Uint8Array | null>; secpBytes: Array<Uint8Array | null> }> {
    const meta = decodeTxMeta(await this.getBlock(header.messages));
    const get = (c: CID): Promise<Uint8Array | null> => this.blockstore.get(c);
    const [blsCids, secpCids] = await Promise.all([amtCids(get, meta.blsMessages), amtCids(get, meta.secpkMessages)]);
    const [blsBytes, secpBytes] = await Promise.all([this.blockstore.getMany(blsCids), this.blockstore.getMany(secpCids)]);
    return { blsCids, secpCids, blsBytes, secpBytes };
  }

  private async readBlockMessages(header: BlockHeader, k: string): Promise<BlockMessages> {
    const { blsCids, secpCids, blsBytes, secpBytes } = await this.messageBlocks(header);
    const out: BlockMessages = {
      bls: blsCids.map((cid, i) => {
        const b = blsBytes[i];
        if (!b) throw new BlockNotFoundError(cid);
        const message = decodeChainMessage(b).message;
        this.messageSize.set(message, b.length);
        return { cid, message };
      }),
      secpk: secpCids.map((cid, i) => {
        const b = secpBytes[i];
        if (!b) throw new BlockNotFoundError(cid);
        const d = decodeChainMessage(b);
        if (!d.signed) throw new Error(`secp message ${cid.toString()} is not a SignedMessage`);
        this.messageSize.set(d.signed, b.length);
        this.messageSize.set(d.signed.message, b.length);
        return { cid, signed: d.signed };
      }),
    };
    this.msgs.set(k, out);
    return out;
  }

  /**
   * The messages a tipset executes, in Lotus's order (chain/store/messages.go
   * BlockMsgsForTipset): blocks in tipset order, BLS then secp per block, and a
   * message only when its nonce is the next one for its sender — so a message
   * included by two blocks, or one whose nonce repeats or skips, appears once or
   * not at all. Senders are keyed by the From address as written (Lotus resolves
   * them to ID addresses only from the Hyperdrive upgrade, height 892800 on
   * mainnet, when the state tree is available).
   * @throws BlockNotFoundError when a TxMeta, AMT node or message is missing.
   */
  async messagesForTipset(ts: TipSet): Promise<ChainMessage[]> {
    const hit = this.tsMsgs.get(ts.keyString);
    if (hit) return hit;
    return this.shared(`t${ts.keyString}`, () => this.readTipSetMessages(ts));
  }

  private async readTipSetMessages(ts: TipSet): Promise<ChainMessage[]> {
    const perBlock = await Promise.all(
      ts.blocks.map(async (b): Promise<{ bls: Array<Selectable & { m: ChainMessage }>; secpk: Array<Selectable & { m: ChainMessage }> }> => {
        const bm = await this.messagesForBlock(b.header);
        return {
          bls: bm.bls.map((x) => ({ sender: senderKey(x.message), nonce: x.message.nonce, m: { cid: x.cid, message: x.message, signed: null } })),
          secpk: bm.secpk.map((x) => ({ sender: senderKey(x.signed.message), nonce: x.signed.message.nonce, m: { cid: x.cid, message: x.signed.message, signed: x.signed } })),
        };
      }),
    );
    const out: ChainMessage[] = selectExecuted(perBlock).map((x) => x.m);
    this.tsMsgs.set(ts.keyString, out);
    return out;
  }

  /**
   * The messages a tipset executes, in the order and selection of {@link messagesForTipset},
   * as CIDs (and the signed message of delegated ones): what the chain index writes. Reads
   * From, Nonce and the signature type of each message block without decoding it in full
   * (chain/message-peek.ts), so indexing a snapshot does not build every message's objects.
   * @throws BlockNotFoundError when a TxMeta, AMT node or message is missing; DecodeError
   * when a message block does not decode
   */
  async messageRefsForTipset(ts: TipSet): Promise<ExecutedMessageRef[]> {
    const hit = this.tsRefs.get(ts.keyString) ?? this.tsMsgs.get(ts.keyString)?.map((m) => ({ cid: m.cid, delegated: m.signed?.signature.type === 3 ? m.signed : null }));
    if (hit) return hit;
    return this.shared(`r${ts.keyString}`, async () => {
      const perBlock = await Promise.all(ts.blocks.map((b) => this.messageRefsForBlock(b.header)));
      const out = selectExecuted(perBlock).map((x) => ({ cid: x.cid, delegated: x.delegated }));
      this.tsRefs.set(ts.keyString, out);
      return out;
    });
  }

  /** A block's messages as selection fields and refs (BLS then secp, in AMT order). */
  private async messageRefsForBlock(header: BlockHeader): Promise<{ bls: Array<Selectable & ExecutedMessageRef>; secpk: Array<Selectable & ExecutedMessageRef> }> {
    const { blsCids, secpCids, blsBytes, secpBytes } = await this.messageBlocks(header);
    const ref = (cid: CID, b: Uint8Array | null | undefined, secp: boolean): Selectable & ExecutedMessageRef => {
      if (!b) throw new BlockNotFoundError(cid);
      const peek = peekMessage(b);
      // signed exactly when listed as secp, and not delegated: the peek is all the index needs
      if (peek && (peek.signatureType !== null) === secp && peek.signatureType !== 3) return { cid, sender: Buffer.from(peek.from).toString('hex'), nonce: peek.nonce, delegated: null };
      // not the canonical shape, or a delegated signature: decode in full (which throws for a malformed block)
      const d = decodeChainMessage(b);
      if (secp && !d.signed) throw new Error(`secp message ${cid.toString()} is not a SignedMessage`);
      if (secp) this.messageSize.set(d.signed!, b.length);
      return { cid, sender: senderKey(d.message), nonce: d.message.nonce, delegated: secp && d.signed!.signature.type === 3 ? d.signed : null };
    };
    return { bls: blsCids.map((cid, i) => ref(cid, blsBytes[i], false)), secpk: secpCids.map((cid, i) => ref(cid, secpBytes[i], true)) };
  }

  /** A message by CID: unsigned (BLS) or signed (secp). @throws BlockNotFoundError */
  async getMessage(cid: CID): Promise<{ message: Message; signed: SignedMessage | null }> {
    return decodeChainMessage(await this.getBlock(cid));
  }
}

