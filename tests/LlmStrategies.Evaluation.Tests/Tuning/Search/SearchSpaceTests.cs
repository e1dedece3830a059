using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.Tuning;

namespace LlmStrategies.Tests.Tuning.Search;

public class SearchSpaceTests
{
    private static SearchSpace Space() => new SearchSpace()
        .Add("retrieval.top", 1, 3)
        .Add("fusion.weight", 0.5, 1.0, 2.0)
        .AddEnum("fusion.method", FusionMethod.ZScore, FusionMethod.MinMax)
        .Add("instructions", "Answer briefly.", "Cite the passage.")
        .Add("rerank", false, true);

    [Test]
    public void TheGridIsEveryCombination_FirstParameterSlowest()
    {
        var space = Space();

        var grid = space.Grid().ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(space.GridSize, Is.EqualTo(2 * 3 * 2 * 2 * 2));
            Assert.That(grid, Has.Length.EqualTo(48));
            Assert.That(grid.Select(p => p.Id), Is.Unique);
            Assert.That(grid[0].Id, Is.EqualTo("retrieval.top=1; fusion.weight=0.5; fusion.method=ZScore; instructions=Answer briefly.; rerank=false"));
            Assert.That(grid[1].GetBoolean("rerank"), Is.True);
            Assert.That(grid[24].GetInt32("retrieval.top"), Is.EqualTo(3));
            Assert.That(space.PointAt(47), Is.EqualTo(grid[47]));
        });
    }

    [Test]
    public void APointIsMadeFromValues_InAnyOrder_AndReadBack()
    {
        var space = Space();

        var point = space.Point(("rerank", true), ("instructions", "Cite the passage."), ("fusion.method", FusionMethod.MinMax), ("fusion.weight", 2), ("retrieval.top", 3));

        Assert.Multiple(() =>
        {
            Assert.That(point.GetInt32("retrieval.top"), Is.EqualTo(3));
            Assert.That(point.GetDouble("fusion.weight"), Is.EqualTo(2.0));
            Assert.That(point.GetEnum<FusionMethod>("fusion.method"), Is.EqualTo(FusionMethod.MinMax));
            Assert.That(point.GetString("instructions"), Is.EqualTo("Cite the passage."));
            Assert.That(point.GetBoolean("rerank"), Is.True);
            Assert.That(space.Contains(point), Is.True);
            Assert.That(point, Is.EqualTo(space.Grid().Single(p => p.Id == point.Id)));
        });
    }

    [Test]
    public void BadPoints_AreRejectedWithTheReason()
    {
        var space = Space();

        Assert.Multiple(() =>
        {
            Assert.That(() => space.Point(("retrieval.top", 1)), Throws.ArgumentException.With.Message.Contains("no value for parameter 'fusion.weight'"));
            Assert.That(() => space.Point(("retrieval.top", 2), ("fusion.weight", 1.0), ("fusion.method", "ZScore"), ("instructions", "Answer briefly."), ("rerank", false)), Throws.ArgumentException.With.Message.Contains("'2' is not a value of parameter 'retrieval.top'"));
            Assert.That(() => space.Point(("retrieval.top", "one"), ("fusion.weight", 1.0), ("fusion.method", "ZScore"), ("instructions", "Answer briefly."), ("rerank", false)), Throws.ArgumentException.With.Message.Contains("takes WholeNumber values"));
            Assert.That(() => space.Point(("nope", 1)), Throws.ArgumentException.With.Message.Contains("no parameter 'nope'"));
            Assert.That(() => space.Point(("retrieval.top", 1), ("retrieval.top", 3)), Throws.ArgumentException.With.Message.Contains("given twice"));
        });
    }

    [Test]
    public void BadParameters_AreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SearchSpace().Add("k", 1, 1), Throws.ArgumentException.With.Message.Contains("twice"));
            Assert.That(() => new SearchSpace().Add("k", Array.Empty<int>()), Throws.ArgumentException.With.Message.Contains("no values"));
            Assert.That(() => new SearchSpace().Add("k k", 1), Throws.ArgumentException.With.Message.Contains("contains ' '"));
            Assert.That(() => new SearchSpace().Add("w", double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new SearchSpace().Add("k", 1).Add("k", 2), Throws.ArgumentException.With.Message.Contains("already has"));
            Assert.That(() => new SearchSpace().AddEnum("m", (FusionMethod)42), Throws.ArgumentException.With.Message.Contains("not a defined"));
        });
    }

    [Test]
    public void Json_RoundTripsKindsAndValues()
    {
        var space = Space();

        var loaded = SearchSpace.FromJson(space.ToJson());

        Assert.Multiple(() =>
        {
            Assert.That(loaded.IsSameAs(space), Is.True);
            Assert.That(loaded["fusion.weight"].Kind, Is.EqualTo(ParameterKind.Number), "1.0 is stored as 1 and read back as a number");
            Assert.That(loaded.Grid().Select(p => p.Id), Is.EqualTo(space.Grid().Select(p => p.Id)));
            Assert.That(space.ToJson(), Does.Contain("\"schema\": \"llmstrategies.search-space\""));
        });
    }

    [Test]
    public void AFileWrittenByHand_IsRead_AndErrorsNameTheProblem()
    {
        using var temp = new TempDirectory();
        var good = temp.Write("space.json", """{"schema": "llmstrategies.search-space", "version": 1, "parameters": [{"name": "top", "kind": "WholeNumber", "values": [1, 3]}, {"name": "w", "kind": "Number", "values": [1, 2.5]}]}""");
        var wrongKind = temp.Write("kind.json", """{"schema": "llmstrategies.search-space", "version": 1, "parameters": [{"name": "top", "kind": "WholeNumber", "values": [1.5]}]}""");
        var foreign = temp.Write("foreign.json", """{"schema": "llmstrategies.price-table", "version": 1}""");
        var future = temp.Write("future.json", """{"schema": "llmstrategies.search-space", "version": 2, "parameters": []}""");
        var broken = temp.Write("broken.json", """{"schema": "llmstrategies.search-space", "vers""");
        var noKind = temp.Write("nokind.json", """{"schema": "llmstrategies.search-space", "version": 1, "parameters": [{"name": "top", "values": [1]}]}""");

        var space = SearchSpace.Load(good);

        Assert.Multiple(() =>
        {
            Assert.That(space.Grid().Select(p => p.Id), Is.EqualTo(new[] { "top=1; w=1", "top=1; w=2.5", "top=3; w=1", "top=3; w=2.5" }));
            Assert.That(space["w"].Values[0].AsNumber(), Is.EqualTo(1.0));
            Assert.That(() => SearchSpace.Load(wrongKind), Throws.InstanceOf<TuningFileException>().With.Message.Contains("'top' is WholeNumber but holds the Number value '1.5'"));
            Assert.That(() => SearchSpace.Load(foreign), Throws.InstanceOf<TuningFileException>().With.Message.Contains("schema is 'llmstrategies.price-table'"));
            Assert.That(() => SearchSpace.Load(future), Throws.InstanceOf<TuningFileException>().With.Message.Contains("version 2"));
            Assert.That(() => SearchSpace.Load(broken), Throws.InstanceOf<TuningFileException>().With.Message.Contains("not JSON"));
            Assert.That(() => SearchSpace.Load(noKind), Throws.InstanceOf<TuningFileException>().With.Message.Contains("parameters[0] needs"));
        });
    }

    [Test]
    public void SaveIsAtomic_AndLeavesNoTemporaryFile()
    {
        using var temp = new TempDirectory();
        var path = temp.File("space.json");

        Space().Save(path);
        Space().Add("extra", 1).Save(path);

        Assert.Multiple(() =>
        {
            Assert.That(SearchSpace.Load(path).Parameters, Has.Count.EqualTo(6));
            Assert.That(Directory.GetFiles(temp.Path), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void AClone_IsIndependent()
    {
        var space = Space();
        var clone = space.Clone();

        space.Add("more", 1);

        Assert.That(clone.Parameters, Has.Count.EqualTo(5));
    }
}
