// Turns a raw answer into what two targets must agree on (differences rows 1–3): IDs and term
// replaced by placeholders, a reference 412 for code 9 read as 400, error bodies compared as
// sorted objects, success bodies compared as text (key order matters there), and only the
// headers etcd clients rely on.
import type { ConnectionFailure, RawResponse } from '../framework/client.js'

export interface Normalized {
  status: number
  contentType?: string
  grpcContentType?: string
  /** The three Access-Control-Allow-* headers (origin | methods | headers), when present. */
  cors?: string
  /** Success JSON: normalized text with the producer's key order. Errors: JSON with sorted keys. Else: the text. */
  body: string
  /** The parsed, normalized JSON body, when it is JSON. */
  json?: unknown
}

const PLACEHOLDERS: Readonly<Record<string, string>> = { cluster_id: '<cid>', member_id: '<mid>', raft_term: '<term>' }

function replaceIds (v: unknown): unknown {
  if (Array.isArray(v)) return v.map(replaceIds)
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = PLACEHOLDERS[k] ?? replaceIds(x)
    return out
  }
  return v
}

function sortKeys (v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
  }
  return v
}

export function normalize (r: RawResponse | ConnectionFailure, reference: boolean): Normalized {
  if ('error' in r) return { status: 0, body: '<connection closed>' }
  let json: unknown
  try { json = JSON.parse(r.text) } catch {}
  let status = r.status
  const isError = json !== undefined && json !== null && typeof json === 'object' && 'code' in json && 'message' in json
  // Row 1: FailedPrecondition is 412 on the Debian build, 400 upstream and here.
  if (reference && status === 412 && isError && (json as { code: number }).code === 9) status = 400
  const out: Normalized = { status, contentType: r.headers['content-type'], body: r.text }
  if (status === 200) out.grpcContentType = r.headers['grpc-metadata-content-type']
  const origin = r.headers['access-control-allow-origin']
  if (origin !== undefined) out.cors = `${origin} | ${r.headers['access-control-allow-methods'] ?? ''} | ${r.headers['access-control-allow-headers'] ?? ''}`
  if (json !== undefined) {
    const n = replaceIds(json)
    out.json = n
    // Row 2: error bodies are compared whatever their key order.
    out.body = JSON.stringify(isError ? sortKeys(n) : n)
  }
  return out
}
