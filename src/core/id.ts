import { Injectable } from '@nestjs/common';
import { randomFillSync } from 'node:crypto';

/** Prefixes of the reference's identifiers (`ses_...`, `msg_...`). */
export const ID_PREFIXES = {
  session: 'ses',
  message: 'msg',
  part: 'prt',
  permission: 'per',
  question: 'que',
  event: 'evt',
  user: 'usr',
  pty: 'pty',
  tool: 'tool',
  workspace: 'wrk',
  credential: 'cred',
  attempt: 'con',
  savedPermission: 'psv',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

const BASE62 = '0123456789ABCDEFGHIJKLMNabcdefghijklmnopqrstuvwxyzOPQRSTUVWXYZ';
const RANDOM_LENGTH = 14;
const TIME_HEX_LENGTH = 12;
const RANDOM_BLOCK_BYTES = 4096;

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
  /**
   * Random bytes drawn a block at a time: an id is minted for every event (each streamed token),
   * and a `randomBytes` call per id costs a syscall-backed fill and a fresh buffer each time.
   */
  private readonly random = Buffer.alloc(RANDOM_BLOCK_BYTES);
  private randomOffset = RANDOM_BLOCK_BYTES;

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
    return `${ID_PREFIXES[kind]}_${time}${this.randomBase62(RANDOM_LENGTH)}`;
  }

  private randomBase62(length: number): string {
    if (this.randomOffset + length > RANDOM_BLOCK_BYTES) {
      randomFillSync(this.random);
      this.randomOffset = 0;
    }
    let out = '';
    for (let index = 0; index < length; index++)
      out += BASE62[this.random[this.randomOffset++] % 62];
    return out;
  }
}

/**
 * Pattern an id of the given kind must match to be looked up (path parameters). Loose on the
 * body so ids minted by other opencode versions still resolve; strict on the prefix and alphabet.
 */
export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-Za-z]{1,64}$`);
}

/** Orders ids as stored and listed: by code unit, which for ascending ids is time order. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
