/**
 * The four Lua scripts of the claim protocol. Each touches one key (cluster-safe) and runs
 * atomically inside Redis, so "read the value, then act on it" cannot interleave with another
 * instance.
 */
import { createHash } from 'node:crypto';

/** The value of a key whose delivery was processed; leases hold a claim token instead. */
export const COMPLETED_MARKER = 'completed';

export interface LuaScript {
  readonly name: 'claim' | 'complete' | 'release' | 'renew';
  readonly source: string;
  /** SHA-1 of `source`, for EVALSHA. */
  readonly sha: string;
}

function script(name: LuaScript['name'], source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Claim reply codes. */
export const CLAIMED = 1;
export const ALREADY_COMPLETED = 2;
export const IN_FLIGHT = 3;

/**
 * KEYS[1] id key; ARGV[1] token, ARGV[2] lease ms, ARGV[3] completed marker.
 * `SET NX PX` takes a free id; otherwise the current value tells completed from leased.
 */
export const CLAIM = script(
  'claim',
  `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return ${CLAIMED}
end
if redis.call('GET', KEYS[1]) == ARGV[3] then
  return ${ALREADY_COMPLETED}
end
return ${IN_FLIGHT}`,
);

/**
 * KEYS[1] id key; ARGV[1] token, ARGV[2] completed marker, ARGV[3] completed TTL ms.
 * Marks the id processed while the caller still holds the lease, or when the lease lapsed and
 * nobody claimed the id since (the handlers did succeed). Another instance's lease is never
 * touched. Returns 1 when recorded, 0 otherwise.
 */
export const COMPLETE = script(
  'complete',
  `local current = redis.call('GET', KEYS[1])
if current == ARGV[1] or current == false then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`,
);

/**
 * KEYS[1] id key; ARGV[1] token. Compare-and-delete: frees the id only while the caller still
 * holds the lease. Returns 1 when deleted, 0 otherwise.
 */
export const RELEASE = script(
  'release',
  `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`,
);

/**
 * KEYS[1] id key; ARGV[1] token, ARGV[2] lease ms. Compare-and-extend: restarts the lease from
 * now only while the caller still holds it. A lapsed lease is gone from Redis, so it is never
 * revived: another instance may have claimed the id since. Returns 1 when renewed, 0 otherwise.
 */
export const RENEW = script(
  'renew',
  `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`,
);
