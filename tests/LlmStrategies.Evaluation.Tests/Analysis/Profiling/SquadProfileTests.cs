using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Evaluation.Analysis;

/// <summary>The profile of the SQuAD part shipped in ../shared (skipped when it is absent), checked against independent counts.</summary>
public class SquadProfileTests
{
    [Test]
    public async Task ProfilesTheSquadPartAndItsAnswerabilityMatchesANaiveScan()
    {
        var dataset = DatasetLoader.LoadSquad(SharedFiles.RequireFile("data/squad/squad-v1.1-dev-part-a.json"));
        var profile = await DataWork.ProfileAsync(dataset, options: new DataWorkOptions { GroupField = "article" });
        var a = profile.Answerability!;

        // Independent: a seeded sample of 300 of the 5,397 items, each checked against every paragraph by plain substring search.
        var haystacks = dataset.Corpus.Select(d => " " + SquadText.Normalize(d.Text) + " ").ToArray();
        var random = new Random(20240601);
        var sample = dataset.Items.OrderBy(_ => random.Next()).Take(300).ToArray();
        var notInCorpus = a.NotInCorpusItems.ToHashSet(StringComparer.Ordinal);
        var disagreements = sample.Count(item =>
        {
            var needles = item.ExpectedOutputs.Select(SquadText.Normalize).Where(n => n.Length > 0).Select(n => " " + n + " ").ToArray();
            var found = haystacks.Any(h => needles.Any(n => h.Contains(n, StringComparison.Ordinal)));
            return found == notInCorpus.Contains(item.Id);
        });

        var exactGroups = dataset.Items.GroupBy(i => SquadText.Normalize(i.Input), StringComparer.Ordinal).Count(g => g.Count() > 1);
        Assert.Multiple(() =>
        {
            Assert.That(profile.Dataset.Items, Is.EqualTo(5_397));
            Assert.That(profile.CorpusDocuments, Is.EqualTo(1_023));
            Assert.That(profile.GroupCount, Is.EqualTo(dataset.Items.Select(i => i.Metadata["article"]).Distinct().Count()));
            Assert.That(a.Checked, Is.EqualTo(5_397));
            Assert.That(a.InGoldPassage + a.OnlyInOtherDocuments + a.NotInCorpus, Is.EqualTo(a.Checked), "every SQuAD item has a gold passage");
            Assert.That(disagreements, Is.Zero);
            Assert.That(profile.Duplicates.ExactGroups, Is.EqualTo(exactGroups));
            Assert.That(profile.ScriptMix[0].Value, Is.EqualTo("Latin"));
        });
    }
}
