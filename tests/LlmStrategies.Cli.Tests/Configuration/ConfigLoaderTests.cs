using LlmStrategies.Cli.Commands;
using LlmStrategies.Cli.Configuration;

namespace LlmStrategies.Cli.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder();
        InitCommand.Run(_folder.Path, json: false, force: false, jsonOutput: false, new TestConsole().Console);
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public void TheInitConfigLoadsWithItsRungsAndResolvedPaths()
    {
        var config = ConfigLoader.Load(_folder.File("llmstrategies.yaml"), NoEnvironment);

        Assert.That(config.Strategies.Select(s => s.Name), Is.EqualTo(new[] { "prompt-only", "few-shot", "rag-bm25", "few-shot+rag-bm25" }));
        Assert.That(config.Strategies[1].FewShot, Is.EqualTo(new FewShotConfig(3, SelectorKind.Lexical)));
        Assert.That(config.Strategies[2].Rag, Is.EqualTo(new RagConfig(RetrieverKind.Bm25, 3)));
        Assert.That(config.Dataset.Path, Is.EqualTo(_folder.File("data/questions.jsonl")));
        Assert.That(config.Dataset.Format, Is.EqualTo(DatasetFormat.Jsonl));
        Assert.That(config.PrimaryMetric, Is.EqualTo("Contains Answer"));
        Assert.That(config.Evaluators, Does.Contain("retrieval@3"));
        Assert.That(config.Tune!.Space.Top, Is.EqualTo(new[] { 1, 3 }));
    }

    [Test]
    public void TheInitJsonConfigLoadsTheSameRungs()
    {
        using var folder = new TempFolder();
        InitCommand.Run(folder.Path, json: true, force: false, jsonOutput: false, new TestConsole().Console);

        var config = ConfigLoader.Load(folder.File("llmstrategies.json"), NoEnvironment);

        Assert.That(config.Strategies.Select(s => s.Name), Is.EqualTo(new[] { "prompt-only", "few-shot", "rag-bm25", "few-shot+rag-bm25" }));
        Assert.That(config.Gate.ItemPassScore, Is.EqualTo(0.5));
    }

    [Test]
    public void AnUnknownKeyIsReportedAtItsLineAndColumnWithTheNearestAllowedKey()
    {
        var errors = Errors("""
            dataset:
              path: data/questions.jsonl
              corpus: data/corpus.jsonl
            strategies:
              - name: rag
                rag: { retriver: bm25 }
            """);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Position, Is.EqualTo(new SourcePosition(6, 12)));
        Assert.That(errors[0].Message, Does.Contain("unknown setting 'retriver'"));
        Assert.That(errors[0].Fix, Does.Contain("did you mean 'retriever'"));
        Assert.That(errors[0].ToString(), Does.StartWith("cfg.yaml:6:12: error: "));
    }

    [Test]
    public void EveryErrorIsCollectedBeforeAnyWork()
    {
        var errors = Errors("""
            seed: many
            dataset:
              path: missing.jsonl
            models:
              - name: gpt
                provider: openai
            strategies:
              - name: a
                fewShot: { examples: 0, selector: clever }
              - name: a
            primaryMetric: BLEU
            """);

        Assert.That(errors.Select(e => e.Position.Line), Is.EquivalentTo(new[] { 1, 3, 5, 5, 9, 9, 10, 11 }), string.Join("\n", errors));
        Assert.That(errors.Single(e => e.Position.Line == 1).Message, Does.Contain("'many'").And.Contain("whole number"));
        Assert.That(errors.Single(e => e.Position.Line == 3).Message, Does.Contain("missing.jsonl").And.Contain("does not exist"));
        Assert.That(errors.Where(e => e.Position.Line == 5).Select(e => e.Message), Has.Some.Contain("model.model is required").And.Some.Contain("OPENAI_API_KEY"));
        Assert.That(errors.Where(e => e.Position.Line == 9).Select(e => e.Message), Has.Some.Contain("clever").And.Some.Contain("from 1 to 100"));
        Assert.That(errors.Single(e => e.Position.Line == 10).Message, Does.Contain("two strategies are named 'a'"));
        Assert.That(errors.Single(e => e.Position.Line == 11).Fix, Does.Contain("'Contains Answer'"));
    }

    [Test]
    public void RagWithoutACorpusIsAnErrorThatSaysWhatToAdd()
    {
        var errors = Errors("""
            dataset:
              path: data/questions.jsonl
            strategies:
              - name: rag
                rag: { retriever: bm25 }
            """);

        Assert.That(errors.Single().Message, Does.Contain("no corpus"));
        Assert.That(errors.Single().Fix, Does.Contain("corpus:"));
    }

    [Test]
    public void ABudgetNeedsAPriceForEveryPaidModel()
    {
        var errors = Errors(
            """
            dataset: { path: data/questions.jsonl }
            models:
              - { name: gpt, provider: openai, model: gpt-4o-mini }
            strategies: [ { name: p } ]
            run: { budget: 1.5 }
            """,
            _ => "key");

        Assert.That(errors.Single().Message, Does.Contain("no price"));
        Assert.That(errors.Single().Position.Line, Is.EqualTo(5));
    }

    [Test]
    public void InvalidYamlIsReportedAtTheParsersPosition()
    {
        var errors = Errors("dataset:\n  path: [unclosed\nstrategies: []\n");

        Assert.That(errors.Single().Message, Does.StartWith("not valid YAML"));
        Assert.That(errors.Single().Position.Line, Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void JsonErrorsCarryLineAndColumnFromTheReaderOffsets()
    {
        var errors = Errors("{\n  \"dataset\": { \"path\": \"data/questions.jsonl\" },\n  \"strategies\": [ { \"name\": \"p\", \"fewshot\": {} } ]\n}\n", name: "cfg.json");

        Assert.That(errors.Single().Position, Is.EqualTo(new SourcePosition(3, 34)));
        Assert.That(errors.Single().Fix, Does.Contain("did you mean 'fewShot'"));
    }

    [Test]
    public void MalformedJsonIsReportedWithItsLine()
    {
        var errors = Errors("{\n  \"dataset\": { \"path\": \"x\" }\n  \"strategies\": []\n}\n", name: "cfg.json");

        Assert.That(errors.Single().Message, Does.StartWith("not valid JSON"));
        Assert.That(errors.Single().Position.Line, Is.EqualTo(3));
    }

    [Test]
    public void AMissingConfigFileSaysHowToCreateOne()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_folder.File("nope.yaml"), NoEnvironment));

        Assert.That(ex!.Errors.Single().Fix, Does.Contain("llmstrategies init"));
    }

    [TestCase("squad-f1", "SQuAD F1")]
    [TestCase("contains answer", "Contains Answer")]
    [TestCase("MRR@3", "MRR@3")]
    public void MetricNamesMatchIgnoringCaseSpacesAndDashes(string text, string expected) =>
        Assert.That(ConfigLoader.ResolveMetric(text, ["Contains Answer", "SQuAD F1", "SQuAD Exact Match", "MRR@3"]), Is.EqualTo(expected));

    private static string? NoEnvironment(string name) => null;

    private List<ConfigError> Errors(string text, Func<string, string?>? environment = null, string name = "cfg.yaml")
    {
        File.WriteAllText(_folder.File(name), text);
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_folder.File(name), environment ?? NoEnvironment));
        return ex!.Errors.Select(e => e with { File = Path.GetFileName(e.File) }).ToList();
    }
}
