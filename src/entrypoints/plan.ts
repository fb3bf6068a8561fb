// The reusable workflow's plan step: PLATFORMS and NATIVE_ARM in, the matrix and the platforms out.
import * as core from '@actions/core'
import { parsePlatforms } from '../input-values.js'
import { planMatrix } from '../matrix-plan.js'
import { runStep } from '../step.js'

await runStep('Archway could not plan the matrix', async () => {
  const plan = planMatrix(parsePlatforms(process.env.PLATFORMS ?? ''), process.env.NATIVE_ARM === 'true')
  core.setOutput('matrix', JSON.stringify({ include: plan.include }))
  core.setOutput('platforms', plan.platforms)
})
