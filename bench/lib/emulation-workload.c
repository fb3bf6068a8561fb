/*
 * The workload of bench/emulation: the same CPU-bound work on every architecture (integer
 * arithmetic over a buffer, a sieve, a sort: what a compiler or a test suite does most), built
 * static for each platform with Debian's cross compilers. It prints a checksum that must be the
 * same everywhere: an emulator that computes a wrong result is caught, not timed.
 * Usage: workload [MIB]   (default 16: the buffer size in MiB; the time grows with it)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 16;
  size_t n = mib << 20;
  uint8_t *buf = malloc(n);
  char *composite = calloc(n, 1);
  uint32_t *keys = malloc((n / 16) * sizeof *keys);
  if (!buf || !composite || !keys) return 2;

  /* xorshift64 fill, then FNV-1a over it, four times */
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    buf[i] = (uint8_t)x;
  }
  uint64_t h = 1469598103934665603ull;
  for (int r = 0; r < 4; r++)
    for (size_t i = 0; i < n; i++) {
      h ^= buf[i];
      h *= 1099511628211ull;
    }

  /* the primes below n */
  uint64_t primes = 0;
  for (size_t i = 2; i < n; i++) {
    if (composite[i]) continue;
    primes++;
    for (size_t j = i * 2; j < n; j += i) composite[j] = 1;
  }

  /* sort n/16 keys made from the buffer, then fold them in */
  size_t k = n / 16;
  for (size_t i = 0; i < k; i++)
    keys[i] = (uint32_t)buf[4 * i] << 24 | (uint32_t)buf[4 * i + 1] << 16 | (uint32_t)buf[4 * i + 2] << 8 | buf[4 * i + 3];
  qsort(keys, k, sizeof *keys, compare);
  for (size_t i = 0; i < k; i += 97) h = (h ^ keys[i]) * 1099511628211ull;

  printf("%016llx %llu\n", (unsigned long long)h, (unsigned long long)primes);
  return 0;
}
