# Phases of Archway's main step, from its log stamped by stamp.mjs ("<ms> <line>"); prints
# "name seconds" lines. boot: node, the bundle and the inputs, up to the QEMU group; qemu: the
# QEMU group; engine: docker info and the rest up to the build; build: docker buildx build
# --load; save, test, verify: summed over the platforms' "Test and verify" groups (docker save
# and unpacking of the layout; the docker run of the test; the ELF check); push: every
# platform's gzip and push; exit: from the index line to the end of the process.
function t() { return $1 / 1000 }
$2 == "::group::QEMU" { boot = t(); q0 = t() }
$2 == "::endgroup::" && q0 && !q1 { q1 = t() }
$2 ~ /^::group::Build/ { b0 = t() }
$2 == "Built" { b1 = t() }
$2 == "::group::Test" { g0 = t(); if (!first) first = g0 }
$2 == "Image" && g0 { i0 = t(); save += i0 - g0 }
$2 == "Test" && $3 ~ /^(passed|failed|crashed)$/ { r0 = t(); test += r0 - i0 }
$2 == "Architecture:" { verify += t() - r0 }
$2 == "::endgroup::" && g0 && !p0 { tend = t() }
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
  out("save", first && tend, save)
  out("test", first && tend, test)
  out("verify", first && tend, verify)
  out("push", tend && p1, p1 - tend)
  out("exit", p1 && end, end - p1)
}
