# shellcheck shell=bash
# Sourced by the bench scripts: reading the runner's command files a step wrote.

# command_value NAME FILE: the value of NAME in a GITHUB_OUTPUT or GITHUB_STATE file (`NAME<<delimiter` blocks).
command_value() {
  awk -v n="$1" 'index($0, n "<<") == 1 { d = substr($0, length(n) + 3); while ((getline l) > 0 && l != d) v = v (c++ ? "\n" : "") l; print v; exit }' "$2"
}
