/**
 * The local runner's docker/metadata-action stand-in, held against the real action's own test
 * cases (docker/metadata-action __tests__/meta.test.ts, fixtures/repo.json and the event_*.env
 * fixtures): the same inputs and context give the same outputs. Each case names its source.
 */
import { readFileSync } from 'node:fs'
import { type MetadataContext, MetadataError, MetadataNotModelled, metadataAction } from '../helpers/metadata-action.js'
import { tempDir } from '../helpers/tmp.js'

// fixtures/repo.json, the fields the action reads; meta.test.ts mocks the clock to this instant.
const REPO = {
  name: 'Hello-World',
  description: 'This your first repo!',
  html_url: 'https://github.com/octocat/Hello-World',
  license: { spdx_id: 'MIT' }
}
const DATE = new Date('2020-01-10T00:30:00.000Z')
// The event_*.env fixtures: GITHUB_EVENT_NAME, GITHUB_REF, GITHUB_SHA.
const EVENTS = {
  push_dev: { eventName: 'push', ref: 'refs/heads/dev', sha: '860c1904a1ce19322e91ac35af1ab07466440c37' },
  tag_v1_1_1: { eventName: 'push', ref: 'refs/tags/v1.1.1', sha: '860c1904a1ce19322e91ac35af1ab07466440c37' },
  tag_v2_0_8_beta_67: { eventName: 'push', ref: 'refs/tags/v2.0.8-beta.67', sha: '860c1904a1ce19322e91ac35af1ab07466440c37' },
  pull_request: { eventName: 'pull_request', ref: 'refs/pull/15/merge', sha: 'a9c8c5828b91be19d9728548b24759e352367ef1' }
}

const context = (event: keyof typeof EVENTS, env: Record<string, string> = {}): MetadataContext => ({
  ...EVENTS[event],
  repo: REPO,
  date: DATE,
  env: { RUNNER_TEMP: tempDir('metadata'), ...env }
})

/** The eight OCI labels of meta.test.ts's expectations, for a revision and a version. */
const oci = (revision: string, version: string) => [
  'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
  'org.opencontainers.image.description=This your first repo!',
  'org.opencontainers.image.licenses=MIT',
  `org.opencontainers.image.revision=${revision}`,
  'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
  'org.opencontainers.image.title=Hello-World',
  'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
  `org.opencontainers.image.version=${version}`
]

describe('the docker/metadata-action stand-in gives the outputs of its own test cases', () => {
  it.each([
    [
      'push01: the default tags on a branch push',
      context('push_dev'),
      { images: 'user/app' },
      'dev',
      ['user/app:dev'],
      oci('860c1904a1ce19322e91ac35af1ab07466440c37', 'dev')
    ],
    [
      'push07: ref,event=branch and sha, two images',
      context('push_dev'),
      { images: 'org/app\nghcr.io/user/app', tags: 'type=ref,event=branch\ntype=sha' },
      'dev',
      ['org/app:dev', 'org/app:sha-860c190', 'ghcr.io/user/app:dev', 'ghcr.io/user/app:sha-860c190'],
      oci('860c1904a1ce19322e91ac35af1ab07466440c37', 'dev')
    ],
    [
      'tag11: semver patterns on the tag v1.1.1, latest after them',
      context('tag_v1_1_1'),
      {
        images: 'org/app\nghcr.io/user/app',
        tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}'
      },
      '1.1.1',
      [
        'org/app:1.1.1',
        'org/app:1.1',
        'org/app:1',
        'org/app:latest',
        'ghcr.io/user/app:1.1.1',
        'ghcr.io/user/app:1.1',
        'ghcr.io/user/app:1',
        'ghcr.io/user/app:latest'
      ],
      oci('860c1904a1ce19322e91ac35af1ab07466440c37', '1.1.1')
    ],
    [
      'tag13: a prerelease gets its whole version whatever the pattern, and no latest',
      context('tag_v2_0_8_beta_67'),
      { images: 'org/app\nghcr.io/user/app', tags: 'type=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}' },
      '2.0.8-beta.67',
      ['org/app:2.0.8-beta.67', 'ghcr.io/user/app:2.0.8-beta.67'],
      oci('860c1904a1ce19322e91ac35af1ab07466440c37', '2.0.8-beta.67')
    ],
    [
      'pr01: the default tags on a pull request',
      context('pull_request'),
      { images: 'user/app' },
      'pr-15',
      ['user/app:pr-15'],
      oci('a9c8c5828b91be19d9728548b24759e352367ef1', 'pr-15')
    ]
  ])('%s', (_name, ctx, inputs, version, tags, labels) => {
    const { outputs } = metadataAction(inputs, ctx)
    expect({ version: outputs.version, tags: outputs.tags.split('\n'), labels: outputs.labels.split('\n') }).toEqual({
      version,
      tags,
      labels
    })
    // Annotations: the same list, at the manifest level by default.
    expect(outputs.annotations.split('\n')).toEqual(labels.map(l => `manifest:${l}`))
  })

  it('json01: raw tags, a custom label without "=" dropped and one with an empty value kept, annotations untouched by labels', () => {
    const { outputs } = metadataAction(
      { images: 'user/app', tags: 'type=ref,event=branch\ntype=raw,my\ntype=raw,custom\ntype=raw,tags', labels: 'invalid\nfoo=' },
      context('push_dev')
    )
    expect(JSON.parse(outputs.json)).toEqual({
      tags: ['user/app:dev', 'user/app:my', 'user/app:custom', 'user/app:tags'],
      'tag-names': ['dev', 'my', 'custom', 'tags'],
      labels: {
        foo: '',
        'org.opencontainers.image.created': '2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description': 'This your first repo!',
        'org.opencontainers.image.licenses': 'MIT',
        'org.opencontainers.image.revision': '860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source': 'https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title': 'Hello-World',
        'org.opencontainers.image.url': 'https://github.com/octocat/Hello-World',
        'org.opencontainers.image.version': 'dev'
      },
      annotations: oci('860c1904a1ce19322e91ac35af1ab07466440c37', 'dev').map(l => `manifest:${l}`)
    })
    expect(outputs['tag-names']).toBe('dev\nmy\ncustom\ntags')
    expect(outputs.labels.split('\n')[0]).toBe('foo=')
  })

  it('bakeFile01: DOCKER_METADATA_ANNOTATIONS_LEVELS gives each level its own copy of the list, in order; the bake files', () => {
    const { outputs, env } = metadataAction(
      { images: 'user/app', tags: 'type=ref,event=branch\ntype=raw,my\ntype=raw,custom\ntype=raw,tags', labels: 'invalid' },
      context('push_dev', { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'index,manifest-descriptor' })
    )
    const annotations = [
      ...oci('860c1904a1ce19322e91ac35af1ab07466440c37', 'dev').map(l => `index:${l}`),
      ...oci('860c1904a1ce19322e91ac35af1ab07466440c37', 'dev').map(l => `manifest-descriptor:${l}`)
    ]
    expect(outputs.annotations.split('\n')).toEqual(annotations)
    const bake = (output: string) => JSON.parse(readFileSync(outputs[output], 'utf8'))
    expect(bake('bake-file-tags')).toEqual({
      target: {
        'docker-metadata-action': {
          tags: ['user/app:dev', 'user/app:my', 'user/app:custom', 'user/app:tags'],
          args: { DOCKER_META_IMAGES: 'user/app', DOCKER_META_VERSION: 'dev' }
        }
      }
    })
    expect(bake('bake-file-labels').target['docker-metadata-action'].labels['org.opencontainers.image.version']).toBe('dev')
    expect(bake('bake-file-annotations')).toEqual({ target: { 'docker-metadata-action': { annotations } } })
    // main.ts: every output is also exported as DOCKER_METADATA_OUTPUT_<NAME> unless DOCKER_METADATA_SET_OUTPUT_ENV says no.
    expect(env.DOCKER_METADATA_OUTPUT_TAGS).toBe(outputs.tags)
    expect(env.DOCKER_METADATA_OUTPUT_TAG_NAMES).toBe(outputs['tag-names'])
    expect(Object.keys(env).sort()).toEqual(
      Object.keys(outputs)
        .map(k => `DOCKER_METADATA_OUTPUT_${k.replace(/\W/g, '_').toUpperCase()}`)
        .sort()
    )
  })
})

describe('the rules read from its source, beyond those cases', () => {
  it('type=sha honours DOCKER_METADATA_SHORT_SHA_LENGTH and format=long; prefix and suffix go through the expressions', () => {
    const { outputs } = metadataAction(
      { images: 'user/app', tags: 'type=sha,format=long,prefix=\ntype=sha\ntype=raw,value=b-{{branch}},suffix=-{{sha}}' },
      context('push_dev', { DOCKER_METADATA_SHORT_SHA_LENGTH: '12' })
    )
    expect(outputs.tags.split('\n')).toEqual([
      'user/app:b-dev-860c1904a1ce',
      'user/app:860c1904a1ce19322e91ac35af1ab07466440c37',
      'user/app:sha-860c1904a1ce'
    ])
  })

  it('a tag with enable=false is skipped, and a higher priority makes the main version', () => {
    const { outputs } = metadataAction(
      { images: 'user/app', tags: 'type=ref,event=branch,enable=false\ntype=raw,x\ntype=raw,y,priority=950' },
      context('push_dev')
    )
    expect(outputs.version).toBe('y')
    expect(outputs.tags).toBe('user/app:y\nuser/app:x')
  })

  it('no tag on a branch push with only semver tags: empty outputs and the two warnings', () => {
    const run = metadataAction({ images: 'user/app', tags: 'type=semver,pattern={{version}}' }, context('push_dev'))
    expect([run.outputs.version, run.outputs.tags]).toEqual(['', ''])
    expect(run.log).toContain('::warning::No Docker image version has been generated. Check tags input.')
    expect(run.log).toContain('::warning::No Docker tag has been generated. Check tags input.')
  })

  it('fails as the action does on a bad tag, and refuses what it does not model', () => {
    expect(() => metadataAction({ tags: 'type=ref' }, context('push_dev'))).toThrow(
      new MetadataError('Missing event attribute for type=ref')
    )
    expect(() => metadataAction({ tags: 'type=nope' }, context('push_dev'))).toThrow(new MetadataError('Unknown tag type attribute: nope'))
    for (const [inputs, what] of [
      [{ flavor: 'latest=false' }, 'flavor'],
      [{ tags: 'type=edge' }, 'the tag type edge'],
      [{ tags: 'type=raw,value={{date}}' }, '{{date}} in value'],
      [{ tags: 'type=raw,value=latest,enable={{is_default_branch}}' }, '{{is_default_branch}} in enable'],
      [{ tags: '# a comment\ntype=sha' }, 'a quote or # in tags'],
      [{ context: 'git' }, 'context: git'],
      [{ 'github-tokn': 'x' }, 'the input github-tokn']
    ] as const)
      expect(() => metadataAction(inputs as Record<string, string>, context('push_dev'))).toThrow(
        new MetadataNotModelled(`docker/metadata-action: ${what} is not modelled by this runner`)
      )
  })
})
