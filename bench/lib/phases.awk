# Phases of Archway's main step, from its log stamped by stamp.mjs ("<ms> <line>"); prints
# "name seconds" lines. boot: node, the bundle and the inputs, up to the QEMU group; qemu: the
# QEMU group; engine: docker info and the builder, up to the build plan's line; build: from it to
# the last "Built" line; save: the "Save each platform" group of a multi-platform build (docker
# save streamed into the layout; a plan that saves or loads each platform as its build ends has none);
# test+verify: the platforms' tests and ELF checks, which run in parallel, from the end of the
# save to the last "Test and verify" group; push: every platform's gzip and push, to the index
# line; exit: from the index line to the end of the process.
function t() { return $1 / 1000 }
$2 == "::group::QEMU" { boot = t(); q0 = t() }
$2 == "::endgroup::" && q0 && !q1 { q1 = t() }
$2 == "Build" && $3 == "plan:" { b0 = t() }
$2 == "Built" { b1 = t() }
$2 == "::group::Save" { s0 = t() }
$2 == "::endgroup::" && s0 && !s1 { s1 = t() }
$2 == "::group::Test" { tv = t() }
$2 ~ /^::group::Push/ && !p0 { p0 = t() }
$2 == "Index" { p1 = t() }
$2 == "EOF" { end = t() }
# A phase whose marks are not all in the log (a build that logs otherwise, a failed step) is
# printed as n/a rather than guessed.
function out(name, ok, seconds) { if (ok) printf "%s %.3f\n", name, seconds; else print name, "n/a" }
END {
  out("boot", q0, boot)
  out("qemu", q0 && q1, q1 - q0)
  out("engine", q1 && b0, b0 - q1)
  out("build", b0 && b1, b1 - b0)
  out("save", s0 && s1, s1 - s0)
  out("test+verify", s1 && tv, tv - s1)
  out("push", tv && p1, p1 - tv)
  out("exit", p1 && end, end - p1)
}
