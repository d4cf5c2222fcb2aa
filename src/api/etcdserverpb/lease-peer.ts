// The JSON bodies of the peer lease forwarding calls (POST /leases, POST /leases/internal on the
// peer port): 64-bit values as decimal strings, keys as base64.
import type { LeaseTimeToLiveResponse } from './lease.js'

export interface TimeToLiveJSON { ID: string, TTL: string, grantedTTL: string, keys: string[] }

export function timeToLiveToJSON (r: LeaseTimeToLiveResponse): TimeToLiveJSON {
  return {
    ID: r.ID.toString(),
    TTL: r.TTL.toString(),
    grantedTTL: r.grantedTTL.toString(),
    keys: r.keys.map((k) => Buffer.from(k).toString('base64'))
  }
}
