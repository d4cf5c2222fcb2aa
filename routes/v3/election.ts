// POST /v3/election/{campaign,proclaim,leader,observe,resign} (gateway spec §5.8). Campaign
// long-polls until elected; observe is an NDJSON stream of leader values that lasts until the
// client disconnects or the listener shuts down. Errors are code 2 (§3.4).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorJson } from '../../src/api/etcdserverpb/kv-json.js'
import {
  CampaignRequestJson, CampaignResponseJson, HeaderOnlyJson, LeaderRequestJson, LeaderResponseJson, ObserveResultJson,
  ProclaimRequestJson, ResignRequestJson, decodeCampaignRequest, decodeLeaderRequest, decodeProclaimRequest,
  decodeResignRequest, encodeCampaignResponse, encodeLeaderResponse, encodeProclaimResponse, encodeResignResponse
} from '../../src/api/v3electionpb/election.js'
import { toUnknownError } from '../../src/api/rpctypes/errors.js'
import { sendJSON, type GatewayRouteOptions } from './kv.js'
import { clientGone, decodeBody } from './lock.js'
import { NDJSONResponse, OpenStreams } from './watch.js'

const tags = ['Election']
const security = [{ Authorization: [] }]

function schema (operationId: string, summary: string, body: unknown, ok: unknown): Record<string, unknown> {
  return { operationId, summary, tags, security, body, response: { 200: ok, default: ErrorJson } }
}

export default async function electionRoutes (app: FastifyInstance, _opts: GatewayRouteOptions): Promise<void> {
  const streams = new OpenStreams()
  app.addHook('preClose', (done) => { streams.closeAll(); done() })
  const el = (): typeof app.etcd.election => app.etcd.election

  app.post('/election/campaign', {
    schema: schema('Election_Campaign', 'Campaign waits to acquire leadership in an election, returning a LeaderKey representing the leadership if successful. The LeaderKey can then be used to issue new values on the election, transactionally guard API requests on leadership still being held, and resign from the election.', CampaignRequestJson, CampaignResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeCampaignResponse(await el().campaign(decodeBody(req, decodeCampaignRequest), clientGone(reply)))))

  app.post('/election/proclaim', {
    schema: schema('Election_Proclaim', 'Proclaim updates the leader\'s posted value with a new value.', ProclaimRequestJson, HeaderOnlyJson)
  }, async (req, reply) => sendJSON(reply, encodeProclaimResponse(await el().proclaim(decodeBody(req, decodeProclaimRequest)))))

  app.post('/election/leader', {
    schema: schema('Election_Leader', 'Leader returns the current election proclamation, if any.', LeaderRequestJson, LeaderResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeLeaderResponse(await el().leader(decodeBody(req, decodeLeaderRequest)))))

  app.post('/election/resign', {
    schema: schema('Election_Resign', 'Resign releases election leadership so other campaigners may acquire leadership on the election.', ResignRequestJson, HeaderOnlyJson)
  }, async (req, reply) => sendJSON(reply, encodeResignResponse(await el().resign(decodeBody(req, decodeResignRequest)))))

  app.post('/election/observe', {
    schema: {
      ...schema('Election_Observe', 'Observe streams election proclamations in-order as made by the election\'s elected leaders.', LeaderRequestJson, ObserveResultJson),
      description: 'NDJSON stream: the current leader value (waiting for one if none), every proclamation, then the next leader.'
    }
  }, async (req: FastifyRequest, reply: FastifyReply) => {
    const r = decodeBody(req, decodeLeaderRequest)
    reply.hijack()
    const out = new NDJSONResponse(reply.raw)
    const ac = new AbortController()
    const forget = streams.add(() => { ac.abort(); out.shutdown() })
    reply.raw.on('close', () => { forget(); ac.abort() })
    try {
      await el().observe(r, async (resp) => {
        if (!out.result(encodeLeaderResponse(resp))) await out.drained()
      }, ac.signal)
    } catch (err) {
      if (!ac.signal.aborted) out.fail(toUnknownError(err))
    }
  })
}
