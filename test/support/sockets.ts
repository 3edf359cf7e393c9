// The sockets a process holds, from /proc: its socket inodes (/proc/PID/fd) looked up in the
// kernel's tables (/proc/PID/net/*), to check what it listens on.
import * as fs from 'node:fs';

export interface InetSocket {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  /** The local address as the kernel lists it (hex, in network byte order per 32-bit word). */
  localHex: string;
  listening: boolean;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1] as string);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** The TCP and UDP sockets of a process (IPv4 and IPv6). */
export function inetSockets(pid: number): InetSocket[] {
  const inodes = socketInodes(pid);
  const sockets: InetSocket[] = [];
  for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    for (const row of fs.readFileSync(`/proc/${pid}/net/${protocol}`, 'utf8').split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      if (fields.length < 10 || !inodes.has(fields[9] as string)) continue;
      const [localHex] = (fields[1] as string).split(':');
      // TCP state 0A is LISTEN; a bound UDP socket receives from anyone who can reach it.
      sockets.push({ protocol, localHex: localHex as string, listening: protocol.startsWith('udp') || fields[3] === '0A' });
    }
  }
  return sockets;
}

/** Whether a /proc/net address is loopback: 127.0.0.0/8 or ::1 (also as ::ffff:127.x.x.x). */
export function isLoopback(socket: InetSocket): boolean {
  const hex = socket.localHex;
  if (hex.length === 8) return hex.endsWith('7F'); // little-endian 32-bit word: 127 is the last byte
  return hex === '00000000000000000000000001000000' || (hex.startsWith('0000000000000000FFFF0000') && hex.endsWith('7F'));
}

/** Listening Unix sockets of a process (the kernel flag __SO_ACCEPTCON). */
export function listeningUnixSockets(pid: number): string[] {
  const inodes = socketInodes(pid);
  return fs
    .readFileSync(`/proc/${pid}/net/unix`, 'utf8')
    .split('\n')
    .slice(1)
    .map((row) => row.trim().split(/\s+/))
    .filter((fields) => fields.length >= 7 && inodes.has(fields[6] as string) && (parseInt(fields[3] as string, 16) & 0x10000) !== 0)
    .map((fields) => fields[7] ?? '(unnamed)');
}
