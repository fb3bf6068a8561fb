/** Attestations (provenance, SBOM): what the image store must allow, and the one buildx stored for each platform. */

import type { ImageStore } from '../docker/engine.js'
import type { BuildInputs } from '../inputs/inputs.js'
import { provenanceText } from '../inputs/values.js'
import type { PlatformImage } from '../oci/layout.js'
import { type Attestation, findAttestation } from '../publish/provenance.js'
import { ArchwayError, InputError } from '../shared/errors.js'
import { formatPlatform } from '../shared/platform.js'

type Asks = Pick<BuildInputs, 'provenance' | 'settings'>

export function wantsAttestation(b: Asks): boolean {
  return b.provenance !== false || b.settings.sbom !== false
}

/** `provenance` and `sbom` need the containerd image store: the classic store cannot hold attestations. Pure. */
export function checkAttestationStore(b: Asks, store: ImageStore): void {
  if (store !== 'classic') return
  const why =
    "since this Docker engine runs the classic image store, which cannot hold attestations; they need the containerd image store (turned on in the engine's daemon.json) or a builder with a BuildKit of its own (the docker-container driver, for one)"
  if (b.provenance) throw new InputError('provenance', provenanceText(b.provenance), `accepted: false here, ${why}`)
  if (b.settings.sbom !== false) throw new InputError('sbom', b.settings.sbom, `accepted: false here, ${why}`)
}

/** The attestation buildx stored for a platform's image; its absence fails the push before anything is sent. */
export async function requireAttestation(image: PlatformImage): Promise<Attestation> {
  const found = await findAttestation(image.dir, image.descriptor.digest)
  if (!found) {
    throw new ArchwayError(
      `provenance/sbom: the saved image of ${formatPlatform(image.platform)} (${image.descriptor.digest}) has no attestation manifest. Nothing was pushed.`
    )
  }
  return found
}
