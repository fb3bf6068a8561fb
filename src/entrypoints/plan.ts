// The reusable workflow's plan step: PLATFORMS and NATIVE_ARM in, the matrix and the platforms out.
import * as core from '@actions/core'
import { runStep } from '../action/step.js'
import { planMatrix } from '../coordination/matrix-plan.js'
import { parsePlatforms } from '../inputs/values.js'

await runStep('Archway could not plan the matrix', async () => {
  const plan = planMatrix(parsePlatforms(process.env.PLATFORMS ?? ''), process.env.NATIVE_ARM === 'true')
  core.setOutput('matrix', JSON.stringify({ include: plan.include }))
  core.setOutput('platforms', plan.platforms)
})
