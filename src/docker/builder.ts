/** The buildx builder a build will use, and its driver, as `docker buildx inspect` tells them. */
import type { BuilderInfo } from '../build-plan.js'
import { EnvironmentError } from '../errors.js'
import { outputTail } from '../exec.js'
import { docker } from './engine.js'

/** The builder's name and driver from `docker buildx inspect`'s text (its first `Name:` and `Driver:` lines). Pure. */
export function parseBuilderInspect(text: string): BuilderInfo | undefined {
  const field = (key: string) => new RegExp(`^${key}:[ \\t]*(\\S+)[ \\t]*$`, 'm').exec(text)?.[1]
  const name = field('Name')
  const driver = field('Driver')
  return name && driver ? { name, driver } : undefined
}

/**
 * The builder named by the `builder` input, or, without one, the builder buildx would use anyway
 * (`docker buildx use`, as docker/setup-buildx-action sets it, or BUILDX_BUILDER).
 */
export async function builderInfo(name?: string): Promise<BuilderInfo> {
  const out = await docker(['buildx', 'inspect', ...(name ? [name] : [])], { allowFailure: true })
  const info = out.exitCode === 0 ? parseBuilderInspect(out.stdout) : undefined
  if (!info) {
    const which = name ? `The builder "${name}"` : 'The current buildx builder'
    throw new EnvironmentError(`${which} cannot be used: docker buildx inspect${name ? ` ${name}` : ''} says ${outputTail(out, 300)}`)
  }
  return info
}
