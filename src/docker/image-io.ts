/**
 * Images between the engine and OCI layouts, streamed (no archive file is ever written), and the
 * check that the engine's image, which the tests run, is the layout's, which is checked and pushed.
 */

import { platformArchive } from '../oci/platform-archive.js'
import type { Descriptor } from '../oci/types.js'
import { runPiped } from '../shared/exec.js'
import type { ImageStore } from './engine.js'
import { docker } from './engine.js'

/** `docker save REF | tar -x -C DIR`: the image as an OCI layout in DIR (an existing, empty folder). */
export async function saveLayout(ref: string, dir: string): Promise<void> {
  await runPiped({ command: 'docker', args: ['save', ref] }, { command: 'tar', args: ['-x', '-f', '-', '-C', dir] })
}

/** `docker load` of one platform's image from a layout, under `ref`: the archive streamed from the layout's blobs. */
export async function loadPlatform(image: Parameters<typeof platformArchive>[0], ref: string): Promise<void> {
  await runPiped(platformArchive(image, ref), { command: 'docker', args: ['load'] })
}

/**
 * `docker pull` of one platform's image by its manifest's digest (`REPO@sha256:...`), returning
 * the engine's image ID. The image keeps that name alone: whoever pulls it removes it by that
 * name when done (two docker commands here, where tagging it and untagging the name took four).
 */
export async function pullPlatform(byDigest: string): Promise<string> {
  await docker(['pull', '--quiet', byDigest])
  return imageId(byDigest)
}

/** The engine's image ID for `ref`. */
export async function imageId(ref: string): Promise<string> {
  return (await docker(['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim()
}

/**
 * The ID the engine must give an image that `top` names in a layout saved from it or loaded
 * into it, `config` being the platform image's config: on the containerd store an image is
 * the descriptor it points at (an index, or a manifest), on the classic store its config. Pure.
 */
export function expectedImageId(store: ImageStore, top: Descriptor, config: Descriptor): string {
  return store === 'containerd' ? top.digest : config.digest
}
