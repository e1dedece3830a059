namespace LlmStrategies.VectorSearch.Tests.Filtering;

public sealed class VectorFilterTests
{
    [Test]
    public void And_builds_a_new_filter_and_leaves_the_original_unchanged()
    {
        var source = VectorFilter.Equal("source", "wiki");
        var both = source.And("lang", "en");
        Assert.That(source.Terms, Has.Count.EqualTo(1));
        Assert.That(both.Terms, Has.Count.EqualTo(2));
        Assert.That(both.ToString(), Is.EqualTo("source == \"wiki\" && lang == \"en\""));
    }

    [Test]
    public void Terms_are_limited_and_arguments_checked()
    {
        var filter = VectorFilter.Equal("f0", "v");
        for (var i = 1; i < VectorFilter.MaxTerms; i++)
        {
            filter = filter.And($"f{i}", "v");
        }

        Assert.Throws<InvalidOperationException>(() => filter.And("one-more", "v"));
        Assert.Throws<ArgumentException>(() => VectorFilter.Equal(string.Empty, "v"));
        Assert.Throws<ArgumentNullException>(() => VectorFilter.Equal("f", null!));
    }

    [Test]
    public void A_field_is_known_once_any_entry_carried_it_even_after_removal()
    {
        using var index = new FlatVectorIndex<int>(2, VectorMetric.DotProduct);
        index.Add(1, new float[] { 1, 0 }, new Dictionary<string, string> { ["source"] = "a" });
        index.Add(2, new float[] { 0, 1 });
        Assert.That(index.Search(new float[] { 1, 1 }, 5, VectorFilter.Equal("source", "a")).Select(r => r.Key), Is.EqualTo(new[] { 1 }));
        index.Remove(1);
        Assert.That(index.Search(new float[] { 1, 1 }, 5, VectorFilter.Equal("source", "a")), Is.Empty);
    }
}
