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

// Member IDs derive from the peer URLs, which differ between targets: inside `member`/`members`
// (gateway) and the peer port's /members array, `ID`/`id` become `<id>`, and member lists,
// ordered by ID, are compared sorted.
function replaceIds (v: unknown, inMember = false): unknown {
  if (Array.isArray(v)) {
    const xs = v.map((x) => replaceIds(x, inMember))
    return inMember ? sortByText(xs) : xs
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      if (inMember && (k === 'ID' || k === 'id')) out[k] = '<id>'
      else out[k] = PLACEHOLDERS[k] ?? replaceIds(x, k === 'member' || k === 'members')
    }
    return out
  }
  return v
}

function sortByText (xs: unknown[]): unknown[] {
  return xs.map((x) => [JSON.stringify(x), x] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, x]) => x)
}

/** The target's own URLs, replaced in answers by `<client-url>` and `<peer-url>` (their ports differ). */
export interface TargetURLs {
  clientURL: string
  peerURL: string
}

function sortKeys (v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
  }
  return v
}

export function normalize (r: RawResponse | ConnectionFailure, reference: boolean, urls?: TargetURLs): Normalized {
  if ('error' in r) return { status: 0, body: '<connection closed>' }
  const text = urls === undefined ? r.text : r.text.replaceAll(urls.clientURL, '<client-url>').replaceAll(urls.peerURL, '<peer-url>')
  let json: unknown
  try { json = JSON.parse(text) } catch {}
  let status = r.status
  const isError = json !== undefined && json !== null && typeof json === 'object' && 'code' in json && 'message' in json
  // Row 1: FailedPrecondition is 412 on the Debian build, 400 upstream and here.
  if (reference && status === 412 && isError && (json as { code: number }).code === 9) status = 400
  const out: Normalized = { status, contentType: r.headers['content-type'], body: text }
  if (status === 200) out.grpcContentType = r.headers['grpc-metadata-content-type']
  const origin = r.headers['access-control-allow-origin']
  if (origin !== undefined) out.cors = `${origin} | ${r.headers['access-control-allow-methods'] ?? ''} | ${r.headers['access-control-allow-headers'] ?? ''}`
  if (json !== undefined) {
    const n = replaceIds(json, Array.isArray(json))
    out.json = n
    // Row 2: error bodies are compared whatever their key order.
    out.body = JSON.stringify(isError ? sortKeys(n) : n)
  }
  return out
}
