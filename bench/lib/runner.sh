# The runner's rules for a step's environment, for the shell benches (source it; the tests' and
# bench/faults' are __tests__/helpers/runner-env.ts): nothing of the caller's INPUT_*, STATE_*,
# GITHUB_*, RUNNER_*, ACTIONS_* reaches a step, and every input of action.yml is set, to its
# default when the step is given none (a step's own INPUT_* come after these, so they win).

runner_clear_env() {
  local v
  for v in $(compgen -e); do case $v in INPUT_* | STATE_* | GITHUB_* | RUNNER_* | ACTIONS_*) unset "$v" ;; esac; done
}

# Fills the array input_defaults with INPUT_<NAME>=<default> for every input of action.yml.
runner_input_defaults() {
  mapfile -t input_defaults < <(node "$(dirname "${BASH_SOURCE[0]}")/../../scripts/action-defaults.mjs" --env)
  ((${#input_defaults[@]} > 0)) || { echo "bench: no input defaults read from action.yml" >&2; return 1; }
}
