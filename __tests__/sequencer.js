// The order of the test files: Jest's own (failed first, then slowest first), except that the
// files waiting for BuildKit's daemons (buildkitReady) go last, so that on a new machine, where
// scripts/test.sh builds BuildKit beside the tests, the others run meanwhile.
import { readFileSync } from 'node:fs'
import Sequencer from '@jest/test-sequencer'

const needsBuildkit = test => readFileSync(test.path, 'utf8').includes('buildkitReady(')

export default class BuildkitLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests)
    return [...sorted.filter(t => !needsBuildkit(t)), ...sorted.filter(needsBuildkit)]
  }
}
