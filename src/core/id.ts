import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/** Prefixes of the reference's identifiers (`ses_...`, `msg_...`). */
export const ID_PREFIXES = {
  session: 'ses',
  message: 'msg',
  part: 'prt',
  permission: 'per',
  event: 'evt',
  user: 'usr',
  pty: 'pty',
  tool: 'tool',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

const BASE62 = '0123456789ABCDEFGHIJKLMNabcdefghijklmnopqrstuvwxyzOPQRSTUVWXYZ';
const RANDOM_LENGTH = 14;
const TIME_HEX_LENGTH = 12;

/**
 * Generates time-ordered ids in the reference's format: prefix, 12 hex digits of
 * (milliseconds * 4096 + counter), then 14 random base62 characters. Ascending ids sort oldest
 * first; descending ids (sessions) invert the time bits so that they sort newest first.
 * One instance per process (a global provider), so ids stay ordered across every module.
 */
@Injectable()
export class IdGenerator {
  private lastTimestamp = 0;
  private counter = 0;

  ascending(kind: IdKind): string {
    return this.create(kind, false);
  }

  descending(kind: IdKind): string {
    return this.create(kind, true);
  }

  private create(kind: IdKind, descending: boolean): string {
    const now = Date.now();
    if (now !== this.lastTimestamp) {
      this.lastTimestamp = now;
      this.counter = 0;
    }
    this.counter++;
    let value = BigInt(now) * BigInt(0x1000) + BigInt(this.counter);
    if (descending) value = ~value & ((BigInt(1) << BigInt(48)) - BigInt(1));
    const time = value.toString(16).padStart(TIME_HEX_LENGTH, '0').slice(-TIME_HEX_LENGTH);
    return `${ID_PREFIXES[kind]}_${time}${randomBase62(RANDOM_LENGTH)}`;
  }
}

function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += BASE62[byte % 62];
  return out;
}

/**
 * Pattern an id of the given kind must match to be looked up (path parameters). Loose on the
 * body so ids minted by other opencode versions still resolve; strict on the prefix and alphabet.
 */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-Za-z]{1,64}$`);
}
