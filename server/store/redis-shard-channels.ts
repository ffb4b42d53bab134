/**
 * Channels of sharded pub/sub on Redis Cluster: one per hash slot, `<prefix>events{<tag>}` with a tag that hashes to
 * that slot. A script may `SPUBLISH` only to a channel of its own slot, so a user's events go to the channel of the
 * user's slot; each instance subscribes to all 16384, and each shard carries only the events of its slots.
 */

const SLOTS = 16384;

/** CRC16/XMODEM, Redis Cluster's key hash (cluster spec, appendix A). */
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The hash slot of a key: of its hash tag (the first non-empty `{…}`) when it has one. */
export function getKeySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return crc16(close > open + 1 ? key.slice(open + 1, close) : key) % SLOTS;
}

let tags: string[] | null = null;

/** The shortest base-36 counter that hashes to each slot (found once, ~170,000 hashes, a few ms). */
function getSlotTags(): string[] {
  if (tags) return tags;
  const found: string[] = new Array<string>(SLOTS);
  let missing = SLOTS;
  for (let n = 0; missing > 0; n++) {
    const tag = n.toString(36);
    const slot = crc16(tag) % SLOTS;
    if (found[slot] === undefined) {
      found[slot] = tag;
      missing--;
    }
  }
  tags = found;
  return found;
}

/** The events channel in the same slot as `key` (a user's key). */
export function getShardChannel(prefix: string, key: string): string {
  return `${prefix}events{${getSlotTags()[getKeySlot(key)]!}}`;
}

/** Every events channel, one per slot, in slot order. */
export function getAllShardChannels(prefix: string): string[] {
  return getSlotTags().map((tag) => `${prefix}events{${tag}}`);
}
