// The election package's public surface.
export { V3Election, errElectionNoLeader, errElectionNotLeader, errMissingLeaderKey } from './election.js'
