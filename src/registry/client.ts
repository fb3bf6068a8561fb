/**
 * The one registry client (OCI distribution API v2) every registry path of the action uses:
 * one request layer per registry (requests.ts) under the API's resources (blobs.ts,
 * blob-upload.ts, manifests.ts, tags.ts, referrers.ts).
 */
import type { Descriptor } from '../oci/types.js'
import { type BlobSource, type Chunking, type PushBlobOptions, pushBlob } from './blob-upload.js'
import { blobExists, downloadBlob, getBlob } from './blobs.js'
import { deleteManifest, type FetchedManifest, getManifest, headManifest, putManifest } from './manifests.js'
import { referrers } from './referrers.js'
import { RegistryRequests, type RequestOptions } from './requests.js'
import { listTags } from './tags.js'

const MiB = 1024 * 1024
/** Blobs bigger than this are sent in PATCH chunks rather than in one PUT. */
export const DEFAULT_CHUNKED_UPLOAD_THRESHOLD = 64 * MiB
export const DEFAULT_CHUNK_SIZE = 16 * MiB

export interface RegistryClientOptions extends RequestOptions {
  readonly chunkedUploadThreshold?: number
  readonly chunkSize?: number
}

export class RegistryClient {
  /** As given: `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string
  /** `https://ghcr.io/`, `http://127.0.0.1:5000/`. */
  readonly baseUrl: URL
  private readonly api: RegistryRequests
  private readonly chunking: Chunking

  constructor(options: RegistryClientOptions) {
    this.api = new RegistryRequests(options)
    this.registry = this.api.registry
    this.baseUrl = this.api.baseUrl
    this.chunking = {
      threshold: options.chunkedUploadThreshold ?? DEFAULT_CHUNKED_UPLOAD_THRESHOLD,
      size: Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE)
    }
  }

  ping(): Promise<void> {
    return this.api.ping()
  }

  blobExists(repo: string, digest: string): Promise<boolean> {
    return blobExists(this.api, repo, digest)
  }

  getBlob(repo: string, digest: string): Promise<Buffer> {
    return getBlob(this.api, repo, digest)
  }

  /** The blob streamed into the file `path`, checked against its digest and size. */
  downloadBlob(repo: string, digest: string, size: number, path: string): Promise<void> {
    return downloadBlob(this.api, repo, digest, size, path)
  }

  pushBlob(repo: string, digest: string, source: BlobSource, options: PushBlobOptions = {}): Promise<void> {
    return pushBlob(this.api, repo, digest, source, options, this.chunking)
  }

  headManifest(repo: string, ref: string): Promise<Descriptor | undefined> {
    return headManifest(this.api, repo, ref)
  }

  getManifest(repo: string, ref: string): Promise<FetchedManifest> {
    return getManifest(this.api, repo, ref)
  }

  putManifest(repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<string> {
    return putManifest(this.api, repo, ref, bytes, mediaType)
  }

  listTags(repo: string): Promise<string[]> {
    return listTags(this.api, repo)
  }

  deleteManifest(repo: string, digest: string): Promise<boolean> {
    return deleteManifest(this.api, repo, digest)
  }

  referrers(repo: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    return referrers(this.api, repo, digest, artifactType)
  }
}
