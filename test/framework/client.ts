// A tiny gateway client over undici: raw requests and raw answers (status, headers, text), so
// tests see exactly what a curl user would, byte for byte.
import { Pool, errors as undiciErrors } from 'undici'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  text: string
}

/** A transport failure instead of an HTTP answer (the server reset or closed the connection). */
export interface ConnectionFailure {
  status: 0
  error: string
}

export interface RequestOptions {
  method?: string
  headers?: Record<string, string>
  /** A string is sent as is; anything else is JSON.stringify'd. Absent = no body. */
  body?: unknown
  /** Give up after this long (default 30 s). */
  timeoutMs?: number
}

/** One member's client URL with a connection pool. */
export class GatewayClient {
  readonly url: string
  readonly #pool: Pool

  constructor (url: string, connections = 8) {
    this.url = url
    this.#pool = new Pool(url, { connections, pipelining: 1 })
  }

  /** Sends one request; transport failures come back as `{ status: 0, error }`. */
  async request (path: string, opts: RequestOptions = {}): Promise<RawResponse | ConnectionFailure> {
    const body = opts.body === undefined ? undefined : typeof opts.body === 'string' || opts.body instanceof Uint8Array ? opts.body : JSON.stringify(opts.body)
    try {
      const r = await this.#pool.request({
        path,
        method: (opts.method ?? 'POST') as 'POST',
        headers: opts.headers,
        body,
        headersTimeout: opts.timeoutMs ?? 30_000,
        bodyTimeout: opts.timeoutMs ?? 30_000
      })
      const text = await r.body.text()
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v)
      return { status: r.statusCode, headers, text }
    } catch (err) {
      if (err instanceof undiciErrors.UndiciError || err instanceof Error) return { status: 0, error: (err as Error).message }
      throw err
    }
  }

  /** POST a JSON body and expect an HTTP answer (throws on transport failure). */
  async post (path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse> {
    const r = await this.request(path, { body, headers })
    if (r.status === 0) throw new Error(`POST ${path}: ${(r as ConnectionFailure).error}`)
    return r as RawResponse
  }

  async close (): Promise<void> {
    await this.#pool.close()
  }
}
