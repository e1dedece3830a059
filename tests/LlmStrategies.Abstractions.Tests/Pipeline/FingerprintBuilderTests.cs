using System.Globalization;
using LlmStrategies;

namespace LlmStrategies.Abstractions.Tests.Pipeline;

public class FingerprintBuilderTests
{
    [Test]
    public void SameSettings_GiveTheSameFingerprint_AndAKnownValue()
    {
        static StrategyFingerprint Make() => new FingerprintBuilder().Add("top", 5).Add("temperature", 0.2).Add("name", "rag").Build();
        var first = Make();
        var second = Make();

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            // The canonical text is "top=5\ntemperature=0.2\nname=rag\n"; its SHA-256 prefix must never change between
            // versions or machines, or every stored experiment result would silently stop matching. The expected value
            // was computed independently: python3 -c "import hashlib; print(hashlib.sha256(b'top=5\ntemperature=0.2\nname=rag\n').hexdigest()[:32])"
            Assert.That(Make().Value, Is.EqualTo(StrategyFingerprint.Compute("top=5\ntemperature=0.2\nname=rag\n").Value));
            Assert.That(Make().Value, Is.EqualTo("33dfe51c53bd7e11f18e8e1bb880fcfe"));
        });
    }

    [Test]
    public void AnyChangedSetting_ChangesTheFingerprint()
    {
        var baseline = new FingerprintBuilder().Add("top", 5).Add("temperature", 0.2).Build();

        Assert.Multiple(() =>
        {
            Assert.That(new FingerprintBuilder().Add("top", 6).Add("temperature", 0.2).Build(), Is.Not.EqualTo(baseline));
            Assert.That(new FingerprintBuilder().Add("top", 5).Add("temperature", 0.2000001).Build(), Is.Not.EqualTo(baseline));
            Assert.That(new FingerprintBuilder().Add("temperature", 0.2).Add("top", 5).Build(), Is.Not.EqualTo(baseline), "order is part of the configuration");
        });
    }

    [Test]
    public void ValuesCannotForgeExtraLines()
    {
        var forged = new FingerprintBuilder().Add("a", "1\nb=2").CanonicalText;
        var honest = new FingerprintBuilder().Add("a", "1").Add("b", "2").CanonicalText;

        Assert.Multiple(() =>
        {
            Assert.That(forged, Is.Not.EqualTo(honest));
            Assert.That(forged, Is.EqualTo("a=1\\nb=2\n"));
            Assert.That(new FingerprintBuilder().Add("a", (string?)null).CanonicalText, Is.Not.EqualTo(new FingerprintBuilder().Add("a", "<null>").CanonicalText));
        });
    }

    [Test]
    public void NumbersAreCultureInvariant()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.That(new FingerprintBuilder().Add("t", 0.5).CanonicalText, Is.EqualTo("t=0.5\n"));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Test]
    public void Components_AddTheirTypeAndPrefixedSettings()
    {
        var text = new FingerprintBuilder().AddComponent("retriever", new Configurable(3)).AddComponent("selector", null).CanonicalText;

        Assert.That(text, Is.EqualTo(
            $"retriever={typeof(Configurable).FullName}\nretriever.k=3\nselector=<null>\n"));
    }

    [Test]
    public void RejectsNamesThatWouldBreakTheFormat()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new FingerprintBuilder().Add("a=b", "x"), Throws.ArgumentException.With.Message.Contains("'='"));
            Assert.That(() => new FingerprintBuilder().Add("", "x"), Throws.ArgumentException);
        });
    }

    [Test]
    public void Parse_RoundTripsAndRejectsGarbage()
    {
        var fingerprint = new FingerprintBuilder().Add("x", 1).Build();

        Assert.Multiple(() =>
        {
            Assert.That(StrategyFingerprint.Parse(fingerprint.Value.ToUpperInvariant()), Is.EqualTo(fingerprint));
            Assert.That(() => StrategyFingerprint.Parse("xyz"), Throws.TypeOf<FormatException>().With.Message.Contains("32 hexadecimal"));
            Assert.That(default(StrategyFingerprint).Value, Is.Empty);
        });
    }

    private sealed class Configurable(int k) : IFingerprintable
    {
        public void AddToFingerprint(FingerprintBuilder builder) => builder.Add("k", k);
    }
}
