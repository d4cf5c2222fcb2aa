// The failpoint switch: refused unless ETCD_TS_FAILPOINTS=1, only known names, armed until disarmed
// (firing kills the process, which the robustness suite exercises in real members).
import { describe, it, after } from 'node:test'
import assert from 'node:assert/strict'
import { armFailpoint, disarmFailpoints, failpoint, failpointsArmed } from '../../../src/pkg/failpoint.js'

describe('failpoints', () => {
  const saved = process.env.ETCD_TS_FAILPOINTS
  after(() => {
    disarmFailpoints()
    if (saved === undefined) delete process.env.ETCD_TS_FAILPOINTS
    else process.env.ETCD_TS_FAILPOINTS = saved
  })

  it('cannot be armed unless enabled', () => {
    delete process.env.ETCD_TS_FAILPOINTS
    assert.throws(() => armFailpoint('beforeApply'), /failpoints are disabled/)
    assert.equal(failpointsArmed, false)
  })

  it('arms known names only, and disarms', () => {
    process.env.ETCD_TS_FAILPOINTS = '1'
    assert.throws(() => armFailpoint('nowhere'), /unknown failpoint nowhere/)
    armFailpoint('beforeDbCommit')
    assert.equal(failpointsArmed, true)
    failpoint('beforeApply') // another point passes through
    disarmFailpoints()
    assert.equal(failpointsArmed, false)
    failpoint('beforeDbCommit') // disarmed: nothing happens
  })
})
