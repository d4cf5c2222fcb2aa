// POST /v3/lock/{lock,unlock} (gateway spec §5.7): lock long-polls until the lock is held; a
// client that goes away while waiting gives its place up. Errors are code 2 (§3.4).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseJSONBody } from '../../src/api/codec.js'
import { ErrorJson } from '../../src/api/etcdserverpb/kv-json.js'
import {
  LockRequestJson, LockResponseJson, UnlockRequestJson, UnlockResponseJson, decodeLockRequest, decodeUnlockRequest,
  encodeLockResponse, encodeUnlockResponse
} from '../../src/api/v3lockpb/lock.js'
import { toUnknownError } from '../../src/api/rpctypes/errors.js'
import { sendJSON, type GatewayRouteOptions } from './kv.js'

const tags = ['Lock']
const security = [{ Authorization: [] }]

/** An AbortSignal that fires when the client disconnects before the answer went out. */
export function clientGone (reply: FastifyReply): AbortSignal {
  const ac = new AbortController()
  reply.raw.on('close', () => { if (!reply.raw.writableEnded) ac.abort() })
  return ac.signal
}

/** Decodes a lock/election body; a bad body is code 2 like every other error of these services. */
export function decodeBody<T> (req: FastifyRequest, decode: (v: unknown) => T): T {
  try {
    return decode(parseJSONBody(req.body as string | undefined))
  } catch (err) {
    throw toUnknownError(err, true)
  }
}

export default async function lockRoutes (app: FastifyInstance, _opts: GatewayRouteOptions): Promise<void> {
  app.post('/lock/lock', {
    schema: {
      operationId: 'Lock_Lock',
      summary: 'Lock acquires a distributed shared lock on a given named lock. On success, it will return a unique key that exists so long as the lock is held by the caller. This key can be used in conjunction with transactions to safely ensure updates to etcd only occur while holding lock ownership. The lock is held until Unlock is called on the key or the lease associate with the owner expires.',
      tags,
      security,
      body: LockRequestJson,
      response: { 200: LockResponseJson, default: ErrorJson }
    }
  }, async (req, reply) => sendJSON(reply, encodeLockResponse(await app.etcd.lock.lock(decodeBody(req, decodeLockRequest), clientGone(reply)))))

  app.post('/lock/unlock', {
    schema: {
      operationId: 'Lock_Unlock',
      summary: 'Unlock takes a key returned by Lock and releases the hold on lock. The next Lock caller waiting for the lock will then be woken up and given ownership of the lock.',
      tags,
      security,
      body: UnlockRequestJson,
      response: { 200: UnlockResponseJson, default: ErrorJson }
    }
  }, async (req, reply) => sendJSON(reply, encodeUnlockResponse(await app.etcd.lock.unlock(decodeBody(req, decodeUnlockRequest)))))
}
