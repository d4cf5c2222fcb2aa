/**
 * A generator of unique 64-bit request IDs, in the layout of etcd's pkg/idutil: the top 16 bits
 * are the low 16 bits of the member ID, the next 40 bits a millisecond timestamp taken at start,
 * and the low 8 bits plus carry a counter. IDs from one member are unique across restarts as long
 * as the clock does not go back, and distinct members never collide in the prefix.
 */
const tsLen = 40n
const cntLen = 8n
const suffixLen = tsLen + cntLen
const suffixMask = (1n << suffixLen) - 1n
const u64Mask = (1n << 64n) - 1n

export class IDGenerator {
  readonly #prefix: bigint
  #suffix: bigint

  constructor (memberId: bigint, nowMillis: number) {
    this.#prefix = ((memberId & 0xffffn) << suffixLen) & u64Mask
    const ts = BigInt(nowMillis) & ((1n << tsLen) - 1n)
    this.#suffix = ts << cntLen
  }

  /** The next ID; never 0. */
  next (): bigint {
    this.#suffix = (this.#suffix + 1n) & suffixMask
    const id = this.#prefix | this.#suffix
    return id === 0n ? this.next() : id
  }
}
