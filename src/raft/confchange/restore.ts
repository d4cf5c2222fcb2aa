// Rebuilding a tracker configuration from a ConfState (at startup and on snapshot restore) by
// replaying an equivalent sequence of changes through the Changer.
import { ConfChangeType } from '../raftpb/types.js'
import type { ConfChangeSingle, ConfState } from '../raftpb/types.js'
import type { ProgressTracker } from '../tracker/tracker.js'
import { Changer } from './confchange.js'
import type { ChangeResult } from './confchange.js'

function toConfChangeSingle (cs: ConfState): { outgoing: ConfChangeSingle[], incoming: ConfChangeSingle[] } {
  // The outgoing voters are built first as a plain config; entering the joint state then removes
  // them all from the incoming half and adds the incoming voters and learners back. Nodes in
  // learnersNext are outgoing voters, so adding them as learners parks them in learnersNext.
  const outgoing: ConfChangeSingle[] = []
  const incoming: ConfChangeSingle[] = []
  for (const id of cs.votersOutgoing) outgoing.push({ type: ConfChangeType.ConfChangeAddNode, nodeID: id })
  for (const id of cs.votersOutgoing) incoming.push({ type: ConfChangeType.ConfChangeRemoveNode, nodeID: id })
  for (const id of cs.voters) incoming.push({ type: ConfChangeType.ConfChangeAddNode, nodeID: id })
  for (const id of cs.learners) incoming.push({ type: ConfChangeType.ConfChangeAddLearnerNode, nodeID: id })
  for (const id of cs.learnersNext) incoming.push({ type: ConfChangeType.ConfChangeAddLearnerNode, nodeID: id })
  return { outgoing, incoming }
}

/**
 * Installs in `tracker` (which must start empty) the configuration described by `cs`, and returns it.
 * `lastIndex` initialises the progress of every member.
 */
export function restoreConfState (tracker: ProgressTracker, lastIndex: number, cs: ConfState): ChangeResult {
  const { outgoing, incoming } = toConfChangeSingle(cs)
  const install = (r: ChangeResult): void => {
    tracker.config = r.config
    tracker.progress = r.progress
  }
  if (outgoing.length === 0) {
    for (const cc of incoming) install(new Changer(tracker, lastIndex).simple([cc]))
  } else {
    for (const cc of outgoing) install(new Changer(tracker, lastIndex).simple([cc]))
    install(new Changer(tracker, lastIndex).enterJoint(cs.autoLeave, incoming))
  }
  return { config: tracker.config, progress: tracker.progress }
}
