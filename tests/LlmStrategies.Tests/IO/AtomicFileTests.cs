using LlmStrategies.IO;

namespace LlmStrategies.Tests.IO;

public class AtomicFileTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("atomic-file-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Write_CreatesMissingFoldersAndReplacesAnExistingFile()
    {
        var path = Path.Combine(_folder, "nested", "deeper", "file.txt");

        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second ✓");

        Assert.That(File.ReadAllText(path), Is.EqualTo("second ✓"));
        Assert.That(File.ReadAllBytes(path)[0], Is.EqualTo((byte)'s'), "no byte-order mark");
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temporary file left behind");
    }

    [Test]
    public void AFailureWhileWriting_LeavesTheOldFileAndNoTemporaryFile()
    {
        var path = Path.Combine(_folder, "file.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write([9, 9, 9, 9, 9]);
            throw new InvalidOperationException("writer failed half way");
        }));

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Directory.GetFiles(_folder), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void ACrashBeforeTheRename_LeavesTheOldFileAndNoTemporaryFile()
    {
        var path = Path.Combine(_folder, "file.txt");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => stream.Write("new"u8), () => throw new IOException("simulated crash")));

        Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
        Assert.That(Directory.GetFiles(_folder), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void OrphansOfAnInterruptedSave_AreRemovedByTheNextSave_ButASaveInProgressIsLeftAlone()
    {
        var path = Path.Combine(_folder, "report.json");
        var orphan = Path.Combine(_folder, $".report.json.{Guid.NewGuid():N}.tmp");
        var otherTarget = Path.Combine(_folder, $".other.json.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(orphan, "half a report");
        File.WriteAllText(otherTarget, "another file's save");
        string? inProgress = null;

        AtomicFile.Write(path, stream => stream.Write("new"u8), beforeRename: () =>
        {
            // While this save holds its temporary file, another save's clean-up must not take it for an orphan.
            inProgress = Directory.GetFiles(_folder, ".report.json.*.tmp").Single();
            Assert.That(AtomicFile.RemoveOrphans(path), Is.Zero);
        });

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(orphan), Is.False, "the orphan of an interrupted save is gone");
            Assert.That(File.Exists(otherTarget), Is.True, "another target's temporary files are not touched");
            Assert.That(inProgress, Is.Not.Null);
            Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        });
    }

    [Test]
    public void OrphansAreRemovedOnLoad_ThroughRemoveOrphans()
    {
        var path = Path.Combine(_folder, "index.bin");
        var orphan = Path.Combine(_folder, $".index.bin.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(orphan, "half an index");

        Assert.Multiple(() =>
        {
            Assert.That(AtomicFile.RemoveOrphans(path), Is.EqualTo(1));
            Assert.That(File.Exists(orphan), Is.False);
        });
    }
}
