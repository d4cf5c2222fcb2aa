// POST /cluster/member/{add,remove,update,list,promote} (etcd's Cluster service, gateway spec
// §5.4) and POST /maintenance/transfer-leadership (MoveLeader). Thin, as etcd's
// v3rpc/member.go: decode the body, call the core, encode the answer; errors go to the client
// API's error handler.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseJSONBody } from '../../src/api/codec.js'
import { ErrorJson } from '../../src/api/etcdserverpb/kv-json.js'
import {
  MemberAddRequestJson, MemberAddResponseJson, MemberListRequestJson, MemberListResponseJson, MemberPromoteRequestJson,
  MemberPromoteResponseJson, MemberRemoveRequestJson, MemberRemoveResponseJson, MemberUpdateRequestJson,
  MemberUpdateResponseJson, MoveLeaderRequestJson, MoveLeaderResponseJson, decodeMemberAddRequest, decodeMemberListRequest,
  decodeMemberPromoteRequest, decodeMemberRemoveRequest, decodeMemberUpdateRequest, decodeMoveLeaderRequest,
  encodeMemberAddResponse, encodeMemberListResponse, encodeMemberPromoteResponse, encodeMemberRemoveResponse,
  encodeMemberUpdateResponse, encodeMoveLeaderResponse, type ClusterServer
} from '../../src/api/etcdserverpb/cluster.js'
import { sendJSON, type GatewayRouteOptions } from './kv.js'

const security = [{ Authorization: [] }]

function schema (tag: string, operationId: string, summary: string, body: unknown, ok: unknown): Record<string, unknown> {
  return { operationId, summary, tags: [tag], security, body, response: { 200: ok, default: ErrorJson } }
}

export default async function clusterRoutes (app: FastifyInstance, _opts: GatewayRouteOptions): Promise<void> {
  const etcd = (): ClusterServer => app.etcd.clusterService
  const body = (req: FastifyRequest): unknown => parseJSONBody(req.body as string | undefined)

  app.post('/cluster/member/add', {
    schema: schema('Cluster', 'Cluster_MemberAdd', 'MemberAdd adds a member into the cluster.', MemberAddRequestJson, MemberAddResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeMemberAddResponse(await etcd().memberAdd(decodeMemberAddRequest(body(req))))))

  app.post('/cluster/member/remove', {
    schema: schema('Cluster', 'Cluster_MemberRemove', 'MemberRemove removes an existing member from the cluster.', MemberRemoveRequestJson, MemberRemoveResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeMemberRemoveResponse(await etcd().memberRemove(decodeMemberRemoveRequest(body(req))))))

  app.post('/cluster/member/update', {
    schema: schema('Cluster', 'Cluster_MemberUpdate', 'MemberUpdate updates the member configuration.', MemberUpdateRequestJson, MemberUpdateResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeMemberUpdateResponse(await etcd().memberUpdate(decodeMemberUpdateRequest(body(req))))))

  app.post('/cluster/member/list', {
    schema: schema('Cluster', 'Cluster_MemberList', 'MemberList lists all the members in the cluster.', MemberListRequestJson, MemberListResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeMemberListResponse(await etcd().memberList(decodeMemberListRequest(body(req))))))

  app.post('/cluster/member/promote', {
    schema: schema('Cluster', 'Cluster_MemberPromote', 'MemberPromote promotes a member from raft learner (non-voting) to raft voting member.', MemberPromoteRequestJson, MemberPromoteResponseJson)
  }, async (req, reply) => sendJSON(reply, encodeMemberPromoteResponse(await etcd().memberPromote(decodeMemberPromoteRequest(body(req))))))

  if (!app.hasRoute({ method: 'POST', url: '/maintenance/transfer-leadership' })) {
    app.post('/maintenance/transfer-leadership', {
      schema: schema('Maintenance', 'Maintenance_MoveLeader', 'MoveLeader requests current leader node to transfer its leadership to transferee.', MoveLeaderRequestJson, MoveLeaderResponseJson)
    }, async (req, reply) => sendJSON(reply, encodeMoveLeaderResponse(await etcd().moveLeader(decodeMoveLeaderRequest(body(req))))))
  }
}
