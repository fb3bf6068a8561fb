/**
 * A fake SBOM generator that follows BuildKit's SBOM generator protocol
 * (docs/attestations/sbom-protocol.md): run with the scanned root filesystem read-only at
 * $BUILDKIT_SCAN_SOURCE, it writes one in-toto statement of predicate type SPDX to
 * $BUILDKIT_SCAN_DESTINATION/<name>.spdx.json, listing the files it finds and carrying a mark of
 * the test's own. Docker Hub's docker/buildkit-syft-scanner cannot be pulled here.
 */
import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './tmp.js'

export const SPDX = 'https://spdx.dev/Document'

/** The generator image's build context: this host's static busybox, and the scan script that writes the statement marked `mark`. */
export function sbomGeneratorContext(nativeBusybox: string, mark: string): string {
  const scan = [
    'set -e',
    'out="$BUILDKIT_SCAN_DESTINATION/$(basename "$BUILDKIT_SCAN_SOURCE").spdx.json"',
    `files=$(cd "$BUILDKIT_SCAN_SOURCE" && find . -type f | sort | sed 's/^\\.//' | awk '{ printf "%s{\\"fileName\\":\\"%s\\",\\"SPDXID\\":\\"SPDXRef-File-%d\\"}", (NR > 1 ? "," : ""), $0, NR }')`,
    `printf '{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"${SPDX}","subject":[],"predicate":{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"archway-e2e-fake-scan","documentNamespace":"https://archway.invalid/e2e/${mark}","creationInfo":{"created":"2026-01-01T00:00:00Z","creators":["Tool: archway-e2e-fake-sbom"]},"files":[%s]}}' "$files" > "$out"`,
    ''
  ].join('\n')
  const ctx = tempDir('sbom-generator')
  cpSync(nativeBusybox, join(ctx, 'busybox'))
  writeFileSync(join(ctx, 'scan.sh'), scan)
  writeFileSync(
    join(ctx, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nCOPY scan.sh /scan.sh\nENV PATH=/bin\nENTRYPOINT ["/bin/sh", "/scan.sh"]\n'
  )
  return ctx
}
