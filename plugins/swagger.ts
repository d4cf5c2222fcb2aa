// OpenAPI 3 document and Swagger UI for the client API (gateway spec: one document with
// examples; ecosystem §1.3): @fastify/swagger collects the route schemas (untagged routes such
// as /health stay out), the document is served at /openapi.json, Swagger UI at /docs. The
// `Authorization` scheme is etcd's: the bare token from /v3/auth/authenticate (a `Bearer `
// prefix is accepted too).
import swagger from '@fastify/swagger'
import swaggerUI from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { serverVersion } from '../src/api/version.js'

export const openapiInfo = {
  title: 'etcd-ts v3 JSON gateway',
  description: 'etcd\'s v3 API over HTTP/JSON, as etcd\'s grpc-gateway serves it (etcd 3.5 behaviour). ' +
    'Every call is a POST with the whole request as a JSON body. Bytes fields (keys, values) are ' +
    'standard base64 with padding: `Zm9v` = "foo", `YmFy` = "bar", `AA==` = a single zero byte. ' +
    '64-bit integers are decimal strings in answers and may be strings or numbers in requests. ' +
    'Fields holding a zero value are omitted from answers. Errors answer `{"error","code","message"}` ' +
    'with the gRPC code in `code`. Field names may be written as in the proto (`range_end`) or in ' +
    'lowerCamelCase (`rangeEnd`). Every path also answers under /v3beta.',
  version: serverVersion
}

export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: openapiInfo,
      tags: [
        { name: 'KV', description: 'Keys and values: range, put, delete, transactions, compaction' },
        { name: 'Watch', description: 'Streams of changes to keys (newline-delimited JSON, or WebSocket)' },
        { name: 'Lease', description: 'Leases: keys that expire together' },
        { name: 'Cluster', description: 'Membership' },
        { name: 'Maintenance', description: 'Status, alarms, defragmentation, hashes, snapshots, leadership' },
        { name: 'Auth', description: 'Users, roles and authentication' },
        { name: 'Lock', description: 'Distributed locks built on leases' },
        { name: 'Election', description: 'Leader election built on leases' }
      ],
      components: {
        securitySchemes: {
          Authorization: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: 'The token from POST /v3/auth/authenticate, sent as is. Only needed when auth is enabled.'
          }
        }
      }
    },
    hideUntagged: true,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) }
  })
  await app.register(swaggerUI, { routePrefix: '/docs', uiConfig: { deepLinking: true, tryItOutEnabled: true } })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'etcd-swagger', fastify: '5.x' })
