using LlmStrategies.Evaluation;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Evaluation.Datasets;

public class DatasetLoaderTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Jsonl_ReadsEveryField()
    {
        var path = _temp.Write("qa.jsonl", """
            {"id": "q1", "input": "Capital of France?", "expected": ["Paris", "paris"], "label": "geo", "metadata": {"source": "atlas", "year": 2020}, "relevant": {"d1": 2, "d2": 1}}

            {"input": "Two plus two?", "expected": "4", "difficulty": "easy", "relevant": ["d9"]}
            """);

        var dataset = DatasetLoader.LoadJsonl(path);

        var first = dataset.Items[0];
        var second = dataset.Items[1];
        Assert.Multiple(() =>
        {
            Assert.That(dataset.Name, Is.EqualTo("qa"));
            Assert.That(dataset.Items, Has.Count.EqualTo(2));
            Assert.That(first.ExpectedOutputs, Is.EqualTo(new[] { "Paris", "paris" }));
            Assert.That(first.Label, Is.EqualTo("geo"));
            Assert.That(first.Metadata["year"], Is.EqualTo("2020"));
            Assert.That(first.RelevantDocuments["d1"], Is.EqualTo(2));
            Assert.That(second.Id, Is.EqualTo(DatasetLoader.IdFromInput("Two plus two?")), "no id: a hash of the input");
            Assert.That(second.Metadata["difficulty"], Is.EqualTo("easy"), "unknown scalar fields become metadata");
            Assert.That(second.RelevantDocuments["d9"], Is.EqualTo(1));
            Assert.That(dataset.Errors, Is.Empty);
        });
    }

    [Test]
    public void Jsonl_ReportsEveryMalformedLineWithFileLineFieldAndFix()
    {
        var path = _temp.Write("bad.jsonl", string.Join('\n',
            "{\"id\": \"a\", \"input\": \"ok\", \"expected\": \"x\"}",
            "{\"id\": \"b\", \"input\": 42, \"expected\": \"x\"}",
            "not json",
            "{\"id\": \"c\", \"input\": \"no answer\"}",
            "[1, 2]",
            "{\"id\": \"a\", \"input\": \"again\", \"expected\": \"x\"}",
            "{\"id\": \"d\", \"input\": \"q\", \"expected\": [\"x\", 3]}"));

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadJsonl(path));

        var errors = ex!.Errors;
        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e.Line), Is.EqualTo(new[] { 2, 3, 4, 5, 6, 7 }));
            Assert.That(errors[0].Field, Is.EqualTo("input"));
            Assert.That(errors[0].File, Is.EqualTo(path));
            Assert.That(errors[0].Message, Does.Contain("non-empty string").And.Contain("number 42"));
            Assert.That(errors[1].Message, Does.Contain("not valid JSON"));
            Assert.That(errors[2].Field, Is.EqualTo("expected"));
            Assert.That(errors[2].Message, Does.Contain("RequireExpected = false"));
            Assert.That(errors[3].Message, Does.Contain("not an object"));
            Assert.That(errors[4].Message, Does.Contain("used twice").And.Contain("first on line 1"));
            Assert.That(errors[5].Field, Is.EqualTo("expected[1]"));
            Assert.That(ex.Message, Does.Contain($"{path}:2: field 'input'"));
        });
    }

    [Test]
    public void Jsonl_SkipInvalid_CollectsErrorsInsteadOfFailing()
    {
        var path = _temp.Write("mixed.jsonl", "{\"input\": \"ok\", \"expected\": \"x\"}\n{\"input\": \"\"}\n");

        var dataset = DatasetLoader.LoadJsonl(path, new DatasetLoadOptions { SkipInvalid = true });

        Assert.Multiple(() =>
        {
            Assert.That(dataset.Items, Has.Count.EqualTo(1));
            Assert.That(dataset.Errors.Single().Line, Is.EqualTo(2));
        });
    }

    [Test]
    public void Csv_HandlesQuotesCommasLineBreaksAndSeparators()
    {
        var path = _temp.Write("qa.csv", "id,input,expected,label,topic\r\n" +
            "q1,\"Where is it, exactly?\",Paris|Lyon,geo,cities\r\n" +
            "q2,\"A \"\"quoted\"\"\nmulti-line question\",42,,math\r\n" +
            "q3,Short,x,,misc\r\n");

        var dataset = DatasetLoader.LoadCsv(path);

        Assert.Multiple(() =>
        {
            Assert.That(dataset.Items.Select(i => i.Id), Is.EqualTo(new[] { "q1", "q2", "q3" }));
            Assert.That(dataset.Items[0].Input, Is.EqualTo("Where is it, exactly?"));
            Assert.That(dataset.Items[0].ExpectedOutputs, Is.EqualTo(new[] { "Paris", "Lyon" }));
            Assert.That(dataset.Items[1].Input, Is.EqualTo("A \"quoted\"\nmulti-line question"));
            Assert.That(dataset.Items[1].Label, Is.Null);
            Assert.That(dataset.Items[2].Metadata["topic"], Is.EqualTo("misc"));
        });
    }

    [Test]
    public void Csv_ErrorsNameTheLineWhereTheRecordStarts()
    {
        var path = _temp.Write("bad.csv", "input,expected\n\"multi\nline\",x\ntoo,many,fields\n,empty input\nok,\n\"never closed,x\n");

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadCsv(path));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Errors.Select(e => (e.Line, e.Field)), Is.EqualTo(new (int, string?)[] { (7, null), (4, null), (5, "input"), (6, "expected") }));
            Assert.That(ex.Errors[0].Message, Does.Contain("never closed"));
            Assert.That(ex.Errors[1].Message, Does.Contain("3 fields but the header has 2"));
        });
    }

    [Test]
    public void Csv_MissingInputColumn_NamesTheColumns()
    {
        var path = _temp.Write("bad.csv", "question,answer\nq,a\n");
        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadCsv(path));
        Assert.That(ex!.Message, Does.Contain("no 'input' column (it has: question, answer)"));
    }

    [Test]
    public void Beir_ReadsCorpusQueriesAndGradedQrels()
    {
        _temp.Write("scifact/corpus.jsonl", "{\"_id\": \"d1\", \"title\": \"Cats\", \"text\": \"Cats purr.\"}\n{\"_id\": \"d2\", \"text\": \"Dogs bark.\"}\n");
        _temp.Write("scifact/queries.jsonl", "{\"_id\": \"q1\", \"text\": \"why do cats purr\"}\n{\"_id\": \"q2\", \"text\": \"dogs\"}\n{\"_id\": \"q3\", \"text\": \"not judged in test\"}\n");
        _temp.Write("scifact/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\td2\t1\n");

        var dataset = DatasetLoader.LoadBeir(_temp.File("scifact"));

        Assert.Multiple(() =>
        {
            Assert.That(dataset.Name, Is.EqualTo("scifact"));
            Assert.That(dataset.Items.Select(i => i.Id), Is.EqualTo(new[] { "q1", "q2" }));
            Assert.That(dataset.Items[0].RelevantDocuments, Is.EqualTo(new Dictionary<string, double> { ["d1"] = 2, ["d2"] = 0 }));
            Assert.That(dataset.Corpus.Select(d => d.Text), Is.EqualTo(new[] { "Cats\n\nCats purr.", "Dogs bark." }));
        });
    }

    [Test]
    public void Beir_UnknownDocumentInQrels_IsAnError()
    {
        _temp.Write("b/corpus.jsonl", "{\"_id\": \"d1\", \"text\": \"x\"}\n");
        _temp.Write("b/queries.jsonl", "{\"_id\": \"q1\", \"text\": \"y\"}\n");
        _temp.Write("b/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td7\t1\nq1\td1\tone\n");

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadBeir(_temp.File("b")));

        Assert.That(ex!.Errors.Select(e => (e.Line, e.Field)), Is.EqualTo(new (int, string?)[] { (2, "corpus-id"), (3, "score") }));
    }

    [Test]
    public void Beir_MissingFile_SaysWhichAndHowToFix()
    {
        _temp.Write("c/corpus.jsonl", string.Empty);
        var ex = Assert.Throws<FileNotFoundException>(() => DatasetLoader.LoadBeir(_temp.File("c")));
        Assert.That(ex!.Message, Does.Contain("queries.jsonl"));
    }

    [Test]
    public void Squad_ReadsQuestionsAnswersAndParagraphs()
    {
        var path = _temp.Write("squad.json", """
            {"version": "1.1", "data": [{"title": "Normans", "paragraphs": [
              {"context": "The Normans were in Normandy.", "qas": [
                {"id": "a1", "question": "Where were the Normans?", "answers": [{"text": "Normandy", "answer_start": 20}, {"text": "in Normandy", "answer_start": 17}]}]},
              {"context": "Second paragraph.", "qas": [{"id": "a2", "question": "Which?", "answers": [{"text": "Second"}]}]}]}]}
            """);

        var dataset = DatasetLoader.LoadSquad(path);

        Assert.Multiple(() =>
        {
            Assert.That(dataset.Items.Select(i => i.Id), Is.EqualTo(new[] { "a1", "a2" }));
            Assert.That(dataset.Items[0].ExpectedOutputs, Is.EqualTo(new[] { "Normandy", "in Normandy" }));
            Assert.That(dataset.Items[0].Label, Is.EqualTo("Normans"));
            Assert.That(dataset.Items[0].Metadata["article"], Is.EqualTo("Normans"));
            Assert.That(dataset.Items[1].RelevantDocuments.Keys, Is.EqualTo(new[] { "p0-1" }));
            Assert.That(dataset.Corpus.Select(d => d.Id), Is.EqualTo(new[] { "p0-0", "p0-1" }));
        });
    }

    [Test]
    public void Squad_MalformedQuestion_NamesItsJsonPath()
    {
        var path = _temp.Write("bad.json", """{"data": [{"title": "T", "paragraphs": [{"context": "c", "qas": [{"id": "x", "question": "q", "answers": []}]}]}]}""");
        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadSquad(path));
        Assert.That(ex!.Errors.Single().Field, Is.EqualTo("data[0].paragraphs[0].qas[0].answers"));
    }

    [Test]
    public void Squad_SharedDevSet_HasThePublishedCounts()
    {
        var path = SharedFiles.RequireFile("data/squad/squad-v1.1-dev-part-a.json");

        var dataset = DatasetLoader.LoadSquad(path);

        Assert.Multiple(() =>
        {
            Assert.That(dataset.Items, Has.Count.EqualTo(5_397));
            Assert.That(dataset.Corpus, Has.Count.EqualTo(1_023));
            Assert.That(dataset.Items.Select(i => i.Metadata["article"]).Distinct().Count(), Is.EqualTo(24));
        });
    }

    [Test]
    public void Load_PicksTheLoaderByExtension()
    {
        var path = _temp.Write("x.txt", "input\nq\n");
        Assert.Throws<ArgumentException>(() => DatasetLoader.Load(path));
        Assert.That(DatasetLoader.Load(_temp.Write("y.csv", "input,expected\nq,a\n")).Items, Has.Count.EqualTo(1));
    }

    [TestCase("NaN")]
    [TestCase("Infinity")]
    [TestCase("-Infinity")]
    public void Beir_ANonFiniteGrade_IsAnErrorNamingTheLine(string grade)
    {
        var folder = BeirFolder($"q1\td1\t{grade}");

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadBeir(folder));

        Assert.That(ex!.Message, Does.Contain("test.tsv:2").And.Contain($"the relevance grade {grade} is not a finite number"));
    }

    [Test]
    public void Jsonl_AGradeBeyondDouble_IsAnErrorNamingTheField()
    {
        var path = _temp.Write("qa.jsonl", "{\"input\": \"q\", \"expected\": \"a\", \"relevant\": {\"d1\": 1e400}}\n");

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadJsonl(path));

        Assert.That(ex!.Message, Does.Contain("qa.jsonl:1").And.Contain("relevant.d1").And.Contain("1e400 is not a finite number"));
    }

    [Test]
    public void Jsonl_InvalidUtf8_IsAnErrorNamingTheLine_NotReplacementCharacters()
    {
        var path = _temp.File("qa.jsonl");
        File.WriteAllBytes(path, [.. "{\"input\": \"ok\", \"expected\": \"a\"}\n{\"input\": \"caf"u8, 0xE9, .. "\", \"expected\": \"b\"}\n"u8]);

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadJsonl(path));

        Assert.That(ex!.Message, Does.Contain("qa.jsonl:2").And.Contain("not valid UTF-8 (byte 15 of the line)"));
    }

    [Test]
    public void Squad_WithAByteOrderMark_Loads()
    {
        var path = _temp.File("squad.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(Squad("q1", "q2"))]);

        var dataset = DatasetLoader.LoadSquad(path);

        Assert.That(dataset.Items.Select(i => i.Id), Is.EqualTo(new[] { "q1", "q2" }));
    }

    [Test]
    public void Squad_InvalidUtf8_NamesTheFileAndLine()
    {
        var path = _temp.File("squad.json");
        var bytes = System.Text.Encoding.UTF8.GetBytes(Squad("q1", "q2").Replace("Paris", "Par\u00ffs", StringComparison.Ordinal));
        var at = Array.IndexOf(bytes, (byte)0xC3);
        bytes[at] = 0xFF; // not UTF-8
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadSquad(path));

        Assert.That(ex!.Message, Does.Contain("squad.json:").And.Contain("not valid UTF-8"));
    }

    [Test]
    public void Squad_ARepeatedQuestionId_NamesBothJsonPaths()
    {
        var path = _temp.Write("squad.json", Squad("q1", "q1"));

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadSquad(path));

        Assert.That(ex!.Message, Does.Contain("data[0].paragraphs[0].qas[1].id").And.Contain("id 'q1' is used twice (first at data[0].paragraphs[0].qas[0])"));
    }

    [TestCase(nameof(DatasetLoadOptions.LabelField), "lable")]
    [TestCase(nameof(DatasetLoadOptions.IdField), "identifier")]
    [TestCase(nameof(DatasetLoadOptions.RelevantField), "qrels")]
    public void Jsonl_AFieldOptionNamingNoField_FailsListingTheFields(string option, string field)
    {
        var path = _temp.Write("qa.jsonl", "{\"id\": \"q1\", \"input\": \"q\", \"expected\": \"a\", \"label\": \"x\"}\n");
        var options = new DatasetLoadOptions();
        typeof(DatasetLoadOptions).GetProperty(option)!.SetValue(options, field);

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadJsonl(path, options));

        Assert.That(ex!.Message, Does.Contain($"DatasetLoadOptions.{option} is '{field}'").And.Contain("the records' fields are: expected, id, input, label"));
    }

    [Test]
    public void Csv_ALabelColumnOptionNamingNoColumn_FailsListingTheHeader()
    {
        var path = _temp.Write("qa.csv", "id,input,expected\nq1,q,a\n");

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetLoader.LoadCsv(path, new DatasetLoadOptions { LabelField = "lable" }));

        Assert.That(ex!.Message, Does.Contain("DatasetLoadOptions.LabelField is 'lable'").And.Contain("it has: id, input, expected"));
    }

    private string BeirFolder(string judgment)
    {
        _temp.Write(Path.Combine("beir", "corpus.jsonl"), "{\"_id\": \"d1\", \"text\": \"doc\"}\n");
        _temp.Write(Path.Combine("beir", "queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"query\"}\n");
        _temp.Write(Path.Combine("beir", "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\n" + judgment + "\n");
        return _temp.File("beir");
    }

    private static string Squad(string firstId, string secondId) => $$"""
        {"data": [{"title": "France", "paragraphs": [{"context": "Paris is the capital of France.", "qas": [
          {"id": "{{firstId}}", "question": "Capital of France?", "answers": [{"text": "Paris", "answer_start": 0}]},
          {"id": "{{secondId}}", "question": "Which country?", "answers": [{"text": "France", "answer_start": 24}]}]}]}]}
        """;
}
