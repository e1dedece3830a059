using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace LlmStrategies.Text.Unicode;

/// <summary>
/// Unicode normalisation (UAX #15: NFC, NFD, NFKC, NFKD) over tables generated ahead of time from the Unicode
/// Character Database (<see cref="UnicodeVersion"/>; tools/unicode-normalization/generate_tables.py), so that text
/// normalises to the same code points in every globalization mode. .NET's own <c>string.Normalize</c> calls ICU,
/// which is absent in invariant-globalization mode (<c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1</c>, the default in
/// Alpine images): there it leaves text unchanged, silently, and with ICU the result follows the ICU version installed.
/// </summary>
/// <remarks>
/// <para>
/// Unlike <c>string.Normalize</c>, nothing is rejected: unpaired surrogates and noncharacters (U+FFFE, U+FFFF,
/// U+FDD0..U+FDEF, ...) pass through unchanged, as they do in JavaScript's <c>String.prototype.normalize</c>.
/// </para>
/// <para>
/// Already-normalised text costs a vectorised scan for ASCII and C1 controls plus one table look-up per other
/// character, and allocates nothing: the string overloads return the input instance, the span overloads the input span.
/// </para>
/// <para>
/// Include in a project as shared source: <c>&lt;Compile Include="..\Shared\Unicode\**\*.cs" LinkBase="Unicode" /&gt;</c>.
/// </para>
/// </remarks>
internal static class UnicodeNormalizer
{
    /// <summary>The Unicode version of the tables, e.g. "15.0.0".</summary>
    public const string UnicodeVersion = UnicodeNormalizationData.UnicodeVersion;

    /// <summary>
    /// Identifies NFKC as done here, for fingerprints: the form, the Unicode version and this implementation's revision
    /// (raise the revision when an algorithm change alters any output).
    /// </summary>
    public const string NfkcIdentifier = "nfkc/unicode-" + UnicodeVersion + "/llmstrategies-1";

    /// <summary>Identifies NFC as done here, for fingerprints (see <see cref="NfkcIdentifier"/>).</summary>
    public const string NfcIdentifier = "nfc/unicode-" + UnicodeVersion + "/llmstrategies-1";

    private const int SBase = 0xAC00;
    private const int LBase = 0x1100;
    private const int VBase = 0x1161;
    private const int TBase = 0x11A7;
    private const int LCount = 19;
    private const int VCount = 21;
    private const int TCount = 28;
    private const int NCount = VCount * TCount;
    private const int SCount = LCount * NCount;

    /// <summary>U+0000..U+009F: class 0, quick check Yes in every form, and never composing with a preceding character.</summary>
    private static readonly SearchValues<char> s_alwaysStable = CreateAlwaysStable();

    private const int Yes = 0;
    private const int Maybe = 1;
    private const int No = 2;

    /// <summary>NFKC of <paramref name="text"/>; the same instance when it is already in NFKC (no allocation).</summary>
    public static string NormalizeNfkc(string text) => Normalize(text, NormalizationForm.FormKC);

    /// <summary>
    /// NFKC of <paramref name="text"/>: the input span itself when it is already in NFKC, else the normalised text in
    /// <paramref name="buffer"/> (grown from <see cref="ArrayPool{T}.Shared"/> when too small; see
    /// <see cref="Normalize(ReadOnlySpan{char}, ref char[], NormalizationForm)"/>).
    /// </summary>
    public static ReadOnlySpan<char> NormalizeNfkc(ReadOnlySpan<char> text, ref char[] buffer) =>
        Normalize(text, ref buffer, NormalizationForm.FormKC);

    /// <summary>The fingerprint identifier of <paramref name="form"/> as done here, e.g. "nfkc/unicode-15.0.0/llmstrategies-1".</summary>
    public static string Identifier(NormalizationForm form) => form switch
    {
        NormalizationForm.FormC => NfcIdentifier,
        NormalizationForm.FormKC => NfkcIdentifier,
        NormalizationForm.FormD => "nfd/unicode-" + UnicodeVersion + "/llmstrategies-1",
        NormalizationForm.FormKD => "nfkd/unicode-" + UnicodeVersion + "/llmstrategies-1",
        _ => throw UnsupportedForm(form),
    };

    /// <summary>Whether <paramref name="text"/> is already in <paramref name="form"/>. Allocates nothing.</summary>
    public static bool IsNormalized(ReadOnlySpan<char> text, NormalizationForm form = NormalizationForm.FormC)
    {
        var flags = FlagsOf(form);
        var check = QuickCheck(text, flags, out var start);
        if (check != Maybe)
        {
            return check == Yes;
        }

        var buffer = ArrayPool<char>.Shared.Rent(InitialCapacity(text.Length));
        try
        {
            var normalized = NormalizeFrom(text, start, ref buffer, flags);
            return normalized.SequenceEqual(text);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// <paramref name="text"/> in <paramref name="form"/>; the same instance when it is already normalised (no allocation).
    /// </summary>
    public static string Normalize(string text, NormalizationForm form = NormalizationForm.FormC)
    {
        ArgumentNullException.ThrowIfNull(text);
        var flags = FlagsOf(form);
        var check = QuickCheck(text, flags, out var start);
        if (check == Yes)
        {
            return text;
        }

        var buffer = ArrayPool<char>.Shared.Rent(InitialCapacity(text.Length));
        try
        {
            var normalized = NormalizeFrom(text, start, ref buffer, flags);
            return check == Maybe && normalized.SequenceEqual(text.AsSpan()) ? text : new string(normalized);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// <paramref name="text"/> in <paramref name="form"/> without allocating: the input span itself when it is already
    /// normalised, else the normalised text at the start of <paramref name="buffer"/>.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="buffer">
    /// Working space: an array rented from <see cref="ArrayPool{T}.Shared"/>, or an empty array. When it is too small it is
    /// returned to the pool (unless empty) and replaced by a larger rented one; the caller returns the final one.
    /// </param>
    /// <param name="form">The normalisation form.</param>
    public static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text, ref char[] buffer, NormalizationForm form)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var flags = FlagsOf(form);
        var check = QuickCheck(text, flags, out var start);
        if (check == Yes)
        {
            return text;
        }

        var normalized = NormalizeFrom(text, start, ref buffer, flags);
        return check == Maybe && normalized.SequenceEqual(text) ? text : normalized;
    }

    /// <summary>Writes <paramref name="source"/> in <paramref name="form"/> to <paramref name="destination"/>.</summary>
    /// <returns>False when <paramref name="destination"/> is too small (its content is then unspecified).</returns>
    public static bool TryNormalize(ReadOnlySpan<char> source, Span<char> destination, out int charsWritten, NormalizationForm form = NormalizationForm.FormC)
    {
        var flags = FlagsOf(form);
        if (QuickCheck(source, flags, out var start) == Yes)
        {
            charsWritten = source.TryCopyTo(destination) ? source.Length : 0;
            return charsWritten == source.Length;
        }

        return TryNormalizeFrom(source, start, destination, flags, out charsWritten);
    }

    private static SearchValues<char> CreateAlwaysStable()
    {
        Span<char> range = stackalloc char[0xA0];
        for (var c = 0; c < range.Length; c++)
        {
            range[c] = (char)c;
        }

        return SearchValues.Create(range);
    }

    private static int InitialCapacity(int length) => length <= (Array.MaxLength - 16) / 2 ? length + (length / 2) + 16 : Array.MaxLength;

    private static ReadOnlySpan<char> NormalizeFrom(ReadOnlySpan<char> text, int start, ref char[] buffer, Flags flags)
    {
        while (true)
        {
            if (TryNormalizeFrom(text, start, buffer, flags, out var written))
            {
                return buffer.AsSpan(0, written);
            }

            // The output outgrew the buffer (NFKC can expand one UTF-16 unit into 18): double it.
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(InitialCapacity(text.Length), buffer.Length <= Array.MaxLength / 2 ? buffer.Length * 2 : Array.MaxLength));
            if (buffer.Length > 0)
            {
                ArrayPool<char>.Shared.Return(buffer);
            }

            buffer = larger;
        }
    }

    [Flags]
    private enum Flags
    {
        Canonical = 0,
        Compatibility = 1,
        Compose = 2,
    }

    private static Flags FlagsOf(NormalizationForm form) => form switch
    {
        NormalizationForm.FormC => Flags.Compose,
        NormalizationForm.FormD => Flags.Canonical,
        NormalizationForm.FormKC => Flags.Compatibility | Flags.Compose,
        NormalizationForm.FormKD => Flags.Compatibility,
        _ => throw UnsupportedForm(form),
    };

    private static ArgumentException UnsupportedForm(NormalizationForm form) =>
        new($"Normalization form {form} is not supported; use FormC, FormD, FormKC or FormKD.", nameof(form));

    /// <summary>The table record of <paramref name="codePoint"/> (record 0 for code points past the table, and lone surrogates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RecordOf(int codePoint)
    {
        if ((uint)codePoint >= UnicodeNormalizationData.TableLimit)
        {
            return 0;
        }

        var block = UnicodeNormalizationData.BlockIndex[codePoint >> UnicodeNormalizationData.BlockShift];
        return UnicodeNormalizationData.Records[UnicodeNormalizationData.BlockValues[block + (codePoint & ((1 << UnicodeNormalizationData.BlockShift) - 1))]];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CombiningClass(ulong record) => (int)(record & 0xFF);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int QuickCheckValue(ulong record, Flags flags) => flags switch
    {
        Flags.Compose => (int)((record >> 8) & 3),
        Flags.Compose | Flags.Compatibility => (int)((record >> 10) & 3),
        Flags.Canonical => (int)((record >> 12) & 1) * No,
        _ => (int)((record >> 13) & 1) * No,
    };

    /// <summary>A code point whose normalisation never interacts with what precedes it: class 0 and quick check Yes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsBoundary(ulong record, Flags flags) => CombiningClass(record) == 0 && QuickCheckValue(record, flags) == Yes;

    /// <summary>The code point at <paramref name="index"/>; an unpaired surrogate is returned as itself (length 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReadCodePoint(ReadOnlySpan<char> text, int index, out int length)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            length = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }

        length = 1;
        return c;
    }

    /// <summary>
    /// UAX #15 quick check. <paramref name="start"/> is where normalisation has to begin when the answer is not Yes: the
    /// last boundary before the first character that is not Yes (everything before it is already normalised).
    /// </summary>
    private static int QuickCheck(ReadOnlySpan<char> text, Flags flags, out int start)
    {
        // Vectorised skip over U+0000..U+009F. (SearchValues: span.IndexOfAnyExceptInRange(char, char) measured 96 B
        // allocated per call on .NET 10.0.12 here.)
        var first = text.IndexOfAnyExcept(s_alwaysStable);
        start = 0;
        if (first < 0)
        {
            return Yes;
        }

        var boundary = first > 0 ? first - 1 : 0;
        var lastClass = 0;
        var result = Yes;
        for (var i = first; i < text.Length;)
        {
            var record = RecordOf(ReadCodePoint(text, i, out var length));
            var combiningClass = CombiningClass(record);
            var check = QuickCheckValue(record, flags);
            if (combiningClass != 0 && lastClass > combiningClass)
            {
                check = No;
            }

            if (check == Yes)
            {
                if (combiningClass == 0 && result == Yes)
                {
                    boundary = i;
                }
            }
            else
            {
                if (result == Yes)
                {
                    start = boundary;
                }

                if (check == No)
                {
                    return No;
                }

                result = Maybe;
            }

            lastClass = combiningClass;
            i += length;
        }

        return result;
    }

    /// <summary>
    /// Copies <paramref name="source"/>[..<paramref name="start"/>] and normalises the rest, one segment at a time (a
    /// segment runs from one boundary to the next: decomposition, canonical reordering and composition never cross it).
    /// </summary>
    private static bool TryNormalizeFrom(ReadOnlySpan<char> source, int start, Span<char> destination, Flags flags, out int charsWritten)
    {
        charsWritten = 0;
        if (!source[..start].TryCopyTo(destination))
        {
            return false;
        }

        var written = start;
        var segment = new CodePointBuffer(stackalloc int[64]);
        try
        {
            for (var i = start; i < source.Length;)
            {
                segment.Clear();
                var codePoint = ReadCodePoint(source, i, out var length);
                i += length;
                Decompose(codePoint, RecordOf(codePoint), flags, ref segment);
                while (i < source.Length)
                {
                    codePoint = ReadCodePoint(source, i, out length);
                    var record = RecordOf(codePoint);
                    if (IsBoundary(record, flags))
                    {
                        break;
                    }

                    i += length;
                    Decompose(codePoint, record, flags, ref segment);
                }

                var items = segment.Items;
                var count = (flags & Flags.Compose) != 0 ? Compose(items) : items.Length;
                for (var k = 0; k < count; k++)
                {
                    var value = items[k] & 0xFFFFFF;
                    if (value < 0x10000)
                    {
                        if (written >= destination.Length)
                        {
                            return false;
                        }

                        destination[written++] = (char)value;
                    }
                    else
                    {
                        if (written + 1 >= destination.Length)
                        {
                            return false;
                        }

                        value -= 0x10000;
                        destination[written++] = (char)(0xD800 + (value >> 10));
                        destination[written++] = (char)(0xDC00 + (value & 0x3FF));
                    }
                }
            }
        }
        finally
        {
            segment.Dispose();
        }

        charsWritten = written;
        return true;
    }

    /// <summary>Appends the full decomposition of <paramref name="codePoint"/> in canonical order (entries: class &lt;&lt; 24 | code point).</summary>
    private static void Decompose(int codePoint, ulong record, Flags flags, ref CodePointBuffer segment)
    {
        var syllable = codePoint - SBase;
        if ((uint)syllable < SCount)
        {
            segment.Add(LBase + (syllable / NCount));
            segment.Add(VBase + (syllable % NCount / TCount));
            if (syllable % TCount != 0)
            {
                segment.Add(TBase + (syllable % TCount));
            }

            return;
        }

        var shift = (flags & Flags.Compatibility) != 0 ? 35 : 14;
        var length = (int)((record >> shift) & 31);
        if (length == 0)
        {
            AppendInCanonicalOrder(ref segment, codePoint, CombiningClass(record));
            return;
        }

        var mapping = UnicodeNormalizationData.Decompositions.Slice((int)((record >> (shift + 5)) & 0xFFFF), length);
        var chars = MemoryMarshal.Cast<ushort, char>(mapping);
        for (var k = 0; k < chars.Length;)
        {
            var part = ReadCodePoint(chars, k, out var partLength);
            k += partLength;
            AppendInCanonicalOrder(ref segment, part, CombiningClass(RecordOf(part)));
        }
    }

    /// <summary>Canonical ordering: a non-starter moves before the non-starters of higher class (stable insertion).</summary>
    private static void AppendInCanonicalOrder(ref CodePointBuffer segment, int codePoint, int combiningClass)
    {
        var entry = (combiningClass << 24) | codePoint;
        segment.Add(entry);
        if (combiningClass == 0)
        {
            return;
        }

        var items = segment.Items;
        var k = items.Length - 1;
        while (k > 0 && (items[k - 1] >>> 24) > combiningClass)
        {
            items[k] = items[k - 1];
            k--;
        }

        items[k] = entry;
    }

    /// <summary>Canonical composition of a decomposed, ordered segment, in place; returns the new length.</summary>
    private static int Compose(Span<int> items)
    {
        var starter = -1;
        var lastClass = 0;
        var written = 0;
        for (var k = 0; k < items.Length; k++)
        {
            var entry = items[k];
            var codePoint = entry & 0xFFFFFF;
            var combiningClass = entry >>> 24;
            // Not blocked: nothing between the last starter and this character, or everything between has a lower class.
            if (starter >= 0 && (written - 1 == starter || (lastClass != 0 && lastClass < combiningClass)))
            {
                var composite = ComposePair(items[starter] & 0xFFFFFF, codePoint);
                if (composite >= 0)
                {
                    items[starter] = (CombiningClass(RecordOf(composite)) << 24) | composite;
                    continue;
                }
            }

            if (combiningClass == 0)
            {
                starter = written;
            }

            lastClass = combiningClass;
            items[written++] = entry;
        }

        return written;
    }

    /// <summary>The primary composite of <paramref name="first"/> + <paramref name="second"/>, or -1.</summary>
    private static int ComposePair(int first, int second)
    {
        // Only characters with NFC_QC=Maybe ever combine with a preceding one (Hangul vowels and trailing consonants included).
        if (((RecordOf(second) >> 8) & 3) != Maybe)
        {
            return -1;
        }

        if ((uint)(first - LBase) < LCount && (uint)(second - VBase) < VCount)
        {
            return SBase + ((((first - LBase) * VCount) + (second - VBase)) * TCount);
        }

        var syllable = first - SBase;
        if ((uint)syllable < SCount && syllable % TCount == 0 && (uint)(second - TBase - 1) < TCount - 1)
        {
            return first + (second - TBase);
        }

        var index = UnicodeNormalizationData.CompositionKeys.BinarySearch(((ulong)(uint)first << 21) | (uint)second);
        return index >= 0 ? UnicodeNormalizationData.CompositionValues[index] : -1;
    }

    /// <summary>A growable list of ints that starts on the stack and moves to a pooled array when it outgrows it.</summary>
    private ref struct CodePointBuffer
    {
        private Span<int> _items;
        private int[]? _rented;
        private int _count;

        public CodePointBuffer(Span<int> initial)
        {
            _items = initial;
            _rented = null;
            _count = 0;
        }

        public readonly Span<int> Items => _items[.._count];

        public void Clear() => _count = 0;

        public void Add(int value)
        {
            if (_count == _items.Length)
            {
                var larger = ArrayPool<int>.Shared.Rent(_items.Length * 2);
                _items.CopyTo(larger);
                if (_rented is not null)
                {
                    ArrayPool<int>.Shared.Return(_rented);
                }

                _rented = larger;
                _items = larger;
            }

            _items[_count++] = value;
        }

        public void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<int>.Shared.Return(_rented);
                _rented = null;
            }
        }
    }
}
