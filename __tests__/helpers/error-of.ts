/** What `f` throws, or undefined when it returns: for tests that check an error's type and message. */
export function errorOf(f: () => unknown): Error | undefined {
  try {
    f()
  } catch (err) {
    return err as Error
  }
  return undefined
}
