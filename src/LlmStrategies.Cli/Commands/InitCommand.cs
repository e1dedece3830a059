using System.Text.Json.Nodes;
using LlmStrategies.Cli.Output;
using LlmStrategies.Cli.Running;
using LlmStrategies.IO;

namespace LlmStrategies.Cli.Commands;

/// <summary><c>init</c>: writes a commented config, its JSON Schema and a tiny dataset, so <c>eval</c> runs offline at once.</summary>
internal static class InitCommand
{
    public static int Run(string directory, bool json, bool force, bool jsonOutput, CliConsole console)
    {
        var root = Path.GetFullPath(directory);
        var configName = json ? "llmstrategies.json" : "llmstrategies.yaml";
        var files = new (string Path, string Text)[]
        {
            (configName, json ? ExampleFiles.JsonConfig(new DirectoryInfo(root).Name) : ExampleFiles.Yaml(new DirectoryInfo(root).Name)),
            (ExampleFiles.SchemaFileName, ExampleFiles.Schema()),
            (ExampleFiles.QuestionsPath, ExampleFiles.Questions()),
            (ExampleFiles.CorpusPath, ExampleFiles.Corpus()),
        };
        var existing = files.Where(f => File.Exists(Path.Combine(root, f.Path))).Select(f => f.Path).ToArray();
        if (existing.Length > 0 && !force)
        {
            throw new CommandFailure(ExitCodes.ConfigError, $"init would overwrite {string.Join(", ", existing)} in {root}. Pass --force to overwrite, or run init in an empty folder (--dir).");
        }

        foreach (var (path, text) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            AtomicFile.WriteAllText(full, text);
        }

        if (jsonOutput)
        {
            console.Out.WriteLine(ResultJson.Write(new JsonObject
            {
                ["command"] = "init",
                ["exitCode"] = ExitCodes.Success,
                ["config"] = Path.Combine(root, configName),
                ["files"] = ResultJson.Strings(files.Select(f => Path.Combine(root, f.Path))),
            }));
        }
        else
        {
            foreach (var (path, _) in files)
            {
                console.Out.WriteLine($"wrote {Path.Combine(root, path)}");
            }

            console.Out.WriteLine();
            console.Out.WriteLine($"Next: llmstrategies eval -c {Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(root, configName))}");
        }

        return ExitCodes.Success;
    }
}
