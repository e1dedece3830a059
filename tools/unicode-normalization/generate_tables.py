#!/usr/bin/env python3
"""Generates src/Shared/Unicode/UnicodeNormalizationData.g.cs from the Unicode Character Database.

Usage: python3 tools/unicode-normalization/generate_tables.py [UCD-folder] [output.cs]

UCD-folder defaults to /usr/share/unicode (Debian's `unicode-data` package: `apt-get install unicode-data`;
Debian 12 ships 15.0.0). It must hold UnicodeData.txt and DerivedNormalizationProps.txt of one version; the version
is read from the header of DerivedNormalizationProps.txt and written into the output. The output is deterministic:
the same UCD files give the same bytes.

What is generated (see UnicodeNormalizer.cs for how it is read):
  * a two-stage table from code point to a record index (code points >= TableLimit all have record 0);
  * records (one ulong each): canonical combining class, NFC/NFKC quick-check values (Yes/Maybe/No), NFD/NFKD
    quick-check No flags, and offset + length of the full (recursive) canonical and compatibility decompositions;
  * the decompositions as UTF-16 code units;
  * the canonical composition pairs (first << 21 | second -> composite) of every primary composite, i.e. every
    two-code-point canonical decomposition whose character is not Full_Composition_Exclusion.
Hangul syllables are decomposed and composed algorithmically (Unicode chapter 3.12) and are not in the tables.
"""
import os
import re
import sys

S_BASE, S_COUNT = 0xAC00, 11172


def read_ucd(folder):
    ccc, mapping, compat = {}, {}, {}
    with open(os.path.join(folder, "UnicodeData.txt"), encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split(";")
            cp = int(fields[0], 16)
            if int(fields[3]):
                ccc[cp] = int(fields[3])
            if fields[5]:
                parts = fields[5].split()
                is_compat = parts[0].startswith("<")
                if is_compat:
                    parts = parts[1:]
                mapping[cp] = [int(p, 16) for p in parts]
                compat[cp] = is_compat
    props = {"Full_Composition_Exclusion": set(), "NFC_QC": {}, "NFKC_QC": {}, "NFD_QC": {}, "NFKD_QC": {}}
    version = None
    with open(os.path.join(folder, "DerivedNormalizationProps.txt"), encoding="utf-8") as f:
        for line in f:
            if version is None:
                m = re.match(r"# DerivedNormalizationProps-(\d+\.\d+\.\d+)\.txt", line)
                if m:
                    version = m.group(1)
            data = line.split("#", 1)[0].strip()
            if not data:
                continue
            fields = [x.strip() for x in data.split(";")]
            lo, _, hi = fields[0].partition("..")
            lo = int(lo, 16)
            hi = int(hi, 16) if hi else lo
            name = fields[1]
            if name == "Full_Composition_Exclusion":
                props[name].update(range(lo, hi + 1))
            elif name in ("NFC_QC", "NFKC_QC", "NFD_QC", "NFKD_QC"):
                for cp in range(lo, hi + 1):
                    props[name][cp] = fields[2]
    if version is None:
        sys.exit("DerivedNormalizationProps.txt has no version header")
    return version, ccc, mapping, compat, props


def full_decomposition(cp, mapping, compat, compatibility):
    if S_BASE <= cp < S_BASE + S_COUNT:
        return None  # algorithmic
    if cp not in mapping or (compat[cp] and not compatibility):
        return [cp]
    result = []
    for part in mapping[cp]:
        result.extend(full_decomposition(part, mapping, compat, compatibility))
    return result


def utf16(cps):
    units = []
    for cp in cps:
        if cp >= 0x10000:
            cp -= 0x10000
            units += [0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF)]
        else:
            units.append(cp)
    return units


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "src", "Shared", "Unicode", "UnicodeNormalizationData.g.cs")
    version, ccc, mapping, compat, props = read_ucd(folder)
    qc_value = {"Y": 0, "M": 1, "N": 2}

    pool, pool_index = [], {}

    def intern(units):
        key = tuple(units)
        if key not in pool_index:
            # Reuse an identical run already in the pool (many compatibility mappings repeat).
            pool_index[key] = len(pool)
            pool.extend(units)
        return pool_index[key]

    records, record_index = [0], {0: 0}
    limit = 0
    values = [0] * 0x110000
    for cp in range(0x110000):
        c = ccc.get(cp, 0)
        nfc = qc_value[props["NFC_QC"].get(cp, "Y")]
        nfkc = qc_value[props["NFKC_QC"].get(cp, "Y")]
        nfd_no = props["NFD_QC"].get(cp, "Y") == "N"
        nfkd_no = props["NFKD_QC"].get(cp, "Y") == "N"
        record = c | nfc << 8 | nfkc << 10 | nfd_no << 12 | nfkd_no << 13
        canonical = full_decomposition(cp, mapping, compat, False)
        compatibility = full_decomposition(cp, mapping, compat, True)
        if canonical is not None and canonical != [cp]:
            units = utf16(canonical)
            assert len(units) < 32
            record |= len(units) << 14 | intern(units) << 19
        if compatibility is not None and compatibility != [cp]:
            units = utf16(compatibility)
            assert len(units) < 32
            record |= len(units) << 35 | intern(units) << 40
        # The quick-check flags must agree with the mappings (a consistency check of this generator).
        hangul = S_BASE <= cp < S_BASE + S_COUNT
        assert nfd_no == (hangul or (canonical is not None and canonical != [cp])), hex(cp)
        assert nfkd_no == (hangul or (compatibility is not None and compatibility != [cp])), hex(cp)
        if record not in record_index:
            record_index[record] = len(records)
            records.append(record)
        values[cp] = record_index[record]
        if values[cp]:
            limit = cp + 1
    assert len(pool) < 1 << 16 and len(records) < 1 << 16

    pairs = {}
    for cp, parts in mapping.items():
        if not compat[cp] and len(parts) == 2 and cp not in props["Full_Composition_Exclusion"]:
            pairs[parts[0] << 21 | parts[1]] = cp
    for second in set(key & 0x1FFFFF for key in pairs):
        assert props["NFC_QC"].get(second) == "M", hex(second)

    best = None
    for shift in range(4, 10):
        size = 1 << shift
        table_limit = (limit + size - 1) // size * size
        blocks, block_ids, index = [], {}, []
        for start in range(0, table_limit, size):
            block = tuple(values[start:start + size])
            if block not in block_ids:
                block_ids[block] = len(blocks)
                blocks.append(block)
            index.append(block_ids[block] * size)
        if max(index) >= 1 << 16:
            continue
        total = 2 * len(index) + 2 * len(blocks) * size
        if best is None or total < best[0]:
            best = (total, shift, table_limit, index, [v for b in blocks for v in b])
    _, shift, table_limit, index, block_values = best

    def rows(items, per_line, fmt):
        items = list(items)
        lines = []
        for i in range(0, len(items), per_line):
            lines.append("        " + ", ".join(fmt(x) for x in items[i:i + per_line]) + ",")
        return "\n".join(lines)

    keys = sorted(pairs)
    text = f"""// <auto-generated>
// Generated by tools/unicode-normalization/generate_tables.py from the Unicode Character Database {version}
// (UnicodeData.txt, DerivedNormalizationProps.txt). Do not edit; regenerate instead.
// Sizes: block index {len(index)} x ushort, blocks {len(block_values)} x ushort, records {len(records)} x ulong,
// decompositions {len(pool)} x UTF-16 code unit, composition pairs {len(keys)} x (ulong + int).
// </auto-generated>

namespace LlmStrategies.Text.Unicode;

/// <summary>Unicode {version} normalisation data; see UnicodeNormalizer for the layout.</summary>
internal static class UnicodeNormalizationData
{{
    /// <summary>The Unicode Character Database version the tables were generated from.</summary>
    public const string UnicodeVersion = "{version}";

    /// <summary>log2 of the code points per block of <see cref="BlockValues"/>.</summary>
    public const int BlockShift = {shift};

    /// <summary>Code points at or above this value all have record 0 (ccc 0, quick checks Yes, no decomposition).</summary>
    public const int TableLimit = 0x{table_limit:X};

    /// <summary>Start of the block in <see cref="BlockValues"/> of each block of code points below <see cref="TableLimit"/>.</summary>
    public static ReadOnlySpan<ushort> BlockIndex => s_blockIndex;

    // Arrays, not ReadOnlySpan properties over constant data: Debug builds would allocate a copy on every access.
    private static readonly ushort[] s_blockIndex =
    [
{rows(index, 16, str)}
    ];

    /// <summary>Record index of every code point, block by block (identical blocks shared).</summary>
    public static ReadOnlySpan<ushort> BlockValues => s_blockValues;

    // Arrays, not ReadOnlySpan properties over constant data: Debug builds would allocate a copy on every access.
    private static readonly ushort[] s_blockValues =
    [
{rows(block_values, 24, str)}
    ];

    /// <summary>
    /// Bits 0-7 canonical combining class; 8-9 NFC_QC and 10-11 NFKC_QC (0 Yes, 1 Maybe, 2 No); 12 NFD_QC=No;
    /// 13 NFKD_QC=No; 14-18 length and 19-34 offset in <see cref="Decompositions"/> of the full canonical
    /// decomposition; 35-39 length and 40-55 offset of the full compatibility decomposition (length 0: none, or Hangul).
    /// </summary>
    public static ReadOnlySpan<ulong> Records => s_records;

    // Arrays, not ReadOnlySpan properties over constant data: Debug builds would allocate a copy on every access.
    private static readonly ulong[] s_records =
    [
{rows(records, 8, lambda r: f"0x{r:X}")}
    ];

    /// <summary>The full decompositions, as UTF-16 code units.</summary>
    public static ReadOnlySpan<ushort> Decompositions => s_decompositions;

    // Arrays, not ReadOnlySpan properties over constant data: Debug builds would allocate a copy on every access.
    private static readonly ushort[] s_decompositions =
    [
{rows(pool, 16, lambda u: f"0x{u:X}")}
    ];

    /// <summary>Primary composites, sorted: first code point &lt;&lt; 21 | second code point.</summary>
    public static ReadOnlySpan<ulong> CompositionKeys => s_compositionKeys;

    // Arrays, not ReadOnlySpan properties over constant data: Debug builds would allocate a copy on every access.
    private static readonly ulong[] s_compositionKeys =
    [
{rows(keys, 8, lambda k: f"0x{k:X}")}
    ];

    /// <summary>The composite of each entry of <see cref="CompositionKeys"/>.</summary>
    public static ReadOnlySpan<int> CompositionValues => s_compositionValues;

    // Arrays, not ReadOnlySpan properties over constant data: Debug builds would allocate a copy on every access.
    private static readonly int[] s_compositionValues =
    [
{rows((pairs[k] for k in keys), 12, lambda v: f"0x{v:X}")}
    ];
}}
"""
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"Unicode {version}: {len(records)} records, block shift {shift}, table limit 0x{table_limit:X}, "
          f"{len(index)} index entries, {len(block_values)} block values, {len(pool)} decomposition units, "
          f"{len(keys)} composition pairs; data {best[0] + 8 * len(records) + 2 * len(pool) + 12 * len(keys)} bytes -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
