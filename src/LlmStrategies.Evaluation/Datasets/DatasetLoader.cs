namespace LlmStrategies.Evaluation;

/// <summary>
/// Loads datasets from JSONL, CSV, the BEIR layout and SQuAD JSON. Every malformed record is reported with its file,
/// line, field and a fix; nothing is dropped silently: by default the load fails listing every problem, and with
/// <see cref="DatasetLoadOptions.SkipInvalid"/> the problems are kept in <see cref="EvaluationDataset.Errors"/>.
/// </summary>
/// <remarks>
/// Blank lines in JSONL files are not records and are ignored. This class is the one entry point; each format has its
/// own reader (Formats/: JSONL, CSV, BEIR, SQuAD).
/// </remarks>
public static class DatasetLoader
{
    /// <summary>
    /// Loads a JSONL file: one JSON object per line with the fields named in <paramref name="options"/>, by default
    /// <c>{"id": "q1", "input": "...", "expected": "..." | ["...", "..."], "label": "...", "metadata": {...}, "relevant": {"doc": 2}}</c>.
    /// Unknown scalar fields become metadata.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Field names and error handling; default <see cref="DatasetLoadOptions"/>.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetFormatException">A record is malformed and <see cref="DatasetLoadOptions.SkipInvalid"/> is off, or a field option names a field no record has.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is empty or two field options name the same field.</exception>
    public static EvaluationDataset LoadJsonl(string path, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return JsonlDatasetReader.Load(path, Validated(options));
    }

    /// <summary>
    /// Loads a CSV file (RFC 4180: comma-separated, fields with commas, quotes or line breaks in double quotes, quotes
    /// doubled) whose first row names the columns: <see cref="DatasetLoadOptions.InputField"/> is required, id, expected
    /// (several answers separated by <see cref="DatasetLoadOptions.CsvAnswerSeparator"/>) and label are optional,
    /// every other column becomes metadata.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Column names and error handling.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetFormatException">A record is malformed and <see cref="DatasetLoadOptions.SkipInvalid"/> is off, or the header is unusable.</exception>
    public static EvaluationDataset LoadCsv(string path, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return CsvDatasetReader.Load(path, Validated(options));
    }

    /// <summary>
    /// Loads a BEIR dataset folder: <c>corpus.jsonl</c> (<c>{"_id", "title", "text"}</c>), <c>queries.jsonl</c>
    /// (<c>{"_id", "text"}</c>) and <c>qrels/{split}.tsv</c> (<c>query-id, corpus-id, score</c> with a header row). The
    /// items are the queries judged in the split, with their graded judgments; the corpus documents' text is the title
    /// and the text joined by a blank line.
    /// </summary>
    /// <param name="directory">The dataset folder.</param>
    /// <param name="options">The split and error handling.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetFormatException">A record is malformed and <see cref="DatasetLoadOptions.SkipInvalid"/> is off.</exception>
    /// <exception cref="FileNotFoundException">A file of the layout is missing.</exception>
    public static EvaluationDataset LoadBeir(string directory, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return BeirDatasetReader.Load(directory, Validated(options));
    }

    /// <summary>
    /// Loads a SQuAD v1.1/v2.0 JSON file (<c>data[].title</c>, <c>data[].paragraphs[].context</c>,
    /// <c>qas[].id/question/answers[].text</c>). Each question becomes an item whose expected outputs are its gold answers,
    /// whose label and <c>article</c> metadata are the article title (split by article, never by question, so test
    /// questions share no paragraph with the few-shot pool), and whose relevant document is its paragraph; the
    /// paragraphs form the corpus (ids <c>p{article}-{paragraph}</c>). Unanswerable v2.0 questions are kept with no
    /// expected output and <c>is_impossible</c> metadata.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Error handling.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetFormatException">The file is not SQuAD JSON, or a question is malformed and <see cref="DatasetLoadOptions.SkipInvalid"/> is off. JSON syntax errors carry the line; record errors name the JSON path.</exception>
    public static EvaluationDataset LoadSquad(string path, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return SquadDatasetReader.Load(path, Validated(options));
    }

    /// <summary>Loads a dataset by its path: a folder (BEIR), <c>.jsonl</c>, <c>.csv</c> or <c>.json</c> (SQuAD).</summary>
    /// <param name="path">The file or folder.</param>
    /// <param name="options">Field names and error handling.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">The path's kind is not recognised.</exception>
    public static EvaluationDataset Load(string path, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            return LoadBeir(path, options);
        }

        return Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".JSONL" => LoadJsonl(path, options),
            ".CSV" => LoadCsv(path, options),
            ".JSON" => LoadSquad(path, options),
            _ => throw new ArgumentException($"Cannot tell the format of '{path}': use a .jsonl, .csv or SQuAD .json file, or a BEIR folder (corpus.jsonl, queries.jsonl, qrels/).", nameof(path)),
        };
    }

    /// <summary>
    /// Loads a corpus of documents from JSONL in the BEIR <c>corpus.jsonl</c> format: <c>{"_id": "d1", "title": "...", "text": "..."}</c>
    /// per line (the title is optional; it is put before the text, separated by a blank line).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The documents, in file order.</returns>
    /// <exception cref="DatasetFormatException">A line is malformed or two documents share an id.</exception>
    public static IReadOnlyList<SourceDocument> LoadCorpusJsonl(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var errors = new List<DatasetError>();
        var corpus = BeirDatasetReader.ReadCorpus(path, errors);
        if (errors.Count > 0)
        {
            throw new DatasetFormatException(errors);
        }

        return corpus.Values.ToArray();
    }

    private static DatasetLoadOptions Validated(DatasetLoadOptions? options) =>
        ValidatedOptions.ThrowIfInvalid(new DatasetLoadOptionsValidator(), options ?? new DatasetLoadOptions());

    /// <summary>An id derived from the input, stable when records are reordered.</summary>
    internal static string IdFromInput(string input) => DatasetReading.IdFromInput(input);
}
