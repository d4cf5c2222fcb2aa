// The server package's public surface.
export { EtcdServer } from './server.js'
export type { ServerConfig } from './config.js'
export { reqTimeoutMs, electionTimeoutMs } from './config.js'
export type { ServerHealth, Health, HealthCheck } from './health.js'
export { checkHealth, livezChecks, readyzChecks, runChecks } from './health.js'
export type { Member } from './membership/member.js'
export { computeClusterId, computeMemberId, parseInitialCluster } from './membership/member.js'
export * as serverErrors from './errors.js'
