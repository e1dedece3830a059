using System.Text.Encodings.Web;
using System.Text.Json;
using LlmStrategies.IO;

namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>
/// Writes a train split as chat-format JSONL, the format OpenAI-compatible fine-tuning APIs accept: one line per
/// example, <c>{"messages":[{"role":"system",...},{"role":"user","content":input},{"role":"assistant","content":output}]}</c>.
/// Test items never get in: every training input is checked against the test inputs with a
/// <see cref="FewShot.LeakageGuard"/> (identical or near-duplicate). The file is written atomically (temporary file,
/// flush to disk, rename), so a crash leaves the previous file or the new one.
/// </summary>
public sealed class TrainingDataExporter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keeps non-ASCII text readable in the file; the file is data, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly TrainingDataExportOptions _options;

    /// <summary>Creates an exporter.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    public TrainingDataExporter(TrainingDataExportOptions? options = null)
    {
        _options = ValidatedOptions.ThrowIfInvalid(new TrainingDataExportOptionsValidator(), options ?? new TrainingDataExportOptions());
    }

    /// <summary>Finds the training examples that are test items, without writing anything.</summary>
    /// <param name="train">The train split.</param>
    /// <param name="testInputs">The inputs of the test split (and of any other held-out split).</param>
    /// <returns>The leaks, in training order; empty when the splits are clean.</returns>
    public IReadOnlyList<TrainingDataLeak> FindLeaks(IEnumerable<TrainingExample> train, IEnumerable<string> testInputs)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(testInputs);
        return FindLeaks(Check(train), CheckTestInputs(testInputs));
    }

    /// <summary>Writes the train split to <paramref name="path"/> as chat-format JSONL.</summary>
    /// <param name="train">The train split, written in this order.</param>
    /// <param name="testInputs">The inputs of the test split (and of any other held-out split).</param>
    /// <param name="path">The file to write; its folder is created when missing.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="TrainingDataLeakageException">Training examples are test items and excluding them is not enabled; nothing was written.</exception>
    /// <exception cref="ArgumentException">An example has an empty input or output; the message names it.</exception>
    public TrainingDataExport Export(IEnumerable<TrainingExample> train, IEnumerable<string> testInputs, string path)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(testInputs);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var examples = Check(train);
        var leaks = FindLeaks(examples, CheckTestInputs(testInputs));
        if (leaks.Count > 0 && !_options.ExcludeLeakedExamples)
        {
            throw new TrainingDataLeakageException(leaks);
        }

        var excluded = leaks.Select(l => l.ExampleIndex).ToHashSet();
        var kept = examples.Where((_, i) => !excluded.Contains(i)).ToList();
        var full = Path.GetFullPath(path);
        AtomicFile.Write(full, stream => WriteLines(stream, kept));
        return new TrainingDataExport { Path = full, ExampleCount = kept.Count, ExcludedLeaks = leaks };
    }

    private void WriteLines(Stream stream, List<TrainingExample> examples)
    {
        using var writer = new Utf8JsonWriter(stream, WriterOptions);
        foreach (var example in examples)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("messages");
            if (_options.SystemPrompt is { } system)
            {
                WriteMessage(writer, "system", system);
            }

            WriteMessage(writer, "user", example.Input);
            WriteMessage(writer, "assistant", example.Output);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            stream.WriteByte((byte)'\n');
            writer.Reset();
        }
    }

    private static void WriteMessage(Utf8JsonWriter writer, string role, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteString("content", content);
        writer.WriteEndObject();
    }

    private List<TrainingDataLeak> FindLeaks(List<TrainingExample> examples, List<string> testInputs)
    {
        var index = new NearDuplicateIndex(_options.LeakageGuard, testInputs);
        var leaks = new List<TrainingDataLeak>();
        for (var i = 0; i < examples.Count; i++)
        {
            var match = index.FindFirst(examples[i].Input);
            if (match >= 0)
            {
                leaks.Add(new TrainingDataLeak(NameOf(examples[i], i), i, match, testInputs[match]));
            }
        }

        return leaks;
    }

    private static List<TrainingExample> Check(IEnumerable<TrainingExample> train)
    {
        var examples = train.ToList();
        for (var i = 0; i < examples.Count; i++)
        {
            var example = examples[i] ?? throw new ArgumentException($"Training example #{i} is null.", nameof(train));
            if (string.IsNullOrWhiteSpace(example.Input))
            {
                throw new ArgumentException($"Training example '{NameOf(example, i)}' has an empty input; give it the text the model will be asked, or remove it.", nameof(train));
            }

            if (string.IsNullOrWhiteSpace(example.Output))
            {
                throw new ArgumentException($"Training example '{NameOf(example, i)}' has an empty output; give it the answer the model should learn, or remove it.", nameof(train));
            }
        }

        return examples;
    }

    private static List<string> CheckTestInputs(IEnumerable<string> testInputs)
    {
        var inputs = testInputs.ToList();
        var missing = inputs.IndexOf(null!);
        return missing < 0 ? inputs : throw new ArgumentException($"Test input {missing} is null.", nameof(testInputs));
    }

    private static string NameOf(TrainingExample example, int index) => example.Id ?? $"#{index}";
}
