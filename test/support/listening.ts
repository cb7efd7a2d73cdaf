/**
 * Where a TCP port is listened on, read from the kernel (/proc/net/tcp and tcp6), and whether it
 * can be reached on an address of this machine that is not loopback: the two checks that a local
 * emulator or server is bound to 127.0.0.1 only.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';

/** TCP state LISTEN in /proc/net/tcp. */
const LISTEN = '0A';

function ipv4(hex: string): string {
  // /proc/net/tcp writes the address as one little-endian 32-bit word.
  const bytes = (hex.match(/../g) ?? []).map((b) => Number.parseInt(b, 16)).reverse();
  return bytes.join('.');
}

function ipv6(hex: string): string {
  // Four little-endian 32-bit words.
  const words = (hex.match(/.{8}/g) ?? []).map((w) => (w.match(/../g) ?? []).reverse().join(''));
  const groups = words.join('').match(/.{4}/g) ?? [];
  const text = groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':');
  if (text === '0:0:0:0:0:ffff:7f00:1') return '::ffff:127.0.0.1';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  if (text === '0:0:0:0:0:0:0:0') return '::';
  return text;
}

/**
 * The local addresses on which something listens on `port` (every process of the machine).
 *
 * @param port - the TCP port
 * @returns addresses such as `127.0.0.1`, `::ffff:127.0.0.1`, `0.0.0.0` or `::`
 * @throws Error when /proc/net is not there to read (not Linux)
 */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const [file, decode] of [
    ['/proc/net/tcp', ipv4],
    ['/proc/net/tcp6', ipv6],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if (file.endsWith('6')) continue; // a kernel without IPv6
      throw new Error(`cannot read ${file} to see where port ${port} listens: ${(error as Error).message}`);
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (local === undefined || fields[3] !== LISTEN) continue;
      const [address, portHex] = local.split(':');
      if (address === undefined || portHex === undefined) continue;
      if (Number.parseInt(portHex, 16) === port) found.push(decode(address));
    }
  }
  return found;
}

/** Loopback addresses a listener may be bound to. */
export const LOOPBACK = ['127.0.0.1', '::ffff:127.0.0.1', '::1'];

/**
 * The first address of this machine that is not loopback (IPv4 first), or why there is none.
 *
 * @returns the address, or the reason the reachability check cannot be made
 */
export function nonLoopbackAddress(): { readonly address: string } | { readonly none: string } {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && !a.address.startsWith('fe80:'));
  const chosen = addresses.find((a) => a?.family === 'IPv4') ?? addresses[0];
  return chosen
    ? { address: chosen.address }
    : { none: 'this machine has no network interface but loopback, so nothing else could reach it' };
}

/**
 * Whether a TCP connection to `address:port` is accepted within a second.
 *
 * @param address - an IP address
 * @param port - the port
 * @returns true when it connected; false when refused or timed out
 */
export function reachable(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 1_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Asserts-ready summary of how `port` is exposed: where it listens, and whether it answers on an
 * address that is not loopback (or why that cannot be checked here).
 *
 * @param port - the port
 * @returns the listening addresses and the outside check
 */
export async function exposure(port: number): Promise<{
  readonly listening: string[];
  readonly outside: { readonly address: string; readonly reachable: boolean } | { readonly none: string };
}> {
  const listening = listeningAddresses(port);
  const other = nonLoopbackAddress();
  if ('none' in other) return { listening, outside: other };
  return { listening, outside: { address: other.address, reachable: await reachable(other.address, port) } };
}
