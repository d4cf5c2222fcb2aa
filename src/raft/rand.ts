// A small seeded PRNG (mulberry32) for the randomized election timeout. Raft never touches a
// global random source, so a run replays exactly from its seed.

/** Returns a function yielding uniformly distributed numbers in [0, 1), determined by `seed`. */
export function seededRandom (seed: number): () => number {
  let a = (seed >>> 0) ^ 0x9e3779b9
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
