// The reusable workflow's plan step: PLATFORMS and NATIVE_ARM in, the matrix and the platforms out.
import { setMatrixPlanOutputs } from '../action/outputs.js'
import { runStep } from '../action/step.js'
import { planMatrix } from '../coordination/matrix-plan.js'
import { parsePlatforms } from '../inputs/values.js'

await runStep('Archway could not plan the matrix', async () => {
  setMatrixPlanOutputs(planMatrix(parsePlatforms(process.env.PLATFORMS ?? ''), process.env.NATIVE_ARM === 'true'))
})
