/**
 * A stand-in for docker/metadata-action (v5 and v6, whose rules are the same for what is modelled
 * here) in the local workflow runner: its outputs, as it prints them, for a subset of its inputs.
 * The rules are the action's own (src/meta.ts, src/tag.ts, src/image.ts, src/main.ts; lists as
 * @docker/actions-toolkit's Util.getInputList reads them). Anything outside the subset throws
 * MetadataNotModelled, so a workflow that needs more fails instead of getting made-up outputs.
 *
 * Modelled: `context: workflow`; `images` as plain names; `tags` of type ref (branch, tag, pr),
 * semver (`pattern` of {{version}}, {{major}}, {{minor}}, {{patch}}, {{raw}}; `value`), sha
 * (`format`), raw, and schedule outside a schedule event (the default list has it), each with
 * `prefix`, `suffix`, `enable`, `priority`; custom `labels` and `annotations`; the expressions
 * {{branch}}, {{tag}} and {{sha}}; DOCKER_METADATA_ANNOTATIONS_LEVELS,
 * DOCKER_METADATA_SHORT_SHA_LENGTH and DOCKER_METADATA_SET_OUTPUT_ENV. Not modelled: `flavor`,
 * the `sep-*` inputs, `bake-target`, `context: git`, the pep440, match and edge tag types,
 * the other expressions (date, commit_date, base_ref, is_default_branch), `#` comments and
 * quoted fields in lists, DOCKER_METADATA_PR_HEAD_SHA.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'

/** The action's own failure (a bad tag, say): the step fails with it. */
export class MetadataError extends Error {}
/** Something the stand-in does not model: the runner refuses the step. */
export class MetadataNotModelled extends Error {}

/** What GitHub's API answers for the repository (GET /repos/{owner}/{repo}), the fields the action reads. */
export interface RepoData {
  readonly name: string
  readonly description: string | null
  readonly html_url: string
  readonly license: { readonly spdx_id: string } | null
}

export interface MetadataContext {
  readonly eventName: string
  readonly ref: string
  readonly sha: string
  readonly repo: RepoData
  /** The step's clock: `org.opencontainers.image.created`. */
  readonly date: Date
  /** The step's environment (DOCKER_METADATA_*, RUNNER_TEMP for the bake files). */
  readonly env: Record<string, string | undefined>
}

export interface MetadataRun {
  /** Every output, as the action sets it. */
  readonly outputs: Record<string, string>
  /** What it exports to the job's environment (DOCKER_METADATA_OUTPUT_*). */
  readonly env: Record<string, string>
  readonly log: string
}

/** The action's inputs (action.yml) and their defaults. */
export const METADATA_INPUTS: Record<string, string> = {
  context: 'workflow',
  images: '',
  tags: '',
  flavor: '',
  labels: '',
  annotations: '',
  'sep-tags': '',
  'sep-labels': '',
  'sep-annotations': '',
  'bake-target': '',
  'github-token': ''
}

type TagType = 'schedule' | 'semver' | 'ref' | 'raw' | 'sha'
const PRIORITY: Record<TagType, string> = { schedule: '1000', semver: '900', ref: '600', raw: '200', sha: '100' }
const NOT_MODELLED = ['pep440', 'match', 'edge']
const ATTRIBUTES: Record<TagType, string[]> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format']
}
const COMMON = ['enable', 'priority', 'prefix', 'suffix']

interface Tag {
  readonly type: TagType
  readonly attrs: Record<string, string>
}

interface Version {
  main: string | undefined
  partial: string[]
  latest: boolean | undefined
}

const refuse = (what: string): never => {
  throw new MetadataNotModelled(`docker/metadata-action: ${what} is not modelled by this runner`)
}

/** Util.getInputList(name, {ignoreComma: true, comment: '#'}), for lists with no quotes or comments. */
export function inputList(name: string, value: string): string[] {
  if (/["#]/.test(value)) refuse(`a quote or # in ${name}`)
  return value
    .trim()
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '')
}

/** Handlebars' escapeExpression, which every {{name}} goes through. */
const escapeExpression = (s: string) =>
  s.replace(/[&<>"'`=]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' })[c]!)

/** A handlebars template made of text and {{name}} mustaches only, each name one of `values` (computed when used). */
function render(template: string, values: Record<string, () => string>, where: string): string {
  if (/\{\{\{|\\\{\{/.test(template)) refuse(`the template ${template} in ${where}`)
  const out = template.replace(/\{\{\s*([A-Za-z_]+)\s*\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(values, name)) refuse(`{{${name}}} in ${where}`)
    return escapeExpression(values[name]())
  })
  if (out.includes('{{')) refuse(`the template ${template} in ${where}`)
  return out
}

/** tag.ts Parse: `type=...,attr=value,...` (a field with no `=` is the value). */
export function parseTag(line: string): Tag {
  const attrs: Record<string, string> = {}
  let type: string | undefined
  for (const field of line.split(',')) {
    const at = field.indexOf('=')
    if (at <= 0) {
      attrs.value = field.trim()
      continue
    }
    const key = field.slice(0, at).trim().toLowerCase()
    const value = field.slice(at + 1).trim()
    if (key === 'type') type = value
    else attrs[key] = value
  }
  type ??= 'raw'
  if (NOT_MODELLED.includes(type)) refuse(`the tag type ${type}`)
  if (!(type in PRIORITY)) throw new MetadataError(`Unknown tag type attribute: ${type}`)
  const t = type as TagType
  const unknown = Object.keys(attrs).filter(k => !COMMON.includes(k) && !ATTRIBUTES[t].includes(k))
  if (unknown.length) refuse(`the attribute ${unknown.join(', ')} of type=${t}`)
  const has = (k: string) => Object.hasOwn(attrs, k)
  switch (t) {
    case 'schedule':
      if (!has('pattern')) attrs.pattern = 'nightly'
      break
    case 'semver':
      if (!has('pattern')) throw new MetadataError(`Missing pattern attribute for ${line}`)
      attrs.value ??= ''
      attrs.match ??= ''
      if (attrs.match !== '') refuse('match in a semver tag')
      break
    case 'ref':
      if (!has('event')) throw new MetadataError(`Missing event attribute for ${line}`)
      if (!['branch', 'tag', 'pr'].includes(attrs.event)) throw new MetadataError(`Invalid event for ${line}`)
      if (attrs.event === 'pr' && !has('prefix')) attrs.prefix = 'pr-'
      break
    case 'raw':
      if (!has('value')) throw new MetadataError(`Missing value attribute for ${line}`)
      break
    case 'sha':
      if (!has('prefix')) attrs.prefix = 'sha-'
      if (!has('format')) attrs.format = 'short'
      if (!['short', 'long'].includes(attrs.format)) throw new MetadataError(`Invalid format for ${line}`)
      break
  }
  attrs.enable ??= 'true'
  attrs.priority ??= PRIORITY[t]
  return { type: t, attrs }
}

/** tag.ts Transform: the default list when none is given; highest priority first, ties in input order. */
export function transformTags(lines: string[]): Tag[] {
  const given = lines.length ? lines : ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr']
  return given.map(parseTag).sort((a, b) => Number(b.attrs.priority) - Number(a.attrs.priority) || 0)
}

const sanitizeTag = (tag: string) => tag.replace(/[^a-zA-Z0-9._-]+/g, '-')

/** The action's outputs for these inputs (every input of action.yml, defaults included) in this context. */
export function metadataAction(given: Record<string, string>, ctx: MetadataContext): MetadataRun {
  const unexpected = Object.keys(given).filter(k => !(k in METADATA_INPUTS))
  if (unexpected.length) refuse(`the input ${unexpected.join(', ')}`)
  const input = { ...METADATA_INPUTS, ...given }
  if (input.context !== 'workflow') refuse(`context: ${input.context}`)
  for (const k of ['flavor', 'sep-tags', 'sep-labels', 'sep-annotations', 'bake-target']) if (input[k].trim() !== '') refuse(k)
  if (ctx.env.DOCKER_METADATA_PR_HEAD_SHA) refuse('DOCKER_METADATA_PR_HEAD_SHA')
  if (/schedule/.test(ctx.eventName)) refuse(`the ${ctx.eventName} event`)

  const heads = /^refs\/heads\//
  const tagsRef = /^refs\/tags\//
  const shortSha = (sha: string) => {
    const wanted = ctx.env.DOCKER_METADATA_SHORT_SHA_LENGTH
    const length = wanted ? Number(wanted) : 7
    if (Number.isNaN(length)) throw new MetadataError(`DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: ${wanted}`)
    return length >= sha.length ? sha : sha.substring(0, length)
  }
  const globals = {
    branch: () => (heads.test(ctx.ref) ? ctx.ref.replace(heads, '') : ''),
    tag: () => (tagsRef.test(ctx.ref) ? ctx.ref.replace(tagsRef, '') : ''),
    sha: () => shortSha(ctx.sha)
  }
  const exp = (text: string, where: string) => render(text, globals, where)

  // image.ts Transform: one line may list several names (the old format); otherwise one name a line.
  const images = inputList('images', input.images)
  if (images.some(i => i.includes('='))) refuse('image attributes (name=, enable=)')
  if (images.length > 1 && images.some(i => i.includes(','))) refuse('a comma in a list of images on several lines')
  const imageNames = images.flatMap(i => i.split(',')).map(i => i.trim().toLowerCase())
  if (imageNames.includes('')) refuse('an empty image name')

  // meta.ts getVersion
  const version: Version = { main: undefined, partial: [], latest: undefined }
  const setValue = (val: string, tag: Tag) => {
    let v = val
    if (Object.hasOwn(tag.attrs, 'prefix')) v = `${exp(tag.attrs.prefix, 'prefix')}${v}`
    if (Object.hasOwn(tag.attrs, 'suffix')) v = `${v}${exp(tag.attrs.suffix, 'suffix')}`
    return v
  }
  const setVersion = (val: string, latest: boolean) => {
    if (val.length === 0) return
    const v = sanitizeTag(val)
    if (version.main === undefined) version.main = v
    else if (v !== version.main) version.partial.push(v)
    if (version.latest === undefined) version.latest = latest
  }
  const log: string[] = []
  for (const tag of transformTags(inputList('tags', input.tags))) {
    const enabled = exp(tag.attrs.enable, 'enable')
    if (!['true', 'false'].includes(enabled)) throw new MetadataError(`Invalid value for enable attribute: ${enabled}`)
    if (enabled !== 'true') continue
    switch (tag.type) {
      case 'schedule':
        break // only on a schedule event, refused above
      case 'semver': {
        if (!tagsRef.test(ctx.ref) && tag.attrs.value.length === 0) break
        const raw = (tag.attrs.value.length > 0 ? exp(tag.attrs.value, 'value') : ctx.ref.replace(tagsRef, '')).replace(/\//g, '-')
        if (!semver.valid(raw)) {
          log.push(`::warning::${raw} is not a valid semver. More info: https://semver.org/`)
          break
        }
        const sver = semver.parse(raw, { loose: true })!
        const fields = {
          version: () => sver.version,
          major: () => String(sver.major),
          minor: () => String(sver.minor),
          patch: () => String(sver.patch),
          raw: () => sver.raw
        }
        const rawStatement = /^\{\{\s*raw\s*\}\}$/.test(tag.attrs.pattern)
        if (semver.prerelease(raw))
          setVersion(setValue(render(rawStatement ? tag.attrs.pattern : '{{version}}', fields, 'pattern'), tag), false)
        else setVersion(setValue(render(tag.attrs.pattern, fields, 'pattern'), tag), true)
        break
      }
      case 'ref': {
        const event = tag.attrs.event
        if (event === 'branch' && heads.test(ctx.ref)) setVersion(setValue(ctx.ref.replace(heads, ''), tag), false)
        if (event === 'tag' && tagsRef.test(ctx.ref)) setVersion(setValue(ctx.ref.replace(tagsRef, ''), tag), true)
        if (event === 'pr' && /^refs\/pull\//.test(ctx.ref))
          setVersion(setValue(ctx.ref.replace(/^refs\/pull\//, '').replace(/\/merge$/, ''), tag), false)
        break
      }
      case 'raw':
        setVersion(setValue(exp(tag.attrs.value, 'value'), tag), false)
        break
      case 'sha':
        if (ctx.sha) setVersion(setValue(tag.attrs.format === 'short' ? shortSha(ctx.sha) : ctx.sha, tag), false)
        break
    }
  }
  version.partial = version.partial.filter((v, i) => version.partial.indexOf(v) === i)
  version.latest ??= false

  const generateTags = (prefix: string) =>
    version.main === undefined
      ? []
      : [`${prefix}${version.main}`, ...version.partial.map(p => `${prefix}${p}`), ...(version.latest ? [`${prefix}latest`] : [])]
  const tags = imageNames.length ? imageNames.flatMap(i => generateTags(`${i}:`)) : generateTags('')
  const tagNames = generateTags('')

  const withCustoms = (extra: string[], where: string) => {
    const all = [
      `org.opencontainers.image.title=${ctx.repo.name || ''}`,
      `org.opencontainers.image.description=${ctx.repo.description || ''}`,
      `org.opencontainers.image.url=${ctx.repo.html_url || ''}`,
      `org.opencontainers.image.source=${ctx.repo.html_url || ''}`,
      `org.opencontainers.image.version=${version.main || ''}`,
      `org.opencontainers.image.created=${ctx.date.toISOString()}`,
      `org.opencontainers.image.revision=${ctx.sha || ''}`,
      `org.opencontainers.image.licenses=${ctx.repo.license?.spdx_id || ''}`,
      ...extra.map(l => exp(l, where))
    ]
    const pairs = new Map(
      all
        .map(l => l.split('='))
        .filter(([, ...values]) => values.length > 0)
        .map(([key, ...values]) => [key, values.join('=')] as const)
    )
    return [...pairs].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `${k}=${v}`)
  }
  const labels = withCustoms(inputList('labels', input.labels), 'labels')
  const annotationsRaw = withCustoms(inputList('annotations', input.annotations), 'annotations')
  const levels = (ctx.env.DOCKER_METADATA_ANNOTATIONS_LEVELS || 'manifest').split(',')
  const annotations = levels.flatMap(level => annotationsRaw.map(a => `${level}:${a}`))
  const labelObject: Record<string, string> = {}
  for (const m of labels.map(l => /([^=]*)=(.*)/.exec(l))) if (m) labelObject[m[1]] = m[2]

  // Bake definitions, in the toolkit's temporary folder under RUNNER_TEMP.
  const tmp = ctx.env.RUNNER_TEMP
  if (!tmp) refuse('a step without RUNNER_TEMP')
  mkdirSync(tmp!, { recursive: true })
  const bakeDir = mkdtempSync(join(tmp!, 'docker-actions-toolkit-'))
  const bake = (dt: object, suffix?: string) => {
    const file = join(bakeDir, `docker-metadata-action-bake${suffix ? `-${suffix}` : ''}.json`)
    writeFileSync(file, JSON.stringify({ target: { 'docker-metadata-action': dt } }, null, 2))
    return file
  }
  const args = { DOCKER_META_IMAGES: imageNames.join(','), DOCKER_META_VERSION: version.main }

  const outputs: Record<string, string> = {
    version: version.main || '',
    tags: tags.join('\n'),
    'tag-names': tagNames.join('\n'),
    labels: labels.join('\n'),
    annotations: annotations.join('\n'),
    json: JSON.stringify({ tags, 'tag-names': tagNames, labels: labelObject, annotations }),
    'bake-file-tags': bake({ tags, args }, 'tags'),
    'bake-file-labels': bake({ labels: labelObject }, 'labels'),
    'bake-file-annotations': bake({ annotations }, 'annotations'),
    'bake-file': bake({ tags, labels: labelObject, args })
  }
  const setEnv = ctx.env.DOCKER_METADATA_SET_OUTPUT_ENV
  if (setEnv !== undefined && !['1', 't', 'T', 'true', 'TRUE', 'True', '0', 'f', 'F', 'false', 'FALSE', 'False'].includes(setEnv))
    throw new MetadataError(`parseBool syntax error: ${setEnv}`)
  const exported = setEnv === undefined || ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(setEnv)
  const env = exported
    ? Object.fromEntries(Object.entries(outputs).map(([k, v]) => [`DOCKER_METADATA_OUTPUT_${k.replace(/\W/g, '_').toUpperCase()}`, v]))
    : {}

  if (!version.main) log.push('::warning::No Docker image version has been generated. Check tags input.')
  if (!tags.length) log.push('::warning::No Docker tag has been generated. Check tags input.')
  const group = (name: string, lines: string[]) => [`::group::${name}`, ...lines, '::endgroup::']
  log.push(
    ...group('Docker tags', tags),
    ...group('Docker labels', labels),
    ...group('Annotations', annotations),
    ...group('JSON output', [JSON.stringify(JSON.parse(outputs.json), null, 2)])
  )
  return { outputs, env, log: `${log.join('\n')}\n` }
}
