// HTTP-layer conformance cases around the gateway (spec §1.2, §11 cases 133, 135, 136): the
// OPTIONS short-circuit, CORS headers, and the host allow-list, with default flags and with
// `--cors` / `--host-whitelist` set.
import type { Case, Expect } from './cases.js'

const CORS_METHODS = 'POST, GET, OPTIONS, PUT, DELETE'
const CORS_HEADERS = 'accept, content-type, authorization'
const cors = (origin: string): string => `${origin} | ${CORS_METHODS} | ${CORS_HEADERS}`

/** With the default `--cors '*'`. */
export const defaultAccessCases: Case[] = [
  {
    id: '133',
    title: 'OPTIONS is answered 200 with an empty body and CORS headers, whatever the path',
    steps: [
      { path: '/v3/kv/range', method: 'OPTIONS', expect: { status: 200, text: '', cors: cors('*') } },
      { path: '/v3/kv/nothing', method: 'OPTIONS', expect: { status: 200, text: '', cors: cors('*') } },
      { path: '/anything', method: 'OPTIONS', headers: { origin: 'http://x.example' }, expect: { status: 200, text: '', cors: cors('*') } }
    ]
  },
  {
    id: 'own-cors-default',
    title: 'every answer carries the CORS headers: success, error, 404, 405',
    steps: [
      { path: '/v3/kv/range', body: { key: 'Zm9v' }, expect: { status: 200, cors: cors('*') } },
      { path: '/v3/kv/range', body: {}, expect: { status: 400, cors: cors('*') } },
      { path: '/v3/kv/range', method: 'GET', expect: { status: 405, cors: cors('*') } },
      { path: '/v3/kv/none', body: {}, expect: { status: 404, cors: cors('*') } },
      { path: '/none', method: 'GET', expect: { status: 404, cors: cors('*') } }
    ]
  }
]

const misdirected: Expect = { status: 421, contentType: 'text/plain; charset=utf-8', contains: ['DNS Rebinding', '--host-whitelist "evil.example"'], cors: null }

/** With `--cors http://a.example:8080 --host-whitelist allowed.example,127.0.0.1`. */
export const restrictedAccessFlags = ['--cors', 'http://a.example:8080', '--host-whitelist', 'allowed.example,127.0.0.1']

export const restrictedAccessCases: Case[] = [
  {
    id: '135',
    title: '--cors list: only a listed Origin gets the headers, echoed (OPTIONS too)',
    steps: [
      { path: '/v3/kv/range', method: 'OPTIONS', headers: { origin: 'http://a.example:8080' }, expect: { status: 200, text: '', cors: cors('http://a.example:8080') } },
      { path: '/v3/kv/range', method: 'OPTIONS', headers: { origin: 'http://b.example' }, expect: { status: 200, text: '', cors: null } },
      { path: '/v3/kv/range', body: { key: 'Zm9v' }, headers: { origin: 'http://a.example:8080' }, expect: { status: 200, cors: cors('http://a.example:8080') } },
      { path: '/v3/kv/range', body: { key: 'Zm9v' }, headers: { origin: 'http://b.example' }, expect: { status: 200, cors: null } },
      { path: '/v3/kv/range', body: { key: 'Zm9v' }, expect: { status: 200, cors: null } }
    ]
  },
  {
    id: '136',
    title: '--host-whitelist: other hosts get 421 with the DNS-rebinding text',
    steps: [
      { path: '/v3/kv/range', body: { key: 'Zm9v' }, headers: { host: 'evil.example' }, expect: misdirected },
      { path: '/v3/kv/range', body: { key: 'Zm9v' }, headers: { host: 'allowed.example:2379' }, expect: { status: 200 } },
      { path: '/v3/kv/range', body: { key: 'Zm9v' }, headers: { host: '127.0.0.1:1' }, expect: { status: 200 } },
      { path: '/health', method: 'GET', headers: { host: 'evil.example' }, expect: misdirected }
    ]
  }
]
