using LlmStrategies.VectorData.Tests.TestDoubles;

namespace LlmStrategies.VectorData.Tests.Retrieval;

public class MetadataFilterTranslatorTests
{
    private static readonly MetadataFilterTranslator<Paragraph> Translator = new MetadataFilterTranslator<Paragraph>()
        .Map("product", p => p.Product)
        .Map("year", p => p.Year, int.Parse);

    [Test]
    public void Translate_GivesAnAndOfOrsOfEqualities_ThatSelectsWhatTheFilterMatches()
    {
        var filter = MetadataFilter.Where("product", "router", "camera").And("year", "2022");
        var expression = Translator.Translate(filter);
        var paragraphs = Manual.Paragraphs();

        var selected = paragraphs.Where(expression.Compile()).Select(p => p.Id);
        var expected = paragraphs.Where(p => filter.Matches(p.ToChunk().Metadata)).Select(p => p.Id);

        Assert.Multiple(() =>
        {
            Assert.That(selected, Is.EqualTo(expected).And.EquivalentTo(new[] { "camera-night", "camera-warranty" }));
            Assert.That(expression.Body.ToString(), Is.EqualTo("(((r.Product == \"router\") OrElse (r.Product == \"camera\")) AndAlso (r.Year == 2022))"));
            Assert.That(Translator.Fields, Is.EquivalentTo(new[] { "product", "year" }));
        });
    }

    [Test]
    public void UnknownFieldsBadValuesAndDuplicateMappings_AreSpecificErrors()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Translator.Translate(MetadataFilter.Where("prodcut", "router")),
                Throws.ArgumentException.With.Message.Contains("'prodcut'").And.Message.Contains("mapped fields: product, year"));
            Assert.That(() => Translator.Translate(MetadataFilter.Where("year", "twenty")),
                Throws.ArgumentException.With.Message.Contains("'twenty'").And.Message.Contains("'year'"));
            Assert.That(() => new MetadataFilterTranslator<Paragraph>().Map("a", p => p.Product).Map("a", p => p.Text),
                Throws.ArgumentException.With.Message.Contains("already mapped"));
        });
    }
}
