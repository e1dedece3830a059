using System.Buffers;
using System.Globalization;
using System.Text;
using LlmStrategies.Text.Unicode;

namespace LlmStrategies.Embeddings.Local.Tests.Unicode;

public sealed class UnicodeNormalizerTests
{
    private static readonly string[] s_normalizedTexts =
    [
        string.Empty,
        "The quick brown fox jumps over the lazy dog.",
        "tabs\tand\nnewlines\r\n and C1 controls \u0085",
        "Café déjà vu, naïve façade, jalapeño.",
        "Straße und Größe in München",
        "東京は日本の首都です。",
        "Привет, как дела?",
        "مرحبا بالعالم",
        "I ❤ emoji 😀🎉 and 👩‍👩‍👧 families",
        "1\u0301 (a combining accent no precomposed character takes: quick check Maybe, yet normalised)",
        "한국어 문장",
    ];

    [Test]
    public void Identifiers_NameTheFormTheUnicodeVersionAndTheImplementation()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(UnicodeNormalizer.UnicodeVersion, Is.EqualTo("15.0.0"));
            Assert.That(UnicodeNormalizer.NfkcIdentifier, Is.EqualTo("nfkc/unicode-15.0.0/llmstrategies-1"));
            Assert.That(UnicodeNormalizer.NfcIdentifier, Is.EqualTo("nfc/unicode-15.0.0/llmstrategies-1"));
            Assert.That(UnicodeNormalizer.Identifier(NormalizationForm.FormKC), Is.EqualTo(UnicodeNormalizer.NfkcIdentifier));
        }
    }

    [Test]
    public void Normalize_MatchesIcuOnEveryCodePointInEveryForm()
    {
        var reference = IcuNormalizationReference.Instance;
        var failures = new List<string>();
        var checkedCount = 0;
        for (var codePoint = 0; codePoint <= 0x10FFFF; codePoint++)
        {
            if (codePoint is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            var text = char.ConvertFromUtf32(codePoint);
            reference.CodePoints.TryGetValue(codePoint, out var row);
            for (var f = 0; f < IcuNormalizationReference.Forms.Length; f++)
            {
                var form = IcuNormalizationReference.Forms[f];
                if (row is null && IcuNormalizationReference.IsUnlistedHangulSyllable(codePoint) && form is NormalizationForm.FormD or NormalizationForm.FormKD)
                {
                    continue;
                }

                var expected = row?[f + 1] ?? text;
                var actual = UnicodeNormalizer.Normalize(text, form);
                checkedCount++;
                if (actual != expected && failures.Count < 20)
                {
                    failures.Add($"U+{codePoint:X4} {form}: expected {Hex(expected)}, got {Hex(actual)}");
                }

                if (UnicodeNormalizer.IsNormalized(text, form) != (expected == text) && failures.Count < 20)
                {
                    failures.Add($"U+{codePoint:X4} IsNormalized {form}: expected {expected == text}");
                }
            }
        }

        Assert.That(failures, Is.Empty, $"{checkedCount} code point x form pairs checked");
        Assert.That(reference.CodePoints, Has.Count.GreaterThan(5000), "the fixture lists the changing code points");
    }

    [Test]
    public void Normalize_MatchesIcuOnConformanceAndRandomSequences()
    {
        var reference = IcuNormalizationReference.Instance;
        Assert.That(reference.Sequences, Has.Count.GreaterThan(2000));
        using (Assert.EnterMultipleScope())
        {
            foreach (var row in reference.Sequences)
            {
                for (var f = 0; f < IcuNormalizationReference.Forms.Length; f++)
                {
                    var form = IcuNormalizationReference.Forms[f];
                    Assert.That(Hex(UnicodeNormalizer.Normalize(row[0], form)), Is.EqualTo(Hex(row[f + 1])), $"{form} of {Hex(row[0])}");
                }
            }
        }
    }

    [TestCase("\uFFFE", TestName = "Normalize_PassesThrough(U+FFFE, rejected by ICU)")]
    [TestCase("\uFFFF", TestName = "Normalize_PassesThrough(U+FFFF)")]
    [TestCase("\uFDD0", TestName = "Normalize_PassesThrough(U+FDD0)")]
    [TestCase("\U0001FFFE", TestName = "Normalize_PassesThrough(U+1FFFE)")]
    [TestCase("\0", TestName = "Normalize_PassesThrough(U+0000)")]
    [TestCase("\uD800", TestName = "Normalize_PassesThrough(lone high surrogate)")]
    [TestCase("\uDC00", TestName = "Normalize_PassesThrough(lone low surrogate)")]
    [TestCase("\uDC00\uD800", TestName = "Normalize_PassesThrough(reversed surrogate pair)")]
    public void Normalize_PassesThrough(string special)
    {
        // JavaScript's String.prototype.normalize (which the original tokenizer calls) leaves these unchanged; ICU's .NET
        // binding throws for U+FFFE and unpaired surrogates.
        var text = "e\u0301" + special + "\uFB01" + special;
        foreach (var form in IcuNormalizationReference.Forms)
        {
            var expected = (form is NormalizationForm.FormC or NormalizationForm.FormKC ? "\u00E9" : "e\u0301") + special +
                (form is NormalizationForm.FormKC or NormalizationForm.FormKD ? "fi" : "\uFB01") + special;
            Assert.That(Hex(UnicodeNormalizer.Normalize(text, form)), Is.EqualTo(Hex(expected)), form.ToString());
        }
    }

    [Test]
    public void Normalize_FixtureRejectedCodePointsAreOnlyTheOnesIcuRejects()
    {
        Assert.That(IcuNormalizationReference.Instance.Rejected, Is.EqualTo(new[] { 0xFFFE }));
        Assert.That(UnicodeNormalizer.NormalizeNfkc("\uFFFE"), Is.EqualTo("\uFFFE"));
    }

    [Test]
    public void NormalizeNfkc_TheLigatureSentenceOfIssue15()
    {
        Assert.That(UnicodeNormalizer.NormalizeNfkc("The \uFB01rst \uFB02ow of e\uFB03cient o\uFB00ers"), Is.EqualTo("The first flow of efficient offers"));
    }

    [Test]
    public void Normalize_ReturnsTheSameInstanceForNormalisedText()
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var text in s_normalizedTexts)
            {
                Assert.That(UnicodeNormalizer.NormalizeNfkc(text), Is.SameAs(text), text);
                Assert.That(UnicodeNormalizer.Normalize(text, NormalizationForm.FormC), Is.SameAs(text), text);
            }
        }
    }

    [Test]
    public void Normalize_AllocatesNothingForNormalisedText()
    {
        var buffer = ArrayPool<char>.Shared.Rent(64);
        foreach (var text in s_normalizedTexts)
        {
            // Warm up (JIT, static data) before measuring.
            _ = UnicodeNormalizer.NormalizeNfkc(text);
            _ = UnicodeNormalizer.NormalizeNfkc(text.AsSpan(), ref buffer);
            _ = UnicodeNormalizer.IsNormalized(text, NormalizationForm.FormKC);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var same = 0;
        for (var round = 0; round < 100; round++)
        {
            foreach (var text in s_normalizedTexts)
            {
                same += ReferenceEquals(UnicodeNormalizer.NormalizeNfkc(text), text) ? 1 : 0;
                same += UnicodeNormalizer.NormalizeNfkc(text.AsSpan(), ref buffer).Length == text.Length ? 1 : 0;
                same += UnicodeNormalizer.IsNormalized(text, NormalizationForm.FormKC) ? 1 : 0;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        ArrayPool<char>.Shared.Return(buffer);
        Assert.That(same, Is.EqualTo(300 * s_normalizedTexts.Length));
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Normalize_SpanOverloadAllocatesNothingForTextThatChanges()
    {
        var buffer = ArrayPool<char>.Shared.Rent(16);
        string[] texts = ["The \uFB01rst \uFB02ow", "Cafe\u0301 ①②③ ㎏ ℃", "\uFDFA", "ＦＵＬＬＷＩＤＴＨ １２３", "\u1100\u1161\u11A8 e\u0308\u0301"];
        foreach (var text in texts)
        {
            _ = UnicodeNormalizer.NormalizeNfkc(text.AsSpan(), ref buffer);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0;
        for (var round = 0; round < 100; round++)
        {
            foreach (var text in texts)
            {
                total += UnicodeNormalizer.NormalizeNfkc(text.AsSpan(), ref buffer).Length;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        ArrayPool<char>.Shared.Return(buffer);
        Assert.That(total, Is.GreaterThan(0));
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Normalize_SpanOverloadGrowsAPooledBufferThatIsTooSmall()
    {
        var buffer = Array.Empty<char>();
        var text = new string('\uFDFA', 100); // each expands to 18 UTF-16 units under NFKC

        var normalized = UnicodeNormalizer.NormalizeNfkc(text.AsSpan(), ref buffer).ToString();

        Assert.That(normalized, Has.Length.EqualTo(1800));
        Assert.That(buffer, Has.Length.GreaterThanOrEqualTo(1800));
        ArrayPool<char>.Shared.Return(buffer);
    }

    [Test]
    public void TryNormalize_ReportsADestinationThatIsTooSmall()
    {
        var destination = new char[17];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(UnicodeNormalizer.TryNormalize("\uFDFA", destination, out _, NormalizationForm.FormKC), Is.False);
            Assert.That(UnicodeNormalizer.TryNormalize("abc", destination.AsSpan(0, 2), out _, NormalizationForm.FormKC), Is.False);
            Assert.That(UnicodeNormalizer.TryNormalize("\uFB01x", destination, out var written, NormalizationForm.FormKC), Is.True);
            Assert.That(new string(destination, 0, written), Is.EqualTo("fix"));
        }
    }

    [Test]
    public void Normalize_AVeryLongRunOfCombiningMarksIsReorderedAndComposed()
    {
        // One segment far longer than the stack buffer: a + (U+0316 below, class 220; U+0301 above, class 230) x 5000.
        var builder = new StringBuilder("a");
        for (var i = 0; i < 5000; i++)
        {
            builder.Append("\u0301\u0316");
        }

        var normalized = UnicodeNormalizer.Normalize(builder.ToString(), NormalizationForm.FormC);

        // Canonical order puts the 5000 U+0316 first. They have a lower class than U+0301, so the first U+0301 is not
        // blocked from "a" and composes with it to U+00E1; the next one no longer finds a composite.
        var expected = "\u00E1" + new string('\u0316', 5000) + new string('\u0301', 4999);
        Assert.That(normalized == expected, Is.True, $"length {normalized.Length}, starts {Hex(normalized[..4])}");
    }

    [Test]
    public void Normalize_RejectsAFormItDoesNotSupport()
    {
        Assert.That(() => UnicodeNormalizer.Normalize("x", (NormalizationForm)3), Throws.ArgumentException.With.Message.Contains("FormKC"));
    }

    /// <summary>Code points in hex; an unpaired surrogate is shown as itself (not as U+FFFD).</summary>
    private static string Hex(string text)
    {
        var parts = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            var value = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                ? char.ConvertToUtf32(text[i], text[++i])
                : text[i];
            parts.Add(value.ToString("X4", CultureInfo.InvariantCulture));
        }

        return string.Join(' ', parts);
    }
}
