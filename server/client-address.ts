/**
 * Which "address" a client counts as, for per-address limits. IPv4 addresses count one by one; IPv6 addresses by
 * their /64 prefix, since one host commonly holds a whole /64 and can pick any address in it. An IPv4 address mapped
 * into IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket reports) counts as the IPv4 address.
 */
import { isIP } from 'node:net';

export function getAddressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.split('%')[0]!; // an IPv6 zone (`fe80::1%eth0`) is not part of the address
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIP(bare) !== 6) return bare;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  // A trailing dotted IPv4 part (`64:ff9b::192.0.2.1`) fills two groups; only the first four matter here.
  const count = (part: string[]) => part.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - count(left) - count(right)).fill('0');
  const prefix = [...left, ...zeros, ...right].slice(0, 4).map((group) => parseInt(group, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}

/**
 * The client's address for a request. Behind a reverse proxy every socket comes from the proxy; with `trustProxy`
 * the address is the last `X-Forwarded-For` entry, the one the nearest proxy appended (entries before it are what
 * the client claimed). Without it the header is ignored: any client could send it.
 */
export function getClientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: boolean,
): string | undefined {
  if (!trustProxy || forwardedFor === undefined) return socketAddress;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const last = header.split(',').at(-1)?.trim() ?? '';
  return isIP(last) ? last : socketAddress;
}
