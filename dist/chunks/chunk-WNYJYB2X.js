import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);

// src/shared/elf.ts
var PT_INTERP = 3;
function parseElf(buf) {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 2135247942) return void 0;
  const bits = buf[4] === 2 ? 64 : buf[4] === 1 ? 32 : void 0;
  const endian = buf[5] === 1 ? "little" : buf[5] === 2 ? "big" : void 0;
  if (!bits || !endian) return void 0;
  const le = endian === "little";
  const u16 = (o) => le ? buf.readUInt16LE(o) : buf.readUInt16BE(o);
  const u32 = (o) => le ? buf.readUInt32LE(o) : buf.readUInt32BE(o);
  const addr = (o) => bits === 64 ? Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : u32(o);
  const type = u16(16);
  const machine = u16(18);
  const phoff = addr(bits === 64 ? 32 : 28);
  const flags = u32(bits === 64 ? 48 : 36);
  const phentsize = u16(bits === 64 ? 54 : 42);
  const phnum = u16(bits === 64 ? 56 : 44);
  let dynamic = false;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > buf.length) break;
    if (u32(at) === PT_INTERP) dynamic = true;
  }
  return { bits, endian, type, machine, flags, dynamic };
}
var ET = { REL: 1, EXEC: 2, DYN: 3, CORE: 4 };
var EM = {
  I386: 3,
  MIPS: 8,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  /** Linux eBPF objects: loaded into the kernel's BPF virtual machine, never run as programs. */
  BPF: 247,
  LOONGARCH: 258
};
var MACHINE_NAMES = {
  [EM.I386]: "i386",
  [EM.MIPS]: "MIPS",
  20: "PowerPC",
  [EM.PPC64]: "PPC64",
  [EM.S390]: "S390",
  [EM.ARM]: "ARM",
  [EM.X86_64]: "x86-64",
  [EM.AARCH64]: "AArch64",
  [EM.RISCV]: "RISC-V",
  [EM.BPF]: "eBPF",
  [EM.LOONGARCH]: "LoongArch"
};
function machineName(machine) {
  return MACHINE_NAMES[machine] ?? `machine 0x${machine.toString(16)}`;
}
var EF_ARM_EABIMASK = 4278190080;
var EF_ARM_ABI_FLOAT_SOFT = 512;
var EF_ARM_ABI_FLOAT_HARD = 1024;
function armEabiVersion(flags) {
  return (flags & EF_ARM_EABIMASK) >>> 24;
}
function armFloatAbi(flags) {
  if (flags & EF_ARM_ABI_FLOAT_HARD) return "hard";
  if (flags & EF_ARM_ABI_FLOAT_SOFT) return "soft";
  return void 0;
}
var ARM_CPU_ARCH_NAMES = [
  "pre-v4",
  "v4",
  "v4T",
  "v5T",
  "v5TE",
  "v5TEJ",
  "v6",
  "v6KZ",
  "v6T2",
  "v6K",
  "v7",
  "v6-M",
  "v6S-M",
  "v7E-M",
  "v8-A",
  "v8-R",
  "v8-M.base",
  "v8-M.main",
  "v8.1-A",
  "v8.2-A",
  "v8.3-A",
  "v8.1-M.main",
  "v9-A"
];
function armArchLevel(cpuArch) {
  if (cpuArch <= 0) return 3;
  if (cpuArch <= 2) return 4;
  if (cpuArch <= 5) return 5;
  if (cpuArch <= 9 || cpuArch === 11 || cpuArch === 12) return 6;
  if (cpuArch === 10 || cpuArch === 13) return 7;
  if (cpuArch === 22) return 9;
  return 8;
}
var SHT_ARM_ATTRIBUTES = 1879048195;
function readArmAttributes(buf) {
  const h = parseElf(buf);
  if (h?.bits !== 32 || h.endian !== "little") return void 0;
  const shoff = buf.readUInt32LE(32);
  const shentsize = buf.readUInt16LE(46);
  const shnum = buf.readUInt16LE(48);
  if (shoff === 0 || shentsize < 40) return void 0;
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    if (at + 40 > buf.length) return void 0;
    if (buf.readUInt32LE(at + 4) !== SHT_ARM_ATTRIBUTES) continue;
    const offset = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    if (offset + size > buf.length) return void 0;
    return parseAeabiAttributes(buf.subarray(offset, offset + size));
  }
  return void 0;
}
function parseAeabiAttributes(sec) {
  if (sec.length < 1 || sec[0] !== 65) return void 0;
  let pos = 1;
  while (pos + 4 <= sec.length) {
    const length = sec.readUInt32LE(pos);
    if (length < 4 || pos + length > sec.length) return void 0;
    const end = pos + length;
    const nul = sec.indexOf(0, pos + 4);
    if (nul < 0 || nul >= end) return void 0;
    const vendor = sec.toString("latin1", pos + 4, nul);
    if (vendor === "aeabi") return parseAeabiVendor(sec.subarray(nul + 1, end));
    pos = end;
  }
  return void 0;
}
function parseAeabiVendor(data) {
  let pos = 0;
  while (pos + 5 <= data.length) {
    const scope = data[pos];
    const size = data.readUInt32LE(pos + 1);
    if (size < 5 || pos + size > data.length) return void 0;
    if (scope === 1) return parseAttributeList(data.subarray(pos + 5, pos + size));
    pos += size;
  }
  return void 0;
}
function parseAttributeList(data) {
  let pos = 0;
  const uleb = () => {
    let result = 0;
    let shift = 0;
    while (pos < data.length) {
      const byte = data[pos++];
      result += (byte & 127) * 2 ** shift;
      shift += 7;
      if (!(byte & 128)) break;
    }
    return result;
  };
  const ntbs = () => {
    const nul = data.indexOf(0, pos);
    const end = nul < 0 ? data.length : nul;
    const s = data.toString("latin1", pos, end);
    pos = end + 1;
    return s;
  };
  let cpuArch;
  let cpuName;
  while (pos < data.length) {
    const tag = uleb();
    if (tag === 5) cpuName = ntbs();
    else if (tag === 6) cpuArch = uleb();
    else if (tag === 4 || tag === 65 || tag === 67) ntbs();
    else if (tag === 32) {
      uleb();
      ntbs();
    } else if (tag > 32 && tag % 2 === 1) ntbs();
    else uleb();
  }
  return { cpuArch, cpuName };
}
function describeElf(h, arm) {
  const parts = [machineName(h.machine), `${h.bits}-bit`, h.endian === "little" ? "LSB" : "MSB"];
  if (h.machine === EM.ARM) {
    parts.push(`EABI${armEabiVersion(h.flags)}`);
    const fl = armFloatAbi(h.flags);
    if (fl) parts.push(`${fl}-float`);
    if (arm?.cpuArch !== void 0) parts.push(`ARM${ARM_CPU_ARCH_NAMES[arm.cpuArch] ?? `(Tag_CPU_arch ${arm.cpuArch})`}`);
  }
  return parts.join(" ");
}

export {
  parseElf,
  ET,
  EM,
  machineName,
  armEabiVersion,
  armFloatAbi,
  armArchLevel,
  readArmAttributes,
  describeElf
};
